import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Raised when another process already holds the SQLite file. */
export class DatabaseLockedError extends Error {
  readonly code = 'db.locked';
  constructor(file: string) {
    super(
      `The database ${file} is in use by another Lavka process. ` +
        'Stop that process first, or point DATABASE_URL at another file.',
    );
    this.name = 'DatabaseLockedError';
  }
}

/** How the embedded database is opened. */
export interface SqliteOptions {
  /** File path, or `:memory:`. */
  file: string;
  /** How long a statement waits for a lock held by this process's own writers. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per connection; queries repeat, so parsing them once pays. */
  statementCacheSize?: number;
}

/**
 * Opens SQLite through Node's built-in `node:sqlite` with the durability settings Lavka
 * relies on (WAL, `synchronous=FULL`, foreign keys) and takes an exclusive lock on the file,
 * so that a second process gets a clear error instead of two writers racing.
 */
export function openSqlite(options: SqliteOptions): SqliteDatabase {
  const { file } = options;
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // EXCLUSIVE locking keeps the lock from the first write until close: the OS releases it
    // when the process dies, so a crash never leaves a stale lock behind.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN IMMEDIATE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (/locked|busy/i.test((error as Error).message)) throw new DatabaseLockedError(file);
    throw error;
  }
  db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  return wrap(db, options.statementCacheSize ?? 256);
}

/** Adapts `DatabaseSync` to the interface Kysely's SQLite dialect expects. */
function wrap(db: DatabaseSync, cacheSize: number): SqliteDatabase {
  const cache = new Map<string, { statement: StatementSync; reader: boolean }>();
  const prepare = (sql: string) => {
    let entry = cache.get(sql);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the statement as recently used.
      cache.delete(sql);
    } else {
      const statement = db.prepare(sql);
      entry = { statement, reader: statement.columns().length > 0 };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, entry);
    return entry;
  };
  return {
    close: () => {
      cache.clear();
      if (db.isOpen) db.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const { statement, reader } = prepare(sql);
      return {
        reader,
        all: (parameters) => statement.all(...toSqlite(parameters)),
        run: (parameters) => {
          const result = statement.run(...toSqlite(parameters));
          return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
        },
        iterate: (parameters) => statement.iterate(...toSqlite(parameters)) as IterableIterator<unknown>,
      };
    },
  };
}

/** SQLite has no boolean or date type: store booleans as 0/1 and dates as epoch ms. */
function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.getTime();
    if (value === undefined) return null;
    return value as SQLInputValue;
  });
}
