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
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { textOf } from './chat.ts';

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

const saying = (pattern: RegExp) => (message: ViewMessage) => pattern.test(textOf(message));

/**
 * A customer writing in English orders a print of `model` (bracket.stl) in the bot: FDM, red
 * PLA, 20 % infill, `copies` copies, a note, no deadline; returns the summary with its preview.
 */
export async function orderPrintInEnglish(customer: SimUser, model: Uint8Array, options: { copies: '1' | '5'; note: string }): Promise<ViewMessage> {
  await customer.send('/new_order');
  await customer.waitForMessage(saying(/Send your 3D model as a file/));
  await customer.sendDocument(model, 'bracket.stl', 'model/stl');
  await customer.waitForMessage(saying(/bracket\.stl is measured/), { timeoutMs: 10_000 });
  await customer.pressButton('Continue ▶ (1 file)');
  await customer.waitForMessage(saying(/How should we print it/));
  await customer.pressButton('FDM — filament');
  await customer.waitForMessage(saying(/choose the material/));
  await customer.pressButton('PLA');
  await customer.waitForMessage(saying(/PLA: choose the colour/));
  await customer.pressButton('Red');
  await customer.waitForMessage(saying(/Choose the infill/));
  await customer.pressButton('20 % ⭐');
  await customer.waitForMessage(saying(/How many copies/));
  await customer.pressButton(options.copies);
  await customer.waitForMessage(saying(/Anything we should know/));
  await customer.send(options.note);
  await customer.waitForMessage(saying(/Do you need it by a date/));
  await customer.pressButton('Skip ▶');
  return customer.waitForMessage((message) => Boolean(message.photo), { timeoutMs: 10_000 });
}
