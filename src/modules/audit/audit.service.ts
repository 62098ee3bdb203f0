import type { DbExecutor } from '../../db/database.ts';
import type { AuditEntry } from '../../platform/audit.ts';

// The shape of an entry is the platform's (every module and the access check write them).
export type { Actor, AuditEntry } from '../../platform/audit.ts';

/** Writes the append-only audit log. */
export function createAuditService(deps: { db: DbExecutor; now(): number }) {
  return {
    /**
     * Records an entry. Pass the transaction of the change being audited as `executor`, so
     * that the change and its audit row commit together.
     */
    async record(entry: AuditEntry, executor: DbExecutor = deps.db): Promise<void> {
      await executor
        .insertInto('audit_log')
        .values({
          at: deps.now(),
          actor_type: entry.actor.type,
          actor_id: entry.actor.id === undefined ? null : String(entry.actor.id),
          action: entry.action,
          subject_type: entry.subject?.type ?? null,
          subject_id: entry.subject === undefined ? null : String(entry.subject.id),
          details: entry.details === undefined ? null : JSON.stringify(entry.details),
        })
        .execute();
    },

    /** Newest first, for the admin panel. */
    async list(options: { limit: number; beforeId?: number; subject?: { type: string; id: string } }) {
      let query = deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
      if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
      if (options.subject) {
        query = query.where('subject_type', '=', options.subject.type).where('subject_id', '=', options.subject.id);
      }
      const rows = await query.execute();
      return rows.map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null }));
    },
  };
}

/** The audit service's shape. */
export type AuditService = ReturnType<typeof createAuditService>;
