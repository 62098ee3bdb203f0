import type { Generated } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** Who changed what, and when. Append-only. */
export interface AuditLogTable {
  id: Generated<number>;
  at: EpochMs;
  actor_type: 'user' | 'admin' | 'api_key' | 'system';
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details: string | null;
}

declare module '../../db/schema.ts' {
  interface Database {
    audit_log: AuditLogTable;
  }
}
