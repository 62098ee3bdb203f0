import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/** One question and its answer, in one language. */
export interface FaqEntriesTable {
  id: Generated<number>;
  locale: string;
  question: string;
  answer: string;
  position: number;
  is_hidden: Flag;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A FAQ entry as read. */
export type FaqEntry = Selectable<FaqEntriesTable>;

declare module '../../db/schema.ts' {
  interface Database {
    faq_entries: FaqEntriesTable;
  }
}
