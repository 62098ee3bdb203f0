import { deepMerge, loadBusinessConfig, type BusinessConfig } from '../../src/config/business.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import type { ModuleServices } from '../../src/modules/module.ts';
import { discoverModules, migrationGroups, selectModules, setupModules, type ActiveModule } from '../../src/modules/registry.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createTranslator, type Translator } from '../../src/telegram/i18n.ts';
import type { TestDatabase } from './services.ts';
import { createEvents, type Events } from '../../src/platform/events.ts';
import { createPaymentsService, type PaymentsService, type PaymentsServiceDeps } from '../../src/modules/payments/payments.service.ts';
import type { PaymentsSettings } from '../../src/modules/payments/payments.settings.ts';

/** The billing (or stars) preset's modules on a migrated database, without a bot or HTTP server. */
export interface BillingServices {
  database: DatabaseHandle;
  config: BusinessConfig;
  i18n: Translator;
  services: Required<Pick<ModuleServices, 'users' | 'payments'>> & Partial<ModuleServices>;
  modules: ActiveModule[];
  close(): Promise<void>;
}

/**
 * Migrates `target` and sets up a preset's modules exactly as Lavka does, so repository and
 * service tests exercise the real wiring (payments purposes registered by wallet and stars).
 */
export async function startBillingServices(
  target: TestDatabase,
  options: { preset?: 'billing' | 'stars'; now?: () => number; adminIds?: number[]; settings?: Record<string, unknown>; env?: Record<string, string>; events?: Events; allowPrivate?: string[] } = {},
): Promise<BillingServices> {
  const loaded = await loadBusinessConfig({ preset: options.preset ?? 'billing' });
  const config: BusinessConfig = { ...loaded, settings: deepMerge(loaded.settings, options.settings ?? {}), outgoing: { allowPrivate: options.allowPrivate ?? loaded.outgoing.allowPrivate } };
  const env = parseEnv({ DATABASE_URL: target.url, ADMIN_IDS: (options.adminIds ?? [7000]).join(','), LOG_LEVEL: 'silent', ...options.env });
  const database = await createDatabase({ url: target.url });
  const all = await discoverModules();
  await migrate(database, migrationGroups(all));
  const i18n = createTranslator({ defaultLocale: config.business.defaultLocale });
  const { active, services } = await setupModules(selectModules(all, config), {
    env,
    config,
    database,
    logger: silentLogger(),
    i18n,
    now: options.now ?? Date.now,
    ...(options.events ? { events: options.events } : {}),
  });
  const { users, payments } = services;
  if (!users || !payments) throw new Error('the preset must enable users and payments');
  return { database, config, i18n, services: { ...services, users, payments }, modules: active, close: () => database.close() };
}

/** Registers a Telegram user the way the bot does on their first update. */
export async function addBillingUser(billing: BillingServices, id: number, languageCode = 'en'): Promise<void> {
  await billing.services.users.register({ id, first_name: `User ${id}`, language_code: languageCode });
}

/**
 * A payments service of its own over a billing setup's database (a restarted process, a
 * service with other providers), wired as the payments module wires it.
 */
export function paymentsServiceOn(billing: BillingServices, options: { settings: PaymentsSettings; providers: PaymentsServiceDeps['providers']; staffChatIds: readonly number[] }): PaymentsService {
  return createPaymentsService({
    db: billing.database.db,
    now: Date.now,
    logger: silentLogger(),
    i18n: billing.i18n,
    settings: () => options.settings,
    providers: options.providers,
    staffChatIds: () => options.staffChatIds,
    staffLocale: 'en',
    telegram: () => undefined,
    users: billing.services.users,
    events: createEvents(),
  });
}
