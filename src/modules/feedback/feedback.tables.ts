import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** A patient's answer to "How likely are you to recommend us?" after a visit: one per visit. */
export interface FeedbackTable {
  id: Generated<number>;
  /** UNIQUE: a visit is scored once, however often the buttons are pressed. */
  appointment_id: number;
  patient_id: number;
  /** 0–10 (Net Promoter Score scale). */
  score: number;
  comment: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A feedback row as read. */
export type FeedbackRecord = Selectable<FeedbackTable>;

declare module '../../db/schema.ts' {
  interface Database {
    feedback: FeedbackTable;
  }
}
