import type { Migration } from '../../db/migrator.ts';

/** The documents module's tables. Never edit a migration that has shipped: add one. */
export const documentsMigrations: readonly Migration[] = [
  {
    name: '0001_documents',
    async up(db, { col, dialect }) {
      await col
        .id(db.schema.createTable('document_requests'))
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('comment', 'varchar(500)')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('document_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('document_requests_status_idx').on('document_requests').columns(['status', 'created_at']).execute();
      await col
        .id(db.schema.createTable('documents'))
        .addColumn('token', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('appointment_id', 'bigint')
        .addColumn('request_id', 'bigint')
        .addColumn('file_name', 'varchar(120)', (c) => c.notNull())
        .addColumn('mime_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('content', dialect === 'postgres' ? 'bytea' : 'blob')
        .addColumn('size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('telegram_file_id', 'varchar(256)')
        .addColumn('dedupe_key', 'varchar(64)', (c) => c.unique())
        .addColumn('uploaded_by', 'varchar(64)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('documents_patient_idx').on('documents').columns(['patient_id', 'created_at']).execute();
    },
  },
  {
    name: '0002_documents_clinic_files',
    async up(db) {
      await db.schema
        .createTable('documents_clinic_files')
        .addColumn('external_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('telegram_file_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('file_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
