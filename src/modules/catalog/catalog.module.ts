import { sql } from 'kysely';
import { defineModule } from '../module.ts';
import { createCatalogComposer } from './catalog.bot.ts';
import { createCatalogRoutes } from './catalog.routes.ts';
import { catalogSettingsSchema, createCatalogService, type CatalogService } from './catalog.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    catalog: CatalogService;
  }
}

/** The catalogue: a category tree, products with variants, photos, stock and search. */
export const module = defineModule({
  name: 'catalog',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'catalog', label: 'nav.catalog', icon: 'box', group: 'business', order: 50 }],
  // The catalogue; photo file ids belong to the simulated Telegram (the bytes are kept and sent again).
  goLive: { keep: [{ table: 'catalog_categories' }, { table: 'catalog_products' }, { table: 'catalog_variants' }, { table: 'catalog_photos', clear: ['file_id'] }] },
  migrations: [
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
  ],
  setup(deps) {
    const settings = catalogSettingsSchema.parse(deps.config.settings.catalog ?? undefined);
    const catalog = createCatalogService({
      db: deps.database.db,
      now: deps.now,
      currency: deps.config.business.currency,
      defaultLocale: deps.config.business.defaultLocale,
      pageSize: settings.pageSize,
    });
    const bot = createCatalogComposer({ catalog, now: deps.now });
    return {
      service: catalog,
      composer: bot.composer,
      commands: [
        { command: 'catalog', description: 'command-catalog' },
        { command: 'search', description: 'command-search' },
      ],
      deepLinks: { p_: bot.openProductLink },
      routes: createCatalogRoutes({ catalog, defaultLocale: deps.config.business.defaultLocale }),
      seedDemo: async (data) => void (await catalog.seed(data)),
    };
  },
});
