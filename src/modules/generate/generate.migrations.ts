import type { Migration } from '../../db/migrator.ts';

/** The generate module's tables. Never edit a migration that has shipped: add one. */
export const generateMigrations: readonly Migration[] = [
  {
    name: '0001_generate_jobs',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('generate_jobs'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('chat_id', 'bigint', (c) => c.notNull())
        .addColumn('message_id', 'bigint')
        .addColumn('prompt', 'varchar(500)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('cost', 'bigint', (c) => c.notNull())
        .addColumn('progress_percent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('result', 'text')
        .addColumn('error', 'varchar(500)')
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('generate_jobs_status_idx').on('generate_jobs').columns(['status', 'updated_at']).execute();
    },
  },
];
