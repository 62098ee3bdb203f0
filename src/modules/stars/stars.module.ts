import { z } from 'zod';
import type { LavkaModule } from '../module.ts';
import { createStarsComposer } from './stars.bot.ts';
import { createStarsService, FULFIL_JOB, type StarsService } from './stars.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    stars: StarsService;
  }
}

/** Settings under `settings.stars` in the business config. */
export const starsSettingsSchema = z
  .object({
    packages: z.array(z.number().int().positive().max(1_000_000)).min(1).max(8).default([100, 250, 500, 1000]),
    /** Bounds of a custom amount; null turns custom amounts off. */
    custom: z
      .object({ min: z.number().int().positive(), max: z.number().int().positive().max(1_000_000) })
      .refine((value) => value.min <= value.max, 'min must not exceed max')
      .nullable()
      .default({ min: 50, max: 10_000 }),
    /** Price of 100 Stars in the business currency (major units). */
    pricePer100: z.number().positive().max(1_000_000).default(1.8),
    methods: z.array(z.string().regex(/^[a-z0-9_.]{1,24}$/)).min(1).default(['heleket', 'manual']),
    orderTtlMinutes: z.number().int().min(5).max(24 * 60).default(60),
    fulfilment: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('admin') }),
        z.object({ mode: z.literal('hook'), url: z.url(), timeoutMs: z.number().int().min(500).max(60_000).default(10_000) }),
      ])
      .default({ mode: 'admin' }),
  })
  .prefault({});

/**
 * A Telegram Stars reseller: customers buy Stars packages (or a custom amount) for any
 * username, pay through the payments module (the crypto gateway), and the order is delivered
 * by an admin or an external service behind a documented hook (see README.md here).
 */
export const module: LavkaModule = {
  name: 'stars',
  dependsOn: ['users', 'payments'],
  migrations: [
    {
      name: '0001_stars_orders',
      async up(db, { col }) {
        await col
          .id(db.schema.createTable('stars_orders'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('recipient', 'varchar(64)', (c) => c.notNull())
          .addColumn('stars', 'bigint', (c) => c.notNull())
          .addColumn('price_minor', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('status', 'varchar(24)', (c) => c.notNull())
          .addColumn('payment_id', 'bigint')
          .addColumn('fulfilment_ref', 'varchar(200)')
          .addColumn('failure_reason', 'varchar(300)')
          .addColumn('locale', 'varchar(8)', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('paid_at', 'bigint')
          .addColumn('delivered_at', 'bigint')
          .execute();
        await db.schema.createIndex('stars_orders_user_idx').on('stars_orders').columns(['user_id', 'id']).execute();
        await db.schema.createIndex('stars_orders_status_idx').on('stars_orders').columns(['status', 'expires_at']).execute();
        await col
          .id(db.schema.createTable('stars_order_history'))
          .addColumn('order_id', 'bigint', (c) => c.notNull().references('stars_orders.id').onDelete('cascade'))
          .addColumn('from_status', 'varchar(24)')
          .addColumn('to_status', 'varchar(24)', (c) => c.notNull())
          .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(64)')
          .addColumn('note', 'varchar(500)')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('stars_order_history_order_idx').on('stars_order_history').columns(['order_id', 'id']).execute();
      },
    },
  ],
  setup(deps) {
    const payments = deps.services.payments;
    if (!payments) throw new Error('the stars module needs the payments module');
    const settings = starsSettingsSchema.parse(deps.config.settings.stars);
    const stars = createStarsService({
      db: deps.database.db,
      now: deps.now,
      logger: deps.logger,
      i18n: deps.i18n,
      settings,
      currency: deps.config.business.currency,
      staffChatIds: () => (deps.config.adminChatIds.length > 0 ? deps.config.adminChatIds : deps.env.ADMIN_IDS),
      staffLocale: deps.config.business.defaultLocale,
      hookSecret: deps.env.STARS_FULFILMENT_SECRET,
    });
    payments.registerPurpose(stars.purpose);
    const { composer, flows } = createStarsComposer({ stars, currency: deps.config.business.currency });
    return {
      service: stars,
      composer,
      flows,
      commands: [
        { command: 'stars', description: 'command-stars' },
        { command: 'my_stars', description: 'command-my-stars' },
        { command: 'stars_orders', description: 'command-stars-orders', audience: 'admin' },
      ],
      jobHandlers: {
        [FULFIL_JOB]: async (payload) => {
          const orderId = Number((payload as { orderId?: unknown } | null)?.orderId);
          if (Number.isSafeInteger(orderId)) await stars.fulfil(orderId);
        },
      },
      jobs: [{ name: 'stars.expire', everyMs: 60_000, run: async () => void (await stars.expireStale()) }],
    };
  },
};
