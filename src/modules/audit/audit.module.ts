import { defineModule } from '../module.ts';
import { createAuditService, type AuditService } from './audit.service.ts';
import { auditMigrations } from './audit.migrations.ts';

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
  migrations: auditMigrations,
  setup: (deps) => ({ service: createAuditService({ db: deps.database.db, now: deps.now }) }),
});
