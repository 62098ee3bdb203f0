import type { Migration } from '../../db/migrator.ts';

/** The patients module's tables. Never edit a migration that has shipped: add one. */
export const patientsMigrations: readonly Migration[] = [
  {
    name: '0001_patients',
    async up(db) {
      await db.schema
        .createTable('patients')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('full_name', 'varchar(120)', (c) => c.notNull())
        .addColumn('phone', 'varchar(32)', (c) => c.notNull())
        .addColumn('birth_date', 'varchar(10)', (c) => c.notNull())
        .addColumn('iin', 'varchar(12)', (c) => c.notNull().unique())
        .addColumn('sex', 'varchar(8)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('patients_created_idx').on('patients').column('created_at').execute();
    },
  },
  {
    name: '0002_patient_external_ids',
    // The patient's id in the clinic's ERP, when one keeps the clinic's records.
    async up(db) {
      await db.schema.alterTable('patients').addColumn('external_id', 'varchar(64)').execute();
      await db.schema.createIndex('patients_external_id_uq').on('patients').column('external_id').unique().execute();
    },
  },
];
