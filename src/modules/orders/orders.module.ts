import { sql } from 'kysely';
import { z } from 'zod';
import type { DbExecutor } from '../../db/database.ts';
import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { createOrdersComposer, createOrdersReport, orderPaymentScreen } from './orders.bot.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import { createOrderMessages } from './orders.messages.ts';
import { formatMoney } from '../../config/money.ts';
import { createOrdersRoutes } from './orders.routes.ts';
import { createOrderPayments, orderPaymentSettingsSchema, type OrderPayments } from './orders.payments.ts';
import { createOrdersService, type Order, type OrdersService } from './orders.service.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';

/**
 * The orders module's service: the orders themselves, paying for them online, and the
 * screens of other modules' kinds of order. Orders sell through payments when it is enabled
 * (`after`), and are paid on delivery otherwise.
 */
export type OrdersModuleService = OrdersService & {
  payments: OrderPayments;
  /**
   * The screen asking a customer to pay for their order (payment methods, pay on delivery),
   * with `extra` buttons at the end; undefined when it cannot be paid online.
   */
  paymentScreen(ctx: BotContext, order: Order, extra: readonly { text: string; data: string }[]): Promise<{ text: string; keyboard: InlineKeyboard } | undefined>;
  /** Shows another module's kind of order in `/my_orders`, `/track_order` and `/stats` through that module's screens. */
  registerScreens(kind: string, screens: OrderKindScreens): void;
};

declare module '../module.ts' {
  interface ModuleServices {
    orders: OrdersModuleService;
  }
}

/** Settings under `settings.orders` in the business config. */
export const ordersSettingsSchema = z
  .object({
    /** Order number prefix per kind of order: `A-1042` for the shop. */
    numberPrefixes: z.record(z.string(), z.string().regex(/^[A-Z]{1,4}$/)).default({ shop: 'A' }),
    /** Prefix of kinds not listed above. */
    fallbackPrefix: z.string().regex(/^[A-Z]{1,4}$/).default('Z'),
    /** How customers pay for shop orders when the payments module is enabled. */
    payment: orderPaymentSettingsSchema,
  })
  .prefault({});

/**
 * Orders of any kind (shop orders, custom jobs, clinic payments): readable numbers, a status
 * machine per kind with history and notifications, `/my_orders`, staff buttons, `/stats`, `/export`.
 */
export const module = defineModule({
  name: 'orders',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'orders', label: 'nav.orders', icon: 'bag', group: 'business', order: 20 }],
  dependsOn: ['users', 'reports'],
  after: ['payments'],
  migrations: [
    {
      name: '0001_orders',
      async up(db, { col }) {
        await db.schema
          .createTable('order_counters')
          .addColumn('prefix', 'varchar(8)', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull())
          .execute();

        await col
          .id(db.schema.createTable('orders'))
          .addColumn('number', 'varchar(32)', (c) => c.notNull().unique())
          .addColumn('kind', 'varchar(32)', (c) => c.notNull())
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('total_minor', 'bigint', (c) => c.notNull())
          .addColumn('payment_method', 'varchar(32)', (c) => c.notNull())
          .addColumn('contact_name', 'varchar(200)', (c) => c.notNull())
          .addColumn('contact_phone', 'varchar(32)')
          .addColumn('delivery_method', 'varchar(16)')
          .addColumn('delivery_address', 'varchar(500)')
          .addColumn('pickup_point', 'varchar(200)')
          .addColumn('comment', 'text')
          .addColumn('details', col.json)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('orders_total_nonnegative', sql`total_minor >= 0`)
          .execute();
        await db.schema.createIndex('orders_user_idx').on('orders').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('orders_kind_created_idx').on('orders').columns(['kind', 'created_at']).execute();
        await db.schema.createIndex('orders_status_idx').on('orders').columns(['status', 'created_at']).execute();

        await col
          .id(db.schema.createTable('order_lines'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('line_kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('product_id', 'bigint')
          .addColumn('variant_id', 'bigint')
          .addColumn('title', 'varchar(200)', (c) => c.notNull())
          .addColumn('variant_title', 'varchar(120)')
          .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
          .addColumn('quantity', 'integer', (c) => c.notNull())
          .addColumn('total_minor', 'bigint', (c) => c.notNull())
          .addCheckConstraint('order_lines_quantity_positive', sql`quantity > 0`)
          .addCheckConstraint('order_lines_price_nonnegative', sql`unit_price_minor >= 0`)
          .execute();
        await db.schema.createIndex('order_lines_order_idx').on('order_lines').columns(['order_id', 'position']).execute();
        await db.schema.createIndex('order_lines_product_idx').on('order_lines').column('product_id').execute();

        await col
          .id(db.schema.createTable('order_status_history'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
          .addColumn('from_status', 'varchar(16)')
          .addColumn('to_status', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(64)')
          .addColumn('note', 'varchar(500)')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('order_status_history_order_idx').on('order_status_history').columns(['order_id', 'at']).execute();
      },
    },
    {
      name: '0002_order_payment',
      async up(db) {
        // The payment (payments module) that paid the order: a refund of that payment, and
        // only that one, moves the order to refunded.
        await db.schema.alterTable('orders').addColumn('payment_id', 'bigint').execute();
      },
    },
    {
      name: '0003_order_line_titles',
      async up(db, { col }) {
        // Each line's names in every language at ordering time, so a customer, a staff member
        // and an export each read it in their own language. Older lines keep their one title.
        await db.schema.alterTable('order_lines').addColumn('titles', col.json).execute();
      },
    },
  ],
  setup(deps) {
    const users = deps.services.users;
    if (!users) throw new Error('the orders module needs the users module');
    const settings = ordersSettingsSchema.parse(deps.config.settings.orders ?? undefined);
    const { business } = deps.config;
    // Read at use time: the owner may change the time zone while Lavka runs.
    const timeZone = () => deps.config.business.timeZone;
    const staffChatIds = () => configuredStaffChats(deps.config, deps.env.ADMIN_IDS);
    // Each staff member reads alerts in their own language; a staff group in the business's.
    const staffChats = (executor: DbExecutor) => staffChatLocales(executor, staffChatIds(), business.defaultLocale);
    // The service and its texts refer to each other: texts need the machines, the service
    // needs the texts. The late-bound reference is set right below.
    let machineOf: OrdersService['machineOf'] = () => {
      throw new Error('orders service not ready');
    };
    const messages = createOrderMessages({ i18n: deps.i18n, timeZone, staffLocale: business.defaultLocale, machineOf: (kind) => machineOf(kind) });
    const orders = createOrdersService({
      db: deps.database.db,
      now: deps.now,
      timeZone,
      numberPrefixes: settings.numberPrefixes,
      fallbackPrefix: settings.fallbackPrefix,
      staffChats,
      localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
      users,
      notifications: messages.notifications(),
    });
    machineOf = orders.machineOf;
    const payments = createOrderPayments({
      orders,
      messages,
      i18n: deps.i18n,
      settings: settings.payment,
      currency: business.currency,
      kind: 'shop',
      defaultLocale: business.defaultLocale,
    });
    if (deps.services.payments) payments.connect(deps.services.payments);
    const screens = new Map<string, OrderKindScreens>();
    const methodRows = deps.services.payments?.screens.methodRows;
    const service: OrdersModuleService = {
      ...orders,
      payments,
      paymentScreen: (ctx, order, extra) => orderPaymentScreen(ctx, order, payments, extra, methodRows),
      registerScreens(kind, kindScreens) {
        // An unregistered kind is a wiring mistake: it fails at start-up, not on a customer's screen.
        orders.machineOf(kind);
        screens.set(kind, kindScreens);
      },
    };
    // `/stats` and `/export` are the reports module's: the orders of every kind are its part.
    deps.services.reports?.register(createOrdersReport({ orders, messages, screens, timeZone, now: deps.now, currency: business.currency }));
    return {
      service,
      composer: createOrdersComposer({ orders, messages, payments, i18n: deps.i18n, timeZone, now: deps.now, kind: 'shop', currency: business.currency, screens, methodRows }),
      commands: [
        { command: 'my_orders', description: 'command-my-orders' },
        { command: 'track_order', description: 'command-track-order' },
      ],
      routes: createOrdersRoutes({ orders, payments, paymentView: deps.services.payments?.screens.paymentView, i18n: deps.i18n, config: deps.config, now: deps.now }),
      segments: [
        {
          name: 'orders.ordered_within_days',
          label: 'orders-segment-ordered-within-days',
          parameter: 'days',
          userIds: (days) => orders.customersWithinDays(Number(days)),
        },
      ],
      async dailyReport(window) {
        const summary = await orders.windowSummary(window);
        const revenue =
          summary.revenue.length === 0
            ? formatMoney(0, business.currency, window.locale)
            : summary.revenue.map((item) => formatMoney(item.totalMinor, item.currency, window.locale)).join(' + ');
        return [
          deps.i18n.t(window.locale, 'orders-report-day', { count: summary.orders, revenue }),
          deps.i18n.t(window.locale, 'orders-report-waiting', { count: summary.waiting }),
        ];
      },
    };
  },
});
