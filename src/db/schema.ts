/**
 * Column conventions shared by every table (see docs/decisions/0002-storage.md):
 * - `*_at` columns hold Unix epoch milliseconds in a BIGINT;
 * - flags are INTEGER 0/1 on both dialects, so repositories have one code path;
 * - money is a BIGINT of minor units next to a currency code;
 * - JSON is stored as TEXT and parsed by the repository that owns it.
 */
export type EpochMs = number;
/** 0 or 1. */
export type Flag = number;

/** Update ids already handled: a second delivery of the same update is dropped. */
export interface ProcessedUpdatesTable {
  update_id: number;
  processed_at: EpochMs;
  /** NULL once handled; while an update is being handled, when its claim's lease runs out. */
  claimed_until: EpochMs | null;
  /** The delivery holding the claim (NULL once handled). */
  claim_token: string | null;
  /** The Bot API call a claim committed writes before ('' none to repeat; NULL nothing committed). */
  pending_call: string | null;
}

/** grammY session and flow state, one row per session key. */
export interface SessionsTable {
  key: string;
  value: string;
  updated_at: EpochMs;
}

/** Migrations already applied. */
export interface MigrationsTable {
  name: string;
  module: string;
  applied_at: EpochMs;
}

/**
 * Every table Lavka knows. Modules add theirs by augmenting this interface from their
 * `<name>.tables.ts`:
 * `declare module '../../db/schema.ts' { interface Database { faq_entries: FaqEntriesTable } }`
 */
export interface Database {
  processed_updates: ProcessedUpdatesTable;
  sessions: SessionsTable;
  lavka_migrations: MigrationsTable;
}
