import { z } from 'zod';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { UserRecord } from '../users/users.tables.ts';
import { CUSTOMER_READERS, type AdminApiDeps } from './admin.api.ts';
import { AdminError } from './admin.errors.ts';
import { fullName } from '../users/users.names.ts';

const userIdParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 52).describe('Telegram user id') });
const tagSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_ .-]+$/u, 'letters, digits, space, dot, dash or underscore');

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

/** A customer as the panel shows them. */
async function customerView(deps: AdminApiDeps, user: UserRecord) {
  const users = deps.services.users;
  return {
    id: user.id,
    name: fullName(user),
    username: user.username,
    phone: user.phone,
    locale: users.localeOf(user, deps.config.business.defaultLocale),
    blocked: user.is_blocked === 1,
    firstSeenAt: user.first_seen_at,
    lastSeenAt: user.last_seen_at,
    tags: await users.tagsOf(user.id),
  };
}

/** The customers page: search, a profile with orders and wallet, tags, a message from the bot. */
export function customerRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  const { services } = deps;
  return [
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
        const result = await services.users.search(
          { query: query.q || undefined, tag: query.tag || undefined, blocked: query.blocked === undefined ? undefined : query.blocked === 'true' },
          query.page,
          query.pageSize,
        );
        return { customers: await Promise.all(result.users.map((user) => customerView(deps, user))), total: result.total, page: result.page, pages: result.pages };
      },
    }),
    route({
      method: 'GET',
      url: '/customers/tags',
      tag: 'customers',
      summary: 'Every tag in use and how many customers carry it',
      staffRoles: CUSTOMER_READERS,
      handler: async () => ({ tags: await services.users.tagCounts() }),
    }),
    route({
      method: 'GET',
      url: '/customers/:id',
      tag: 'customers',
      summary: 'A customer’s profile with their orders and wallet',
      staffRoles: CUSTOMER_READERS,
      params: userIdParams,
      handler: async ({ params }) => {
        const user = await services.users.get(params.id);
        if (!user) throw new AdminError('admin.not_found', 'There is no customer with this id.');
        const orders = services.orders ? await services.orders.listForUser(user.id, 1, 20) : undefined;
        const wallet = services.wallet;
        return {
          customer: await customerView(deps, user),
          isAdmin: services.users.isAdmin(user.id),
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
        const users = services.users;
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
        const users = services.users;
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
        const user = await services.users.get(params.id);
        if (!user) throw new AdminError('admin.not_found', 'There is no customer with this id.');
        if (user.is_blocked === 1) throw new AdminError('admin.conflict', 'This customer has blocked the bot; Telegram will not deliver messages to them.');
        await enqueueOutbox(deps.db, { chatId: user.id, method: 'sendMessage', payload: { text: body.text }, priority: 'high' }, deps.now());
        noteAudit(request, { subject: { type: 'user', id: params.id }, summary: { length: body.text.length } });
        return reply.code(202).send({ queued: true });
      },
    }),
  ];
}
