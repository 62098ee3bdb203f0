import { loadBusinessConfig, type BusinessConfig } from '../../src/config/business.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import type { ModuleServices } from '../../src/modules/module.ts';
import type { PlaceOrderInput } from '../../src/modules/orders/orders.service.ts';
import { discoverModules, migrationGroups, selectModules, setupModules, type ActiveModule } from '../../src/modules/registry.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createTranslator, type Translator } from '../../src/telegram/i18n.ts';
import type { TestDatabase } from './services.ts';

/** The shop's modules set up on a migrated database, without a bot or HTTP server. */
export interface ShopServices {
  database: DatabaseHandle;
  config: BusinessConfig;
  i18n: Translator;
  services: Required<Pick<ModuleServices, 'users' | 'catalog' | 'cart' | 'orders'>> & Partial<ModuleServices>;
  modules: ActiveModule[];
  close(): Promise<void>;
}

/** A test clock that only moves when told to. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** A clock starting at `startMs` (default: a fixed weekday noon in Almaty). */
export function testClock(startMs = Date.parse('2026-03-11T06:00:00Z')): TestClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

/**
 * Migrates `target` and sets up the shop preset's modules exactly as Lavka does, so service
 * tests exercise the real wiring (hooks between cart, catalogue and orders included).
 */
export async function startShopServices(
  target: TestDatabase,
  options: {
    now?: () => number;
    adminIds?: number[];
    settings?: Record<string, unknown>;
    adminChatIds?: number[];
    /** The modules to enable instead of the preset's (e.g. the shop without payments). */
    modules?: string[];
    /** Extra environment variables (secrets such as PAYMENTS_PROVIDER_TOKEN). */
    env?: Record<string, string>;
  } = {},
): Promise<ShopServices> {
  const loaded = await loadBusinessConfig({ preset: 'shop' });
  const config: BusinessConfig = {
    ...loaded,
    modules: options.modules ?? loaded.modules,
    settings: { ...loaded.settings, ...options.settings },
    adminChatIds: options.adminChatIds ?? loaded.adminChatIds,
  };
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
  });
  const { users, catalog, cart, orders } = services;
  if (!users || !catalog || !cart || !orders) throw new Error('the shop preset must enable users, catalog, cart and orders');
  return {
    database,
    config,
    i18n,
    services: { ...services, users, catalog, cart, orders },
    modules: active,
    close: () => database.close(),
  };
}

/** Registers a Telegram user the way the bot does on their first update. */
export async function addUser(shop: ShopServices, id: number, languageCode = 'ru'): Promise<void> {
  await shop.services.users.register({ id, first_name: `User ${id}`, language_code: languageCode });
}

/** A pickup order of one T-shirt, paid on delivery, as the shop's checkout places it. */
export function pickupOrder(userId: number, titles?: PlaceOrderInput['lines'][number]['titles']): PlaceOrderInput {
  return {
    kind: 'shop',
    userId,
    currency: 'KZT',
    lines: [{ kind: 'product', productId: 1, title: 'T-shirt', unitPriceMinor: 699_000, quantity: 1, ...(titles ? { titles } : {}) }],
    contactName: 'Aigerim',
    contactPhone: '+77011234567',
    delivery: { method: 'pickup', pickupPoint: 'Dostyk Plaza' },
    paymentMethod: 'on_delivery',
  };
}
