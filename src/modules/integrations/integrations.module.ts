import { z } from 'zod';
import { defineModule } from '../module.ts';
import { integrationsMigrations } from './integrations.migrations.ts';
import { createIntegrationsRoutes } from './integrations.routes.ts';
import { createIntegrationsService, type IntegrationsService } from './integrations.service.ts';

/** Settings under `settings.integrations`. */
export const integrationsSettingsSchema = z
  .object({
    /** Requests one API key may make per second, across every instance when Redis is configured. */
    requestsPerSecond: z.number().int().min(1).max(10_000).default(25),
  })
  .default({ requestsPerSecond: 25 });

/** The integrations module's service: keys, the key check, idempotent answers, and the settings the API runs with. */
export type IntegrationsModuleService = IntegrationsService & { settings: z.output<typeof integrationsSettingsSchema> };

declare module '../module.ts' {
  interface ModuleServices {
    integrations: IntegrationsModuleService;
  }
}

/**
 * The business's other systems (an ERP, a warehouse, its own site) and Lavka: API keys the
 * owner creates on the panel's Integrations page, which the integration API (`/api/v1`)
 * accepts with the scopes the owner chose. The resources themselves are the modules'.
 */
export const module = defineModule({
  name: 'integrations',
  core: true,
  panel: [{ id: 'integrations', label: 'nav.integrations', icon: 'plug', group: 'settings', order: 125 }],
  migrations: integrationsMigrations,
  // Keys made while trying Lavka in the sandbox keep working once it is live.
  goLive: { keep: [{ table: 'api_keys' }, { table: 'integration_secrets' }] },
  async setup(deps) {
    const settings = integrationsSettingsSchema.parse(deps.config.settings.integrations);
    const integrations = await createIntegrationsService({ db: deps.database.db, now: deps.now, configuredSecret: deps.env.API_KEYS_SECRET });
    return {
      service: Object.assign(integrations, { settings }),
      routes: createIntegrationsRoutes({ integrations }),
      // Keys open the business's data to other systems: the owner's alone.
      staffRoles: [],
      jobs: [{ name: 'integrations.prune', everyMs: 3600_000, run: async () => void (await integrations.prune()) }],
    };
  },
});
