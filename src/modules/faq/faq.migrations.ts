import type { Migration } from '../../db/migrator.ts';

/** The faq module's tables. Never edit a migration that has shipped: add one. */
export const faqMigrations: readonly Migration[] = [
  {
    name: '0001_faq_entries',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('faq_entries'))
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('question', 'varchar(200)', (c) => c.notNull())
        .addColumn('answer', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('faq_entries_locale_idx').on('faq_entries').columns(['locale', 'position']).execute();
    },
  },
];
