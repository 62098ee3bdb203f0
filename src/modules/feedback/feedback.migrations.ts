import type { Migration } from '../../db/migrator.ts';

/** The feedback module's tables. Never edit a migration that has shipped: add one. */
export const feedbackMigrations: readonly Migration[] = [
  {
    name: '0001_feedback',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('feedback'))
        .addColumn('appointment_id', 'bigint', (c) => c.notNull().unique())
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feedback_created_idx').on('feedback').column('created_at').execute();
    },
  },
];
