import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The custom-orders module's tables. Never edit a migration that has shipped: add one. */
export const customOrdersMigrations: readonly Migration[] = [
  {
    name: '0001_custom_orders',
    async up(db, { col, dialect }) {
      const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
      // What only a print job has; the order itself (number, status, price, lines, history) is in `orders`.
      await db.schema
        .createTable('custom_orders')
        .addColumn('order_id', 'bigint', (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
        .addColumn('technology', 'varchar(16)', (c) => c.notNull())
        .addColumn('material', 'varchar(16)', (c) => c.notNull())
        .addColumn('colour', 'varchar(16)', (c) => c.notNull())
        .addColumn('infill_percent', 'integer')
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('deadline', 'varchar(10)')
        .addColumn('manual_quote', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('quote_version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('preview_file_id', 'varchar(255)')
        .addCheckConstraint('custom_orders_quantity_positive', sql`quantity > 0`)
        .execute();

      await col
        .id(db.schema.createTable('custom_order_files'))
        .addColumn('order_id', 'bigint', (c) => c.references('orders.id').onDelete('cascade'))
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
        .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
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

      await db.schema
        .createTable('custom_order_subscriptions')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('statuses', col.json, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
