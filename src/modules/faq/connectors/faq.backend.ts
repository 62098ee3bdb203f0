/**
 * Where the bot's questions and answers come from: Lavka's own table (the owner edits it in
 * the panel), or the clinic's ERP, whose staff keep them there.
 */
import type { Locale } from '../../../config/business.ts';

/** A question as the bot lists it; `ref` names it in callback data (a table id, or an ERP entry's place). */
export interface FaqQuestion {
  ref: string;
  question: string;
  answer: string;
}

/** A store of questions and answers per language. */
export interface FaqBackend {
  /** The questions in `locale` (or the store's fallback language), in order. */
  questions(locale: Locale): Promise<FaqQuestion[]>;
  /** One question by its `ref`; undefined when it is gone (a stale button). */
  question(locale: Locale, ref: string): Promise<FaqQuestion | undefined>;
}
