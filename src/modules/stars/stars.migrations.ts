import type { Migration } from '../../db/migrator.ts';

/** The stars module's tables. Never edit a migration that has shipped: add one. */
export const starsMigrations: readonly Migration[] = [
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
  {
    name: '0002_stars_order_link',
    async up(db) {
      // The order of the orders module each purchase is, and its number, for purchases from now on.
      await db.schema.alterTable('stars_orders').addColumn('order_id', 'bigint').execute();
      await db.schema.alterTable('stars_orders').addColumn('order_number', 'varchar(32)').execute();
      await db.schema.createIndex('stars_orders_order_idx').on('stars_orders').column('order_id').execute();
    },
  },
];
