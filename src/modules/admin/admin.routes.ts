import type { FastifyPluginAsync } from 'fastify';
import type { Api } from 'grammy';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type BusinessConfig, type Locale } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { faqEntryInputSchema } from '../faq/faq.service.ts';
import type { ModuleServices, StaffRole } from '../module.ts';
import { buildOrderExport } from '../orders/orders.export.ts';
import type { UserRecord } from '../users/users.tables.ts';
import { buildOpenApi, registerApiRoutes, route, type AnyApiRoute } from './admin.api.ts';
import type { ContentService } from './admin.content.ts';
import { clearSessionCookie } from './admin.cookies.ts';
import { AdminError } from './admin.errors.ts';
import type { GoLiveOutcome } from './admin.go-live.ts';
import { auditSummary, noteAudit } from './admin.gate.ts';
import { isSecureRequest } from './admin.login.routes.ts';
import { STAFF_ROLES, type AdminService } from './admin.service.ts';
import type { LiveSettings } from './admin.settings.ts';

/** A dependency the system page reports on (the same checks as `/health/ready`). */
export interface SystemCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
  /** False: a failure is a warning (the bot keeps working), shown as such on the page. */
  critical?: boolean;
}

/** An enabled module as the panel needs to know it. */
export interface PanelModule {
  name: string;
  /** True when the module has staff routes under `/api/<name>`. */
  hasRoutes: boolean;
  staffRoles?: readonly StaffRole[];
}

/** Everything the admin API reads; passed in by the HTTP layer, which sees every module. */
export interface AdminApiDeps {
  admin: AdminService;
  content: ContentService;
  /** The live settings; one PUT and one DELETE route per section. */
  settings: LiveSettings;
  /** The bot's Bot API client, for checks such as "is the bot an admin of this channel". */
  telegram?(): Api | undefined;
  services: Partial<ModuleServices>;
  modules: readonly PanelModule[];
  db: Db;
  dialect: string;
  config: BusinessConfig;
  preset: string;
  mode: string;
  version: string;
  publicUrl?: string;
  checks: readonly SystemCheck[];
  metrics: Metrics;
  i18n: Translator;
  now(): number;
  startedAtMs: number;
  /** Present in the sandbox: takes it live with a bot token (see admin.go-live.ts). */
  goLive?(token: string): Promise<GoLiveOutcome>;
}

/** The panel's pages, the module each needs (if any) and the roles that see it. */
export const PANEL_PAGES: readonly { id: string; modules?: readonly string[]; roles?: readonly StaffRole[]; sandboxOnly?: boolean }[] = [
  { id: 'dashboard', roles: ['manager', 'accountant'] },
  { id: 'orders', modules: ['orders'] },
  { id: 'catalog', modules: ['catalog'] },
  { id: 'customers', roles: ['manager', 'support'] },
  { id: 'payments', modules: ['payments', 'wallet'] },
  { id: 'broadcasts', modules: ['broadcasts'] },
  { id: 'custom-orders', modules: ['custom-orders'] },
  { id: 'bookings', modules: ['booking'] },
  { id: 'support', modules: ['support', 'tickets'] },
  { id: 'content', roles: [] },
  { id: 'staff', roles: [] },
  { id: 'audit', roles: [] },
  { id: 'system', roles: [] },
  // From the sandbox to a real bot; gone once the bot is live.
  { id: 'go-live', roles: [], sandboxOnly: true },
];

const ANY_ROLE: readonly StaffRole[] = STAFF_ROLES;
const OWNER_ONLY: readonly StaffRole[] = [];
const CUSTOMER_READERS: readonly StaffRole[] = ['manager', 'support'];
const DASHBOARD_READERS: readonly StaffRole[] = ['manager', 'accountant'];

const idParams = z.object({ id: z.coerce.number().int().positive().describe('Id') });
const userIdParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 52).describe('Telegram user id') });
const localeSchema = z.enum(SUPPORTED_LOCALES);
const tagSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_ .-]+$/u, 'letters, digits, space, dot, dash or underscore');

const staffViewSchema = z.object({
  id: z.number(),
  telegramId: z.number().nullable(),
  login: z.string().nullable(),
  displayName: z.string(),
  role: z.enum(['owner', 'manager', 'support', 'accountant']),
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
});

const customerSchema = z.object({
  id: z.number(),
  name: z.string(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  locale: z.string(),
  blocked: z.boolean(),
  firstSeenAt: z.number(),
  lastSeenAt: z.number(),
  tags: z.array(z.string()),
});

const moneySchema = z.object({ currency: z.string(), totalMinor: z.number() });

const periodSchema = z.object({
  key: z.enum(['today', '7d', '30d']),
  fromMs: z.number(),
  newUsers: z.number(),
  activeUsers: z.number(),
  orders: z.number().nullable(),
  customers: z.number().nullable(),
  revenue: z.array(moneySchema),
  averageOrder: z.array(moneySchema),
  conversion: z.number().nullable().describe('Share of active users who ordered, 0–1'),
});

const sectionViewSchema = z.object({
  key: z.string(),
  module: z.string(),
  value: z.unknown().describe('The value in effect'),
  fallback: z.unknown().describe('The config file’s value, which a reset goes back to'),
  overridden: z.boolean(),
  updatedAt: z.number().nullable(),
  updatedBy: z.number().nullable().describe('Staff id of the last change'),
  facts: z.record(z.string(), z.unknown()).describe('What the form needs besides the value'),
});

/** Business settings sent without `support.hours` keep the ones in effect. */
function keepSupportHours(body: { support: Record<string, unknown> }, hours: string | undefined): unknown {
  if ('hours' in body.support || hours === undefined) return body;
  return { ...body, support: { ...body.support, hours } };
}

/** Builds the `/api/admin` routes and the OpenAPI document that describes them. */
export function createAdminApi(deps: AdminApiDeps): { routes: AnyApiRoute[]; plugin: FastifyPluginAsync; openApi(): Record<string, unknown> } {
  const { services } = deps;
  const moduleNames = new Set(deps.modules.map((item) => item.name));

  const pagesFor = (role: StaffRole): string[] =>
    PANEL_PAGES.filter((page) => {
      if (page.sandboxOnly && deps.mode !== 'sandbox') return false;
      if (page.modules) {
        const found = deps.modules.filter((item) => page.modules?.includes(item.name) && item.hasRoutes);
        return found.length > 0 && (role === 'owner' || found.some((item) => (item.staffRoles ?? ['manager']).includes(role)));
      }
      return role === 'owner' || (page.roles ?? []).includes(role);
    }).map((page) => page.id);

  const customerView = async (user: UserRecord) => ({
    id: user.id,
    name: [user.first_name, user.last_name].filter(Boolean).join(' '),
    username: user.username,
    phone: user.phone,
    locale: services.users?.localeOf(user, deps.config.business.defaultLocale) ?? deps.config.business.defaultLocale,
    blocked: user.is_blocked === 1,
    firstSeenAt: user.first_seen_at,
    lastSeenAt: user.last_seen_at,
    tags: (await services.users?.tagsOf(user.id)) ?? [],
  });

  const requireUsers = () => {
    if (!services.users) throw new AdminError('admin.module_disabled', 'The users module is not running.');
    return services.users;
  };

  const runChecks = () =>
    Promise.all(
      deps.checks.map(async (item) => {
        const started = performance.now();
        try {
          const result = await Promise.race([
            item.check(),
            new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
          ]);
          return { name: item.name, ok: result.ok, critical: item.critical !== false, detail: result.detail ?? null, ms: Math.round(performance.now() - started) };
        } catch (error) {
          return { name: item.name, ok: false, critical: item.critical !== false, detail: (error as Error).message, ms: Math.round(performance.now() - started) };
        }
      }),
    );

  const routes: AnyApiRoute[] = [
    route({
      method: 'GET',
      url: '/auth/me',
      tag: 'auth',
      summary: 'Who is logged in, their CSRF token and the pages their role may open',
      staffRoles: ANY_ROLE,
      response: z.object({ staff: staffViewSchema, csrfToken: z.string(), expiresAt: z.number(), pages: z.array(z.string()), modules: z.array(z.string()) }),
      handler: async ({ auth }) => ({
        staff: auth.staff,
        csrfToken: auth.csrfToken,
        expiresAt: auth.expiresAt,
        pages: pagesFor(auth.staff.role),
        modules: [...moduleNames],
        business: {
          name: deps.config.business.name,
          currency: deps.config.business.currency,
          timeZone: deps.config.business.timeZone,
          defaultLocale: deps.config.business.defaultLocale,
          locales: deps.config.business.locales,
        },
        version: deps.version,
        preset: deps.preset,
      }),
    }),
    route({
      method: 'POST',
      url: '/auth/logout',
      tag: 'auth',
      summary: 'Ends the session',
      staffRoles: ANY_ROLE,
      handler: async ({ auth, request, reply }) => {
        await deps.admin.endSession(auth.sessionId);
        clearSessionCookie(reply, isSecureRequest(request, deps.publicUrl));
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      url: '/openapi.json',
      tag: 'auth',
      summary: 'This document',
      staffRoles: ANY_ROLE,
      handler: async () => openApi(),
    }),

    route({
      method: 'GET',
      url: '/dashboard',
      tag: 'dashboard',
      summary: 'Users, orders, revenue and conversion for today, 7 and 30 days; daily series; recent orders; alerts',
      staffRoles: DASHBOARD_READERS,
      response: z.object({ periods: z.array(periodSchema) }).loose(),
      handler: async () => {
        const users = requireUsers();
        const nowMs = deps.now();
        const orders = services.orders;
        const board = orders ? await orders.dashboard() : undefined;
        const dayMs = 86_400_000;
        const starts: [('today' | '7d' | '30d'), number][] = board
          ? board.periods.map((period) => [period.key, period.fromMs])
          : [['today', startOfLocalDay(nowMs, deps.config.business.timeZone)], ['7d', nowMs - 7 * dayMs], ['30d', nowMs - 30 * dayMs]];
        const periods = [];
        for (const [key, fromMs] of starts) {
          const fromOrders = board?.periods.find((period) => period.key === key);
          const activeUsers = await users.countActiveSince(fromMs);
          const ordersCount = fromOrders?.orders ?? null;
          const revenue = fromOrders?.revenue ?? [];
          periods.push({
            key,
            fromMs,
            newUsers: fromOrders?.newUsers ?? (await users.countSince(fromMs)),
            activeUsers,
            orders: ordersCount,
            customers: fromOrders?.customers ?? null,
            revenue,
            averageOrder: ordersCount ? revenue.map((item) => ({ currency: item.currency, totalMinor: Math.round(item.totalMinor / ordersCount) })) : [],
            conversion: fromOrders && activeUsers > 0 ? Math.min(1, fromOrders.customers / activeUsers) : null,
          });
        }
        // Thirty calendar days in the business's time zone, oldest first, for the charts.
        const today = startOfLocalDay(nowMs, deps.config.business.timeZone);
        const series = [];
        for (let index = 29; index >= 0; index -= 1) {
          const sinceMs = today - index * dayMs;
          const untilMs = sinceMs + dayMs;
          const summary = orders ? await orders.windowSummary({ sinceMs, untilMs }) : undefined;
          series.push({
            dayMs: sinceMs,
            newUsers: await users.countNewBetween(sinceMs, untilMs),
            orders: summary?.orders ?? 0,
            revenueMinor: summary?.revenue.find((item) => item.currency === deps.config.business.currency)?.totalMinor ?? summary?.revenue[0]?.totalMinor ?? 0,
          });
        }
        const recent = orders ? (await orders.list({}, 1, 8)).orders : [];
        return {
          currency: deps.config.business.currency,
          usersTotal: board?.usersTotal ?? (await users.countAll()),
          periods,
          series,
          topProducts: board?.topProducts ?? [],
          recentOrders: recent.map((order) => ({
            id: order.id,
            number: order.number,
            status: order.status,
            customer: order.contact_name,
            userId: order.user_id,
            totalMinor: order.total_minor,
            currency: order.currency,
            createdAt: order.created_at,
          })),
          alerts: await alerts(),
        };
      },
    }),

    route({
      method: 'GET',
      url: '/customers',
      tag: 'customers',
      summary: 'Customers matching a search, most recently seen first',
      staffRoles: CUSTOMER_READERS,
      query: z.object({
        q: z.string().trim().max(64).optional().describe('Telegram id, @username, name or phone'),
        tag: z.string().trim().max(64).optional(),
        blocked: z.enum(['true', 'false']).optional(),
        page: z.coerce.number().int().min(1).max(100_000).default(1),
        pageSize: z.coerce.number().int().min(1).max(100).default(25),
      }),
      response: z.object({ customers: z.array(customerSchema), total: z.number(), page: z.number(), pages: z.number() }),
      handler: async ({ query }) => {
        const result = await requireUsers().search(
          { query: query.q || undefined, tag: query.tag || undefined, blocked: query.blocked === undefined ? undefined : query.blocked === 'true' },
          query.page,
          query.pageSize,
        );
        return { customers: await Promise.all(result.users.map(customerView)), total: result.total, page: result.page, pages: result.pages };
      },
    }),
    route({
      method: 'GET',
      url: '/customers/tags',
      tag: 'customers',
      summary: 'Every tag in use and how many customers carry it',
      staffRoles: CUSTOMER_READERS,
      handler: async () => ({ tags: await requireUsers().tagCounts() }),
    }),
    route({
      method: 'GET',
      url: '/customers/:id',
      tag: 'customers',
      summary: 'A customer’s profile with their orders and wallet',
      staffRoles: CUSTOMER_READERS,
      params: userIdParams,
      handler: async ({ params }) => {
        const user = await requireUsers().get(params.id);
        if (!user) throw new AdminError('admin.not_found', 'There is no customer with this id.');
        const orders = services.orders ? await services.orders.listForUser(user.id, 1, 20) : undefined;
        const wallet = services.wallet;
        return {
          customer: await customerView(user),
          isAdmin: requireUsers().isAdmin(user.id),
          orders: orders
            ? {
                total: orders.window.total,
                items: orders.orders.map((order) => ({ id: order.id, number: order.number, status: order.status, totalMinor: order.total_minor, currency: order.currency, createdAt: order.created_at })),
              }
            : null,
          wallet: wallet
            ? { balance: await wallet.balance(user.id), entries: (await wallet.history(user.id, 1, 10)).entries }
            : null,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/customers/:id/tags',
      tag: 'customers',
      summary: 'Adds a tag to a customer',
      staffRoles: ['manager'],
      params: userIdParams,
      body: z.object({ tag: tagSchema }),
      handler: async ({ params, body, request }) => {
        const users = requireUsers();
        if (!(await users.get(params.id))) throw new AdminError('admin.not_found', 'There is no customer with this id.');
        await users.addTag(params.id, body.tag);
        noteAudit(request, { subject: { type: 'user', id: params.id } });
        return { tags: await users.tagsOf(params.id) };
      },
    }),
    route({
      method: 'DELETE',
      url: '/customers/:id/tags/:tag',
      tag: 'customers',
      summary: 'Removes a tag from a customer',
      staffRoles: ['manager'],
      params: z.object({ id: userIdParams.shape.id, tag: tagSchema }),
      handler: async ({ params, request }) => {
        const users = requireUsers();
        await users.removeTag(params.id, params.tag.toLowerCase());
        noteAudit(request, { subject: { type: 'user', id: params.id } });
        return { tags: await users.tagsOf(params.id) };
      },
    }),
    route({
      method: 'POST',
      url: '/customers/:id/message',
      tag: 'customers',
      summary: 'Sends the customer a message from the bot, through the outbox',
      staffRoles: ['manager'],
      params: userIdParams,
      body: z.object({ text: z.string().trim().min(1).max(4000) }),
      handler: async ({ params, body, request, reply }) => {
        const user = await requireUsers().get(params.id);
        if (!user) throw new AdminError('admin.not_found', 'There is no customer with this id.');
        if (user.is_blocked === 1) throw new AdminError('admin.conflict', 'This customer has blocked the bot; Telegram will not deliver messages to them.');
        await enqueueOutbox(deps.db, { chatId: user.id, method: 'sendMessage', payload: { text: body.text }, priority: 'high' }, deps.now());
        noteAudit(request, { subject: { type: 'user', id: params.id }, summary: { length: body.text.length } });
        return reply.code(202).send({ queued: true });
      },
    }),

    route({
      method: 'GET',
      url: '/audit',
      tag: 'audit',
      summary: 'The audit log, newest first',
      staffRoles: OWNER_ONLY,
      query: z.object({
        beforeId: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        subjectType: z.string().max(64).optional(),
        subjectId: z.string().max(64).optional(),
      }),
      handler: async ({ query }) => {
        if (!services.audit) throw new AdminError('admin.module_disabled', 'The audit module is not running.');
        const rows = await services.audit.list({
          limit: query.limit,
          beforeId: query.beforeId,
          subject: query.subjectType && query.subjectId ? { type: query.subjectType, id: query.subjectId } : undefined,
        });
        const staff = new Map((await deps.admin.listStaff()).map((item) => [String(item.id), item.displayName]));
        return {
          entries: rows.map((row) => ({
            id: row.id,
            at: row.at,
            actorType: row.actor_type,
            actorId: row.actor_id,
            actorName: row.actor_type === 'admin' && row.actor_id ? (staff.get(row.actor_id) ?? null) : null,
            action: row.action,
            subjectType: row.subject_type,
            subjectId: row.subject_id,
            details: row.details,
          })),
          nextBeforeId: rows.length === query.limit ? rows[rows.length - 1]?.id : null,
        };
      },
    }),

    route({
      method: 'GET',
      url: '/system',
      tag: 'system',
      summary: 'Health of each dependency, version, preset, modules and a metrics summary',
      staffRoles: OWNER_ONLY,
      handler: async () => {
        const metrics = await deps.metrics.registry.getMetricsAsJSON();
        const sum = (name: string, filter?: (labels: Record<string, string | number>) => boolean) =>
          metrics
            .find((metric) => metric.name === name)
            ?.values.filter((value) => !filter || filter(value.labels as Record<string, string | number>))
            .reduce((total, value) => total + Number(value.value), 0) ?? 0;
        const outbox = Object.fromEntries(
          (metrics.find((metric) => metric.name === 'lavka_outbox_depth')?.values ?? []).map((value) => [String(value.labels.status), Number(value.value)]),
        );
        return {
          version: deps.version,
          node: process.version,
          preset: deps.preset,
          mode: deps.mode,
          database: deps.dialect,
          uptimeSeconds: Math.round((deps.now() - deps.startedAtMs) / 1000),
          memoryMb: Math.round(process.memoryUsage().rss / 1048576),
          modules: deps.modules.map((item) => ({ name: item.name, hasRoutes: item.hasRoutes, staffRoles: ['owner', ...(item.staffRoles ?? ['manager'])] })),
          checks: await runChecks(),
          metrics: {
            updates: sum('lavka_updates_total'),
            updateErrors: sum('lavka_update_errors_total'),
            apiCalls: sum('lavka_bot_api_calls_total'),
            apiErrors: sum('lavka_bot_api_errors_total'),
            tooManyRequests: sum('lavka_bot_api_errors_total', (labels) => String(labels.code) === '429'),
            outbox,
          },
        };
      },
    }),

    route({
      method: 'GET',
      url: '/content/faq',
      tag: 'content',
      summary: 'Every FAQ entry in every language, hidden ones included',
      staffRoles: OWNER_ONLY,
      handler: async () => {
        if (!services.faq) return { enabled: false, entries: [] };
        return { enabled: true, entries: (await services.faq.listAll()).map(faqView) };
      },
    }),
    route({
      method: 'POST',
      url: '/content/faq',
      tag: 'content',
      summary: 'Adds a FAQ entry',
      staffRoles: OWNER_ONLY,
      body: faqEntryInputSchema,
      handler: async ({ body, request, reply }) => {
        const entry = await requireFaq().create(body);
        noteAudit(request, { subject: { type: 'faq_entry', id: entry.id } });
        return reply.code(201).send({ entry: faqView(entry) });
      },
    }),
    route({
      method: 'PUT',
      url: '/content/faq/:id',
      tag: 'content',
      summary: 'Changes a FAQ entry',
      staffRoles: OWNER_ONLY,
      params: idParams,
      body: faqEntryInputSchema,
      handler: async ({ params, body, request }) => {
        const entry = await requireFaq().update(params.id, body);
        if (!entry) throw new AdminError('admin.not_found', 'This question no longer exists.');
        noteAudit(request, { subject: { type: 'faq_entry', id: entry.id } });
        return { entry: faqView(entry) };
      },
    }),
    route({
      method: 'DELETE',
      url: '/content/faq/:id',
      tag: 'content',
      summary: 'Deletes a FAQ entry',
      staffRoles: OWNER_ONLY,
      params: idParams,
      handler: async ({ params, request }) => {
        if (!(await requireFaq().remove(params.id))) throw new AdminError('admin.not_found', 'This question no longer exists.');
        noteAudit(request, { subject: { type: 'faq_entry', id: params.id } });
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/content/texts',
      tag: 'content',
      summary: 'The bot’s texts in one language, with the owner’s overrides',
      staffRoles: OWNER_ONLY,
      query: z.object({ locale: localeSchema }),
      handler: async ({ query }) => ({ locale: query.locale, texts: await deps.content.texts(query.locale) }),
    }),
    route({
      method: 'PUT',
      url: '/content/texts/:locale/:id',
      tag: 'content',
      summary: 'Overrides one bot text in one language (Fluent syntax, e.g. { $name })',
      staffRoles: OWNER_ONLY,
      params: z.object({ locale: localeSchema, id: z.string().regex(/^[a-zA-Z][\w-]{0,127}$/) }),
      body: z.object({ text: z.string().min(1).max(4000) }),
      handler: async ({ params, body, auth, request }) => {
        await deps.content.setText(params.locale, params.id, body.text, auth.staff.id);
        noteAudit(request, { subject: { type: 'text', id: `${params.locale}:${params.id}` } });
        return { ok: true };
      },
    }),
    route({
      method: 'DELETE',
      url: '/content/texts/:locale/:id',
      tag: 'content',
      summary: 'Goes back to the shipped text',
      staffRoles: OWNER_ONLY,
      params: z.object({ locale: localeSchema, id: z.string().regex(/^[a-zA-Z][\w-]{0,127}$/) }),
      handler: async ({ params, request }) => {
        const removed = await deps.content.resetText(params.locale, params.id);
        noteAudit(request, { subject: { type: 'text', id: `${params.locale}:${params.id}` } });
        return { removed };
      },
    }),
    route({
      method: 'GET',
      url: '/settings',
      tag: 'settings',
      summary: 'Business settings: every live section (value, the config file’s value, who changed it) and, read-only, the rest of the configuration',
      staffRoles: OWNER_ONLY,
      response: z.object({ business: z.object({}).loose(), sections: z.record(z.string(), sectionViewSchema) }).loose(),
      handler: async () => ({
        business: deps.content.businessSettings(),
        sections: Object.fromEntries(deps.settings.sections().map((section) => [section.key, deps.settings.view(section.key)])),
        // Module settings come from the config file; shown so the owner knows what is set.
        modules: auditSummary(deps.config.settings),
        adminChatIds: deps.config.adminChatIds,
      }),
    }),
    ...deps.settings.sections().flatMap((section) => [
      route({
        method: 'PUT',
        url: `/settings/${section.key}`,
        tag: 'settings',
        summary: `Changes ${section.summary}; applied at once here and within seconds on other instances`,
        staffRoles: OWNER_ONLY,
        body: section.schema,
        response: z.object({ section: sectionViewSchema }),
        handler: async ({ body, auth, request }) => {
          const previous = deps.settings.value(section.key);
          let input: unknown = body;
          // The panel no longer edits the older free-text hours with the contacts: keep them.
          if (section.key === 'business') input = keepSupportHours(body as { support: Record<string, unknown> }, deps.config.business.support.hours);
          await deps.settings.change(section.key, input, auth.staff.id, { telegram: () => deps.telegram?.() });
          noteAudit(request, { subject: { type: 'setting', id: section.key }, summary: { previous } });
          return { section: deps.settings.view(section.key) };
        },
      }),
      route({
        method: 'DELETE',
        url: `/settings/${section.key}`,
        tag: 'settings',
        summary: `Goes back to the config file’s value of ${section.summary}`,
        staffRoles: OWNER_ONLY,
        response: z.object({ removed: z.boolean(), section: sectionViewSchema }),
        handler: async ({ request }) => {
          const previous = deps.settings.value(section.key);
          const removed = await deps.settings.reset(section.key);
          noteAudit(request, { subject: { type: 'setting', id: section.key }, summary: { previous } });
          return { removed, section: deps.settings.view(section.key) };
        },
      }),
    ]),

    route({
      method: 'POST',
      url: '/go-live',
      tag: 'settings',
      summary: 'Takes the sandbox live with a token from @BotFather: checks it with getMe, carries the catalogue, settings, texts and staff over to the real bot’s database, writes the token to the environment file and restarts the bot runtime; or says what to set by hand',
      staffRoles: OWNER_ONLY,
      body: z.object({ token: z.string().trim().min(1).max(200) }),
      handler: async ({ body, request }) => {
        if (!deps.goLive) throw new AdminError('admin.go_live_unavailable', deps.mode === 'sandbox' ? 'Going live is not available in this process.' : 'This bot is live already.');
        const outcome = await deps.goLive(body.token);
        noteAudit(request, { subject: { type: 'bot', id: outcome.bot.username }, summary: { mode: outcome.mode } });
        return outcome;
      },
    }),
    route({
      method: 'GET',
      url: '/staff',
      tag: 'staff',
      summary: 'Staff accounts and their roles',
      staffRoles: OWNER_ONLY,
      response: z.object({ staff: z.array(staffViewSchema) }),
      handler: async () => ({ staff: await deps.admin.listStaff() }),
    }),
    route({
      method: 'POST',
      url: '/staff',
      tag: 'staff',
      summary: 'Adds a staff member (by Telegram id for link login, or a login and password)',
      staffRoles: OWNER_ONLY,
      body: z.object({
        displayName: z.string().trim().min(1).max(128),
        role: z.enum(['owner', 'manager', 'support', 'accountant']),
        telegramId: z.number().int().positive().max(2 ** 52).optional(),
        login: z.string().trim().min(3).max(64).optional(),
        password: z.string().min(1).max(256).optional(),
      }),
      handler: async ({ body, request, reply }) => {
        const staff = await deps.admin.createStaff(body);
        noteAudit(request, { subject: { type: 'staff', id: staff.id } });
        return reply.code(201).send({ staff });
      },
    }),
    route({
      method: 'PATCH',
      url: '/staff/:id',
      tag: 'staff',
      summary: 'Changes a staff member’s role or disables the account (their sessions end)',
      staffRoles: OWNER_ONLY,
      params: idParams,
      body: z.object({
        role: z.enum(['owner', 'manager', 'support', 'accountant']).optional(),
        disabled: z.boolean().optional(),
        displayName: z.string().trim().min(1).max(128).optional(),
      }),
      handler: async ({ params, body, auth, request }) => {
        if (params.id === auth.staff.id && (body.disabled || (body.role && body.role !== auth.staff.role))) {
          throw new AdminError('admin.conflict', 'You cannot change your own role or disable yourself.');
        }
        noteAudit(request, { subject: { type: 'staff', id: params.id } });
        return { staff: await deps.admin.updateStaff(params.id, body) };
      },
    }),

    route({
      method: 'GET',
      url: '/orders/export',
      tag: 'orders',
      summary: 'Orders matching the filter as CSV or XLSX',
      staffRoles: ['manager', 'accountant'],
      produces: 'text/csv',
      query: z.object({
        format: z.enum(['csv', 'xlsx']).default('csv'),
        /** One kind of order (`shop`, `print3d`); absent: every kind, as the orders table shows. */
        kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).optional(),
        status: z.string().regex(/^[a-z_]{1,16}(,[a-z_]{1,16})*$/).optional(),
        userId: z.coerce.number().int().positive().optional(),
        fromMs: z.coerce.number().int().min(0).optional(),
        toMs: z.coerce.number().int().min(0).optional(),
        locale: localeSchema.optional(),
      }),
      handler: async ({ query, reply, request }) => {
        if (!services.orders) throw new AdminError('admin.module_disabled', 'The orders module is not enabled.');
        const orders = await services.orders.exportOrders({ kind: query.kind, statuses: query.status?.split(','), userId: query.userId, fromMs: query.fromMs, toMs: query.toMs });
        const locale: Locale = query.locale ?? deps.config.business.defaultLocale;
        const built = await buildOrderExport(orders, { t: (key) => deps.i18n.t(locale, key), locale, timeZone: deps.config.business.timeZone });
        const stamp = new Date(deps.now()).toISOString().slice(0, 10);
        noteAudit(request, { summary: { rows: built.rows } });
        reply.header('content-disposition', `attachment; filename="orders-${stamp}.${query.format}"`);
        if (query.format === 'xlsx') {
          return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(built.xlsx));
        }
        return reply.type('text/csv; charset=utf-8').send(built.csv);
      },
    }),
  ];

  function requireFaq() {
    if (!services.faq) throw new AdminError('admin.module_disabled', 'The FAQ module is not enabled.');
    return services.faq;
  }

  async function alerts(): Promise<{ kind: string; count?: number; detail?: string }[]> {
    const found: { kind: string; count?: number; detail?: string }[] = [];
    if (services.payments) {
      const pending = await services.payments.listRecent(200, 0, 'pending');
      const waiting = pending.filter((payment) => payment.provider === 'manual' && payment.receipt_file_id !== null).length;
      if (waiting > 0) found.push({ kind: 'manual_topups', count: waiting });
    }
    for (const check of deps.checks.filter((item) => item.name.startsWith('payments.'))) {
      const result = await check.check().catch((error: unknown) => ({ ok: false, detail: (error as Error).message }));
      if (!result.ok || /circuit (open|half)/.test(result.detail ?? '')) found.push({ kind: 'gateway_circuit', detail: `${check.name}: ${result.detail ?? 'down'}` });
    }
    if (services.broadcasts) {
      const sending = (await services.broadcasts.list(20)).filter((row) => row.status === 'sending');
      if (sending.length > 0) found.push({ kind: 'broadcast_running', count: sending.length });
    }
    return found;
  }

  let document: Record<string, unknown> | undefined;
  function openApi(): Record<string, unknown> {
    document ??= buildOpenApi(routes, { prefix: '/api/admin', version: deps.version, title: `Lavka admin API` });
    return document;
  }

  const plugin: FastifyPluginAsync = async (app) => {
    registerApiRoutes(app, routes);
  };
  return { routes, plugin, openApi };
}

function faqView(entry: { id: number; locale: string; question: string; answer: string; position: number; is_hidden: number; updated_at: number }) {
  return { id: entry.id, locale: entry.locale, question: entry.question, answer: entry.answer, position: entry.position, hidden: entry.is_hidden === 1, updatedAt: entry.updated_at };
}

/** Midnight of the day containing `nowMs` in `timeZone`. */
function startOfLocalDay(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(nowMs);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return nowMs - (((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 + (nowMs % 1000));
}
