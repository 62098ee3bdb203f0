import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../db/schema.ts';

/** Where a scheduled job is: waiting, being run (leased), finished, given up, or cancelled. */
export type ScheduledJobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * A job to run at a time, once or on a recurrence: a scheduled broadcast, a booking
 * reminder, the daily report. Durable, so restarts lose nothing; leased while it runs, so a
 * crashed instance's job is picked up by another.
 */
export interface ScheduledJobsTable {
  id: Generated<number>;
  /** Dotted handler name, e.g. `broadcasts.start`; modules register handlers by kind. */
  kind: string;
  /** The handler's input as JSON. */
  payload: string;
  run_at: EpochMs;
  /** JSON {@link Recurrence}, or null for a one-off job. */
  recurrence: string | null;
  status: ScheduledJobStatus;
  attempts: number;
  last_error: string | null;
  /** Identifies a logical job (e.g. `booking:12:reminder`): scheduling it again replaces it. */
  dedupe_key: string | null;
  claimed_by: string | null;
  claimed_until: EpochMs | null;
  last_run_at: EpochMs | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A scheduled job as read. */
export type ScheduledJobRow = Selectable<ScheduledJobsTable>;

declare module '../db/schema.ts' {
  interface Database {
    scheduled_jobs: ScheduledJobsTable;
  }
}
