import { loadBusinessConfig, type BusinessConfig } from '../../src/config/business.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import type { CustomOrdersService } from '../../src/modules/custom-orders/custom-orders.service.ts';
import type { OrdersModuleService } from '../../src/modules/orders/orders.module.ts';
import type { PaymentsService } from '../../src/modules/payments/payments.service.ts';
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
  orders: OrdersModuleService;
  payments: PaymentsService;
  users: UsersService;
  close(): Promise<void>;
}

/**
 * Migrates `target` and sets up the print3d preset's modules exactly as Lavka does, so that
 * service tests exercise the real wiring (settings, texts, notifications, the orders and
 * payments modules). `settings` replaces whole sections of the preset's settings.
 */
export async function startPrint3dServices(
  target: TestDatabase,
  options: { now?: () => number; adminIds?: number[]; adminChatIds?: number[]; settings?: Record<string, unknown> } = {},
): Promise<Print3dServices> {
  const loaded = await loadBusinessConfig({ preset: 'print3d' });
  const config: BusinessConfig = {
    ...loaded,
    settings: { ...loaded.settings, ...options.settings },
    adminChatIds: options.adminChatIds ?? loaded.adminChatIds,
  };
  const env = parseEnv({ DATABASE_URL: target.url, ADMIN_IDS: (options.adminIds ?? [7000]).join(','), LOG_LEVEL: 'silent' });
  const database = await createDatabase({ url: target.url });
  const all = await discoverModules();
  await migrate(database, migrationGroups(all));
  const { services } = await setupModules(selectModules(all, config), {
    env,
    config,
    database,
    logger: silentLogger(),
    i18n: createTranslator({ defaultLocale: config.business.defaultLocale, overrides: config.texts }),
    now: options.now ?? Date.now,
  });
  const { users, orders, payments } = services;
  const customOrders = services['custom-orders'];
  if (!customOrders || !users || !orders || !payments) throw new Error('the print3d preset must enable custom-orders, orders and payments');
  return { database, config, customOrders, orders, payments, users, close: () => database.close() };
}
