import type { StorageAdapter } from 'grammy';
import type { Db } from '../db/database.ts';
import { prepareStatement } from '../db/prepared-statement.ts';
import { writeWithoutAnswer } from '../db/unit-of-work.ts';

/** Keys whose last-read value is remembered; a safety bound for updates that never write back. */
const REMEMBERED_READS_MAX = 10_000;

/**
 * grammY session storage in the `sessions` table. Values are JSON; grammY's
 * `enhanceStorage` wraps them with a version, so stored sessions can be migrated.
 *
 * grammY writes a session back after every update that read it, changed or not. The JSON
 * read for a key is remembered until that write, and an unchanged value is not written
 * again: a read-only look at the session costs no write (an fsync on SQLite). Updates of
 * one chat run one at a time, so the row still holds what was read. `updated_at` is
 * therefore the time of the last change.
 */
export function createDbSessionStorage<T>(db: Db, now: () => number = Date.now, prefetched?: SessionPrefetch): StorageAdapter<T> {
  const readJson = new Map<string, string>();
  return {
    async read(key) {
      const early = prefetched?.take(key);
      const row = early ? (early.json === null ? undefined : { value: early.json }) : await db.selectFrom('sessions').select('value').where('key', '=', key).executeTakeFirst();
      if (!row) {
        readJson.delete(key);
        return undefined;
      }
      if (readJson.size >= REMEMBERED_READS_MAX) readJson.clear();
      readJson.set(key, row.value);
      return JSON.parse(row.value) as T;
    },
    async write(key, value) {
      const json = JSON.stringify(value);
      const unchanged = readJson.get(key) === json;
      readJson.delete(key);
      if (unchanged) return;
      // In an update's unit the write goes with the unit's commit (its mark), not on its own.
      await writeWithoutAnswer(db, SESSION_WRITE.compile(db, { key, value: json, updatedAt: now() }));
    },
    async delete(key) {
      readJson.delete(key);
      await db.deleteFrom('sessions').where('key', '=', key).execute();
    },
  };
}

/** A session written back: after nearly every update that changed it, so compiled once (prepared-statement.ts). */
const SESSION_WRITE = prepareStatement<{ key: string; value: string; updatedAt: number }>('sessions.write', (db, param) =>
  db
    .insertInto('sessions')
    .values({ key: param('key'), value: param('value'), updated_at: param('updatedAt') })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: param('value'), updated_at: param('updatedAt') })),
);

/**
 * Sessions read ahead, with the update's duplicate check in the same statement (one round trip
 * instead of two on PostgreSQL; see dedupeUpdates). A chat's updates run one at a time and
 * only they write its session, so the row read just before the handler is the row the
 * handler would read. An entry serves the update it was read for and is dropped when it ends.
 */
export interface SessionPrefetch {
  /** The session row's JSON (null: none) read for the update being handled in that chat. */
  keep(key: string, json: string | null): void;
  /** The value kept for `key`, once; undefined when none was kept. */
  take(key: string): { json: string | null } | undefined;
  /** The update is over: whatever it did not use is dropped. */
  drop(key: string): void;
}

/** An in-memory {@link SessionPrefetch}. */
export function createSessionPrefetch(): SessionPrefetch {
  const kept = new Map<string, string | null>();
  return {
    keep: (key, json) => void kept.set(key, json),
    take(key) {
      if (!kept.has(key)) return undefined;
      const json = kept.get(key) ?? null;
      kept.delete(key);
      return { json };
    },
    drop: (key) => void kept.delete(key),
  };
}
