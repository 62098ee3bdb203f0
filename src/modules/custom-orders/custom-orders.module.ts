import { sql } from 'kysely';
import { ConfigError } from '../../config/env.ts';
import type { LavkaModule } from '../module.ts';
import { createCustomOrdersBot, type CustomOrderCommandNames } from './custom-orders.bot.ts';
import { startOfDayMs } from './custom-orders.input.ts';
import { createCustomOrderMessages } from './custom-orders.messages.ts';
import { createCustomOrdersRoutes } from './custom-orders.routes.ts';
import { createCustomOrdersService, type CustomOrdersService } from './custom-orders.service.ts';
import { customOrdersSettingsSchema } from './custom-orders.settings.ts';
import { createModelAnalyser } from './mesh/analyser.ts';

declare module '../module.ts' {
  interface ModuleServices {
    'custom-orders': CustomOrdersService;
  }
}

/** Reads `settings.custom-orders`, stopping start-up with every problem listed. */
function readSettings(raw: unknown) {
  const parsed = customOrdersSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      'Lavka cannot start: settings.custom-orders in the business configuration is invalid.',
      parsed.error.issues.map((issue) => `settings.custom-orders.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/**
 * Custom orders from 3D models (preset `print3d`): the customer sends STL, OBJ or 3MF files,
 * which are measured and previewed; picks technology, material, colour, infill and quantity;
 * gets an automatic quote, pays in Telegram Stars, and follows the order until it is shipped.
 * Staff get each order with its files and move it along, adjust prices and write to the customer.
 */
export const module: LavkaModule = {
  name: 'custom-orders',
  dependsOn: ['users'],
  migrations: [
    {
      name: '0001_custom_orders',
      async up(db, { col, dialect }) {
        const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
        await col
          .id(db.schema.createTable('custom_orders'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('total_minor', 'bigint')
          .addColumn('quote_version', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('technology', 'varchar(16)', (c) => c.notNull())
          .addColumn('material', 'varchar(16)', (c) => c.notNull())
          .addColumn('colour', 'varchar(16)', (c) => c.notNull())
          .addColumn('infill_percent', 'integer')
          .addColumn('quantity', 'integer', (c) => c.notNull())
          .addColumn('comment', 'text')
          .addColumn('deadline', 'varchar(10)')
          .addColumn('contact_name', 'varchar(200)', (c) => c.notNull())
          .addColumn('manual_quote', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('preview_file_id', 'varchar(255)')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('custom_orders_total_positive', sql`total_minor is null or total_minor > 0`)
          .addCheckConstraint('custom_orders_quantity_positive', sql`quantity > 0`)
          .execute();
        await db.schema.createIndex('custom_orders_user_idx').on('custom_orders').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('custom_orders_status_idx').on('custom_orders').columns(['status', 'created_at']).execute();
        await db.schema.createIndex('custom_orders_created_idx').on('custom_orders').column('created_at').execute();

        await col
          .id(db.schema.createTable('custom_order_files'))
          .addColumn('order_id', 'bigint', (c) => c.references('custom_orders.id').onDelete('cascade'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('file_name', 'varchar(200)', (c) => c.notNull())
          .addColumn('format', 'varchar(8)', (c) => c.notNull())
          .addColumn('size_bytes', 'integer', (c) => c.notNull())
          .addColumn('telegram_file_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('telegram_file_unique_id', 'varchar(64)')
          .addColumn('measurements', col.json, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('custom_order_files_order_idx').on('custom_order_files').column('order_id').execute();
        await db.schema.createIndex('custom_order_files_draft_idx').on('custom_order_files').columns(['user_id', 'order_id', 'created_at']).execute();

        await db.schema
          .createTable('custom_order_file_data')
          .addColumn('file_id', 'bigint', (c) => c.primaryKey().references('custom_order_files.id').onDelete('cascade'))
          .addColumn('content', blob, (c) => c.notNull())
          .addColumn('thumbnail_png', blob, (c) => c.notNull())
          .execute();

        await col
          .id(db.schema.createTable('custom_order_quotes'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('custom_orders.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('total_minor', 'bigint', (c) => c.notNull())
          .addColumn('breakdown', col.json)
          .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(64)')
          .addColumn('note', 'varchar(500)')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('accepted_at', 'bigint')
          .addUniqueConstraint('custom_order_quotes_version_unique', ['order_id', 'version'])
          .execute();

        await col
          .id(db.schema.createTable('custom_order_status_history'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('custom_orders.id').onDelete('cascade'))
          .addColumn('from_status', 'varchar(16)')
          .addColumn('to_status', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(64)')
          .addColumn('note', 'varchar(500)')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('custom_order_status_history_order_idx').on('custom_order_status_history').columns(['order_id', 'at']).execute();

        await col
          .id(db.schema.createTable('custom_order_payments'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('custom_orders.id'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('provider', 'varchar(32)', (c) => c.notNull())
          .addColumn('charge_id', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('provider_charge_id', 'varchar(255)')
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .addColumn('quote_version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('custom_order_payments_amount_positive', sql`amount > 0`)
          .execute();
        await db.schema.createIndex('custom_order_payments_order_idx').on('custom_order_payments').column('order_id').execute();
        await db.schema.createIndex('custom_order_payments_created_idx').on('custom_order_payments').column('created_at').execute();

        await db.schema
          .createTable('custom_order_subscriptions')
          .addColumn('user_id', 'bigint', (c) => c.primaryKey())
          .addColumn('statuses', col.json, (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  ],
  setup(deps) {
    const users = deps.services.users;
    if (!users) throw new Error('the custom-orders module needs the users module');
    const settings = readSettings(deps.config.settings['custom-orders']);
    const { business } = deps.config;
    // When the shop's orders module runs too, its /my_orders, /track_order and /stats win and
    // these take their own names.
    const shared = deps.config.modules.includes('orders');
    const commands: CustomOrderCommandNames = {
      newOrder: 'new_order',
      myOrders: shared ? 'my_print_orders' : 'my_orders',
      track: shared ? 'track_print_order' : 'track_order',
      subscribe: 'subscribe',
      stats: shared ? 'print_stats' : 'stats',
    };
    const messages = createCustomOrderMessages({ i18n: deps.i18n, settings, timeZone: business.timeZone, staffLocale: business.defaultLocale });
    const analyser = createModelAnalyser({ timeoutMs: 60_000 });
    const service = createCustomOrdersService({
      db: deps.database.db,
      now: deps.now,
      settings,
      currency: business.currency,
      startOfDayMs: (nowMs) => startOfDayMs(nowMs, business.timeZone),
      staffChatIds: () => (deps.config.adminChatIds.length > 0 ? deps.config.adminChatIds : deps.env.ADMIN_IDS),
      localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
      analyser,
      notifications: messages.notifications(),
    });
    const broadcasts = deps.services.broadcasts;
    const bot = createCustomOrdersBot({
      service,
      messages,
      settings,
      config: deps.config,
      commands,
      now: deps.now,
      resubscribeToNews: broadcasts ? (userId) => broadcasts.resubscribe(userId) : undefined,
    });
    return {
      service,
      composer: bot.composer,
      flows: bot.flows,
      guard: bot.guard,
      commands: [
        { command: commands.newOrder, description: 'co-command-new-order' },
        { command: commands.myOrders, description: 'co-command-my-orders' },
        { command: commands.track, description: 'co-command-track-order' },
        { command: commands.subscribe, description: 'co-command-subscribe' },
        { command: commands.stats, description: 'co-command-stats', audience: 'admin' },
      ],
      routes: createCustomOrdersRoutes({ service, currency: business.currency }),
      jobs: [
        {
          name: 'custom-orders-purge-drafts',
          everyMs: 3600_000,
          run: async () => {
            const removed = await service.purgeDrafts();
            if (removed > 0) deps.logger.info({ removed }, 'abandoned model files deleted');
          },
        },
      ],
    };
  },
};
