import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** Where a paid task is. */
export type GenerateJobStatus = 'running' | 'done' | 'failed';

/** A paid long-running task (the demo generator): its tokens are debited at start, refunded on failure. */
export interface GenerateJobsTable {
  id: Generated<number>;
  user_id: number;
  chat_id: number;
  /** The progress message edited in place. */
  message_id: number | null;
  prompt: string;
  status: GenerateJobStatus;
  cost: number;
  progress_percent: number;
  result: string | null;
  error: string | null;
  locale: string;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A job row as read. */
export type GenerateJob = Selectable<GenerateJobsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    generate_jobs: GenerateJobsTable;
  }
}
