import type { Migration } from '../../db/migrator.ts';

/** The clinic ERP connector's tables. Never edit a migration that has shipped: add one. */
export const clinicErpMigrations: readonly Migration[] = [
  {
    name: '0001_clinic_erp_cursors',
    async up(db) {
      await db.schema
        .createTable('clinic_erp_cursors')
        .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('value', 'varchar(200)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
