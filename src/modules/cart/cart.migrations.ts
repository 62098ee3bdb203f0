import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The cart module's tables. Never edit a migration that has shipped: add one. */
export const cartMigrations: readonly Migration[] = [
  {
    name: '0001_cart',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('cart_items'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('variant_id', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('price_seen_minor', 'bigint', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('cart_items_line_unique', ['user_id', 'product_id', 'variant_id'])
        .addCheckConstraint('cart_items_quantity_range', sql`quantity between 1 and 999`)
        .execute();
      await col
        .id(db.schema.createTable('cart_additions'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('product_id', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cart_additions_at_idx').on('cart_additions').columns(['at', 'user_id']).execute();
    },
  },
];
