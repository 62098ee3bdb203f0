import { z } from 'zod';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { integrationsMigrations } from './integrations.migrations.ts';
import { createIntegrationsRoutes } from './integrations.routes.ts';
import { createIntegrationsService, type IntegrationsService } from './integrations.service.ts';
import { createWebhooks, type Webhooks } from './integrations.webhooks.ts';
import { createWebhooksApi } from './integrations.webhooks.api.ts';
import { createWebhooksRoutes } from './integrations.webhooks.routes.ts';

/** Settings under `settings.integrations`. */
export const integrationsSettingsSchema = z
  .object({
    /** Requests one API key may make per second, across every instance when Redis is configured. */
    requestsPerSecond: z.number().int().min(1).max(10_000).default(25),
    webhooks: z
      .object({
        /** The first retry after a failed delivery; later ones wait longer, up to 8 hours apart. */
        firstRetryMs: z.number().int().min(50).max(600_000).default(5000),
        /** An endpoint failing this long is turned off (its queue kept) and the staff told. */
        disableAfterHours: z.number().positive().max(720).default(24),
        /** How long the queue of a turned-off endpoint is kept. */
        keepDays: z.number().int().min(1).max(90).default(7),
        /** How long a receiver has to answer. */
        timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
        /** How often each instance looks for deliveries that are due. */
        pollMs: z.number().int().min(50).max(60_000).default(1000),
      })
      .default({ firstRetryMs: 5000, disableAfterHours: 24, keepDays: 7, timeoutMs: 10_000, pollMs: 1000 }),
  })
  .default({ requestsPerSecond: 25, webhooks: { firstRetryMs: 5000, disableAfterHours: 24, keepDays: 7, timeoutMs: 10_000, pollMs: 1000 } });

/** The integrations module's service: keys, the key check, idempotent answers, webhooks, and the settings the API runs with. */
export type IntegrationsModuleService = IntegrationsService & { settings: z.output<typeof integrationsSettingsSchema>; webhooks: Webhooks };

declare module '../module.ts' {
  interface ModuleServices {
    integrations: IntegrationsModuleService;
  }
}

/**
 * The business's other systems (an ERP, a warehouse, its own site) and Lavka: API keys the
 * owner creates on the panel's Integrations page, which the integration API (`/api/v1`)
 * accepts with the scopes the owner chose, and webhooks that tell those systems what
 * happened. The resources and the events themselves are the modules'.
 */
export const module = defineModule({
  name: 'integrations',
  core: true,
  panel: [{ id: 'integrations', label: 'nav.integrations', icon: 'plug', group: 'settings', order: 125 }],
  migrations: integrationsMigrations,
  // Keys and endpoints made while trying Lavka in the sandbox keep working once it is live.
  goLive: { keep: [{ table: 'api_keys' }, { table: 'integration_secrets' }, { table: 'webhook_endpoints' }] },
  async setup(deps) {
    const settings = integrationsSettingsSchema.parse(deps.config.settings.integrations);
    const integrations = await createIntegrationsService({ db: deps.database.db, now: deps.now, configuredSecret: deps.env.API_KEYS_SECRET });
    const webhooks = createWebhooks({
      db: deps.database.db,
      now: deps.now,
      policy: createOutgoingPolicy(deps.config.outgoing.allowPrivate, { untilDurable: deps.database.untilDurable }),
      settings: settings.webhooks,
      logger: deps.logger,
      // Each staff chat reads it in its own language.
      async onDisabled(executor, endpoint) {
        const chats = await staffChatLocales(executor, staffChatIds(deps.config, deps.env.ADMIN_IDS), deps.config.business.defaultLocale);
        const hours = settings.webhooks.disableAfterHours;
        await enqueueOutbox(
          executor,
          chats.map(({ chatId, locale }) => ({
            chatId,
            method: 'sendMessage' as const,
            payload: { text: deps.i18n.t(locale, 'integrations-webhook-disabled', { url: endpoint.url, hours, days: settings.webhooks.keepDays }), link_preview_options: { is_disabled: true } },
            priority: 'high' as const,
            dedupeKey: `webhook:${endpoint.id}:disabled:${endpoint.disabledAt ?? 0}:${chatId}`,
          })),
          deps.now(),
        );
      },
    });
    return {
      service: Object.assign(integrations, { settings, webhooks }),
      routes: [...createIntegrationsRoutes({ integrations }), ...createWebhooksRoutes({ webhooks })],
      integrationRoutes: createWebhooksApi({ webhooks }),
      // Keys and webhooks open the business's data to other systems: the owner's alone.
      staffRoles: [],
      jobs: [
        { name: 'integrations.prune', everyMs: 3600_000, run: async () => void (await integrations.prune()) },
        { name: 'integrations.webhooks', everyMs: settings.webhooks.pollMs, run: async () => void (await webhooks.deliverDue()) },
        { name: 'integrations.webhooks-maintain', everyMs: 3600_000, run: () => webhooks.maintain() },
      ],
    };
  },
});
