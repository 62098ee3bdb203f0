import type { Migration } from '../../db/migrator.ts';

/** The audit module's tables. Never edit a migration that has shipped: add one. */
export const auditMigrations: readonly Migration[] = [
  {
    name: '0001_audit_log',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('audit_log'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('action', 'varchar(100)', (c) => c.notNull())
        .addColumn('subject_type', 'varchar(64)')
        .addColumn('subject_id', 'varchar(64)')
        .addColumn('details', col.json)
        .execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
      await db.schema
        .createIndex('audit_log_subject_idx')
        .on('audit_log')
        .columns(['subject_type', 'subject_id'])
        .execute();
    },
  },
];
