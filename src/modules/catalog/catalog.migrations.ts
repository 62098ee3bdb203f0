import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The catalog module's tables. Never edit a migration that has shipped: add one. */
export const catalogMigrations: readonly Migration[] = [
  {
    name: '0001_catalog',
    async up(db, { col, dialect }) {
      await col
        .id(db.schema.createTable('catalog_categories'))
        .addColumn('parent_id', 'bigint', (c) => c.references('catalog_categories.id').onDelete('restrict'))
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('translations', col.json)
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_categories_parent_idx').on('catalog_categories').columns(['parent_id', 'position']).execute();

      await col
        .id(db.schema.createTable('catalog_products'))
        .addColumn('category_id', 'bigint', (c) => c.references('catalog_categories.id').onDelete('set null'))
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('translations', col.json)
        .addColumn('price_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('archived_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('catalog_products_stock_nonnegative', sql`stock >= 0`)
        .addCheckConstraint('catalog_products_price_nonnegative', sql`price_minor >= 0`)
        .execute();
      await db.schema.createIndex('catalog_products_category_idx').on('catalog_products').columns(['category_id', 'position']).execute();

      await col
        .id(db.schema.createTable('catalog_variants'))
        .addColumn('product_id', 'bigint', (c) => c.notNull().references('catalog_products.id').onDelete('cascade'))
        .addColumn('title', 'varchar(120)', (c) => c.notNull())
        .addColumn('translations', col.json)
        .addColumn('options', col.json)
        .addColumn('price_minor', 'bigint', (c) => c.notNull())
        .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('archived_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('catalog_variants_stock_nonnegative', sql`stock >= 0`)
        .addCheckConstraint('catalog_variants_price_nonnegative', sql`price_minor >= 0`)
        .execute();
      await db.schema.createIndex('catalog_variants_product_idx').on('catalog_variants').columns(['product_id', 'position']).execute();

      await col
        .id(db.schema.createTable('catalog_photos'))
        .addColumn('product_id', 'bigint', (c) => c.notNull().references('catalog_products.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('mime_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('bytes', dialect === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('url', 'varchar(1000)')
        .addColumn('file_id', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_photos_product_idx').on('catalog_photos').columns(['product_id', 'position']).execute();
    },
  },
  {
    // Staff take a product out of sale for a while without archiving it (the admin panel).
    name: '0002_catalog_product_hidden',
    async up(db) {
      await db.schema.alterTable('catalog_products').addColumn('is_hidden', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  {
    // Telegram Stars may pay only for digital goods: a product says whether it is one.
    name: '0003_catalog_product_digital',
    async up(db) {
      await db.schema.alterTable('catalog_products').addColumn('is_digital', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  {
    // The back office's own ids (its SKUs) of categories, products and variants, set through
    // the integration API and matched by its bulk upsert: one row per id in each table. NULLs
    // do not collide, so rows without one are unaffected; archived rows keep theirs, so a
    // product the back office sends again is found, not duplicated.
    name: '0004_catalog_external_ids',
    async up(db) {
      for (const table of ['catalog_categories', 'catalog_products', 'catalog_variants'] as const) {
        await db.schema.alterTable(table).addColumn('external_id', 'varchar(64)').execute();
        await db.schema.createIndex(`${table}_external_id_uq`).on(table).column('external_id').unique().execute();
      }
    },
  },
  {
    // Catalogue feeds (YML, CSV) imported on a schedule: which products the feed wrote (so a
    // product it no longer lists is hidden, and shown again when it returns, while products of
    // the integration API are left alone), the address each picture came from (so a re-import
    // downloads only changed pictures), every run with its summary, and a lease so that one
    // instance at a time imports.
    name: '0005_catalog_feeds',
    async up(db, { col }) {
      await db.schema.alterTable('catalog_products').addColumn('feed_status', 'varchar(16)').execute();
      await db.schema.createIndex('catalog_products_feed_status_idx').on('catalog_products').column('feed_status').execute();
      await db.schema.alterTable('catalog_photos').addColumn('source_url', 'varchar(1000)').execute();
      await col
        .id(db.schema.createTable('catalog_feed_runs'))
        .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
        .addColumn('requested_by', 'bigint')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('phase', 'varchar(16)')
        .addColumn('url', 'varchar(1000)', (c) => c.notNull())
        .addColumn('format', 'varchar(8)', (c) => c.notNull())
        .addColumn('reason', 'varchar(64)')
        .addColumn('message', 'text')
        .addColumn('feed_bytes', 'bigint')
        .addColumn('offers', 'integer')
        .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pictures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('errors', col.json)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('catalog_feed_runs_status_idx').on('catalog_feed_runs').columns(['status', 'id']).execute();
      await db.schema
        .createTable('catalog_feed_lock')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('holder', 'varchar(64)')
        .addColumn('until_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
];
