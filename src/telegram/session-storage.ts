import type { StorageAdapter } from 'grammy';
import type { Db } from '../db/database.ts';

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
export function createDbSessionStorage<T>(db: Db, now: () => number = Date.now): StorageAdapter<T> {
  const readJson = new Map<string, string>();
  return {
    async read(key) {
      const row = await db.selectFrom('sessions').select('value').where('key', '=', key).executeTakeFirst();
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
      await db
        .insertInto('sessions')
        .values({ key, value: json, updated_at: now() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now() }))
        .execute();
    },
    async delete(key) {
      readJson.delete(key);
      await db.deleteFrom('sessions').where('key', '=', key).execute();
    },
  };
}
