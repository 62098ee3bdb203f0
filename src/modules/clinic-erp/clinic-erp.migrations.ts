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
  {
    name: '0002_clinic_erp_outbox',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('clinic_erp_outbox'))
        .addColumn('idempotency_key', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('operation', 'varchar(32)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_error', 'varchar(300)')
        .addColumn('answer', 'text')
        .addColumn('sent_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('clinic_erp_outbox_due_idx').on('clinic_erp_outbox').columns(['status', 'next_attempt_at']).execute();
    },
  },
];
