import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The orders module's tables. Never edit a migration that has shipped: add one. */
export const ordersMigrations: readonly Migration[] = [
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
  {
    name: '0004_order_external_ids_and_notes',
    async up(db, { col }) {
      // The business's own id of an order (its ERP's), set through the integration API: one
      // order per id. NULLs do not collide, so orders without one are unaffected.
      await db.schema.alterTable('orders').addColumn('external_id', 'varchar(64)').execute();
      await db.schema.createIndex('orders_external_id_uq').on('orders').column('external_id').unique().execute();
      // Staff notes on an order (from the panel or another system): never shown to the customer.
      await col
        .id(db.schema.createTable('order_notes'))
        .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('author_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('author_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('author_name', 'varchar(80)', (c) => c.notNull())
        .addColumn('text', 'varchar(2000)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_notes_order_idx').on('order_notes').columns(['order_id', 'at']).execute();
    },
  },
];
