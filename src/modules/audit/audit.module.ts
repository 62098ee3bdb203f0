import { defineModule } from '../module.ts';
import { createAuditService, type AuditService } from './audit.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    audit: AuditService;
  }
}

/** The audit log: who changed what and when, for every module. */
export const module = defineModule({
  name: 'audit',
  // What the owner and staff changed in the sandbox stays on record.
  goLive: { keep: [{ table: 'audit_log' }] },
  core: true,
  migrations: [
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
  ],
  setup: (deps) => ({ service: createAuditService({ db: deps.database.db, now: deps.now }) }),
});
