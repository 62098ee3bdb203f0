import type { DbExecutor } from '../db/database.ts';

// A message edited again and again (a progress bar) needs only its latest state delivered.
// Producers give each edit its own dedupe key and use these helpers, by those keys (the unique
// index finds them), to keep at most one edit waiting and to drop the waiting ones once the
// final state is queued.

/** Whether one of the rows with these dedupe keys still waits to be sent (or is being sent). */
export async function hasWaitingOutbox(db: DbExecutor, dedupeKeys: readonly string[]): Promise<boolean> {
  if (dedupeKeys.length === 0) return false;
  const row = await db.selectFrom('outbox').select('id').where('dedupe_key', 'in', dedupeKeys).where('status', 'in', ['pending', 'held', 'sending']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Skips the rows with these dedupe keys that are not being sent yet: a newer state of the same
 * message replaces them. Rows already in flight are left to finish.
 */
export async function supersedeWaitingOutbox(db: DbExecutor, dedupeKeys: readonly string[], nowMs: number): Promise<number> {
  if (dedupeKeys.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ status: 'skipped', error_code: 'cancelled', last_error: 'superseded by a newer state of the message', claimed_by: null, claimed_until: null, updated_at: nowMs })
    .where('dedupe_key', 'in', dedupeKeys)
    .where('status', 'in', ['pending', 'held'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
