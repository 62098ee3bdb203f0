import { loadBusinessConfig, type BusinessConfig } from '../../src/config/business.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import type { CustomOrdersService } from '../../src/modules/custom-orders/custom-orders.service.ts';
import { discoverModules, migrationGroups, selectModules, setupModules } from '../../src/modules/registry.ts';
import type { UsersService } from '../../src/modules/users/users.service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createTranslator } from '../../src/telegram/i18n.ts';
import type { TestDatabase } from './services.ts';

/** The print3d preset's modules set up on a migrated database, without a bot or HTTP server. */
export interface Print3dServices {
  database: DatabaseHandle;
  config: BusinessConfig;
  customOrders: CustomOrdersService;
  users: UsersService;
  close(): Promise<void>;
}

/**
 * Migrates `target` and sets up the print3d preset's modules exactly as Lavka does, so that
 * service tests exercise the real wiring (settings, texts, notifications).
 */
export async function startPrint3dServices(
  target: TestDatabase,
  options: { now?: () => number; adminIds?: number[]; adminChatIds?: number[] } = {},
): Promise<Print3dServices> {
  const loaded = await loadBusinessConfig({ preset: 'print3d' });
  const config: BusinessConfig = { ...loaded, adminChatIds: options.adminChatIds ?? loaded.adminChatIds };
  const env = parseEnv({ DATABASE_URL: target.url, ADMIN_IDS: (options.adminIds ?? [7000]).join(','), LOG_LEVEL: 'silent' });
  const database = await createDatabase({ url: target.url });
  const all = await discoverModules();
  await migrate(database, migrationGroups(all));
  const { services } = await setupModules(selectModules(all, config), {
    env,
    config,
    database,
    logger: silentLogger(),
    i18n: createTranslator({ defaultLocale: config.business.defaultLocale }),
    now: options.now ?? Date.now,
  });
  const customOrders = services['custom-orders'];
  const users = services.users;
  if (!customOrders || !users) throw new Error('the print3d preset must enable custom-orders');
  return { database, config, customOrders, users, close: () => database.close() };
}
