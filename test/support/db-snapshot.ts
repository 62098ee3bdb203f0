import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * A fingerprint of every row of every table of a SQLite database, to prove that something
 * changed nothing. Tables written by timers alone (the job scheduler) can be left out.
 */
export async function sqliteFingerprint(db: Db, options: { skipTables?: readonly string[] } = {}): Promise<string> {
  const skip = new Set(options.skipTables ?? []);
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const hash = createHash('sha256');
  for (const { name } of tables.rows) {
    if (skip.has(name)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)} order by 1`.execute(db);
    hash.update(`${name}:${JSON.stringify(rows.rows)}\n`);
  }
  return hash.digest('hex');
}
