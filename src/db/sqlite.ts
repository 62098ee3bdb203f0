import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { backup, DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { createGroupCommit, durabilityRelaxed, type GroupCommit } from './durability.ts';

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

/**
 * Raised for a statement that would run after SQLite itself rolled the transaction back
 * (it does so on SQLITE_FULL and some I/O errors): outside a transaction the statement would
 * commit on its own, leaving half of the business change written.
 */
export class SqliteTransactionLostError extends Error {
  readonly code = 'db.transaction_lost';
  constructor(cause: unknown) {
    super(`the transaction was rolled back by SQLite after: ${(cause as Error | undefined)?.message ?? 'an error'}`, { cause });
    this.name = 'SqliteTransactionLostError';
  }
}

/** A failed write that says the disk is full or failing, as {@link SqliteHandle.writeFailure} reports it. */
export interface SqliteWriteFailure {
  /** Epoch ms of the failure. */
  at: number;
  message: string;
  /** `full` for SQLITE_FULL (no space, or the page limit), `io` for SQLITE_IOERR. */
  kind: 'full' | 'io';
}

/** The SQLite connection as Kysely uses it, plus what the readiness check wants to know. */
export interface SqliteHandle extends SqliteDatabase {
  /** The last write that failed for lack of space or an I/O error, until a later write commits. */
  writeFailure(): SqliteWriteFailure | undefined;
  /**
   * Copies the open database to `destination` with SQLite's online backup API, a few pages per
   * step off the main thread, while this connection goes on reading and writing (its writes
   * during the copy land in the copy too). Resolves with the number of pages copied.
   */
  backupTo(destination: string, options?: { pagesPerStep?: number }): Promise<number>;
  /** Resolves once every commit made so far is on disk (at once with `sync: 'full'`). */
  untilDurable(): Promise<void>;
  /** Whether commits wait for the disk themselves (`full`) or for {@link SqliteHandle.untilDurable} (`group`). */
  readonly sync: 'full' | 'group';
}

// Primary result codes (extended codes keep them in the low byte).
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;

/** Whether an error from `node:sqlite` means the disk is full or failing. */
export function sqliteStorageFailure(error: unknown): SqliteWriteFailure['kind'] | undefined {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode !== 'number') return undefined;
  const primary = errcode & 0xff;
  if (primary === SQLITE_FULL) return 'full';
  if (primary === SQLITE_IOERR) return 'io';
  return undefined;
}

/** How the embedded database is opened. */
export interface SqliteOptions {
  /** File path, or `:memory:`. */
  file: string;
  /** How long a statement waits for a lock held by this process's own writers. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per connection; queries repeat, so parsing them once pays. */
  statementCacheSize?: number;
  /**
   * `full`: every commit waits for the disk (`synchronous=FULL`). `group` (default for a file):
   * commits do not wait (`synchronous=NORMAL`), and {@link SqliteHandle.untilDurable} makes them
   * durable before anything acknowledges them (src/db/durability.ts, docs/decisions/0020).
   */
  sync?: 'full' | 'group';
}

/**
 * Opens SQLite through Node's built-in `node:sqlite` with the durability settings Lavka
 * relies on (WAL, group commit or `synchronous=FULL`, foreign keys) and takes an exclusive
 * lock on the file, so that a second process gets a clear error instead of two writers racing.
 */
export function openSqlite(options: SqliteOptions): SqliteHandle {
  const { file } = options;
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // An in-memory database has nothing to sync.
  let sync = file === ':memory:' ? 'full' : (options.sync ?? 'group');
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    const journal = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode?: string } | undefined;
    // Group commit syncs the WAL file: without one (a file system that refuses WAL) every commit syncs itself.
    if (journal?.journal_mode !== 'wal') sync = 'full';
    db.exec(`PRAGMA synchronous = ${sync === 'group' ? 'NORMAL' : 'FULL'}`);
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
  return wrap(db, options.statementCacheSize ?? 256, sync === 'group' ? createGroupCommit(path.resolve(file)) : undefined);
}

/**
 * Adapts `DatabaseSync` to the interface Kysely's SQLite dialect expects, and keeps a
 * transaction whole when SQLite aborts it: on SQLITE_FULL SQLite rolls the transaction back
 * by itself, Kysely's own ROLLBACK would then fail ("no transaction is active") and hide the
 * real error, and any statement the caller still ran would commit on its own.
 */
function wrap(db: DatabaseSync, cacheSize: number, group: GroupCommit | undefined): SqliteHandle {
  // A transaction Kysely began and has not ended yet; `lostTo` is the error SQLite ended it with.
  let inTransaction = false;
  let lostTo: unknown;
  let transactionWrote = false;
  let failure: SqliteWriteFailure | undefined;
  /** Runs one statement, noting storage failures and whether SQLite ended the transaction. */
  const guarded = <T>(verb: string, execute: () => T, changed: (result: T) => boolean): T => {
    if (inTransaction && !db.isTransaction) {
      if (verb === 'rollback') {
        // SQLite already rolled back: the rollback asked for is done.
        inTransaction = false;
        lostTo = undefined;
        return noChanges as T;
      }
      // A new transaction starts clean; anything else belongs to the one SQLite ended.
      if (verb !== 'begin') throw new SqliteTransactionLostError(lostTo);
      inTransaction = false;
      lostTo = undefined;
    }
    let result: T;
    try {
      result = execute();
    } catch (error) {
      const kind = sqliteStorageFailure(error);
      if (kind) failure = { at: Date.now(), message: (error as Error).message, kind };
      if (inTransaction && !db.isTransaction) lostTo = error;
      throw error;
    }
    // Group commit counts what committed: a transaction's commit, or a write outside one.
    if (group && (verb === 'commit' || (!inTransaction && !db.isTransaction && verb !== 'select' && verb !== 'rollback'))) group.committed(!durabilityRelaxed());
    // Space is back once a write that changed rows has committed.
    if (verb === 'begin') {
      inTransaction = true;
      transactionWrote = false;
    } else if (verb === 'commit' || verb === 'rollback') {
      if (verb === 'commit' && transactionWrote) failure = undefined;
      inTransaction = false;
    } else if (changed(result)) {
      if (inTransaction) transactionWrote = true;
      else if (!db.isTransaction) failure = undefined;
    }
    return result;
  };
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
      void group?.close();
      if (db.isOpen) db.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '';
      const { statement, reader } = prepare(sql);
      return {
        reader,
        all: (parameters) => guarded(verb, () => statement.all(...toSqlite(parameters)), (rows) => WRITE_VERBS.has(verb) && rows.length > 0),
        run: (parameters) =>
          guarded(
            verb,
            () => {
              const result = statement.run(...toSqlite(parameters));
              return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
            },
            (result) => Number(result.changes) > 0,
          ),
        iterate: (parameters) => statement.iterate(...toSqlite(parameters)) as IterableIterator<unknown>,
      };
    },
    writeFailure: () => failure,
    backupTo: (destination, options) => backupBetweenTransactions(db, destination, options?.pagesPerStep ?? 256),
    untilDurable: () => group?.untilDurable() ?? Promise.resolve(),
    sync: group ? 'group' : 'full',
  };
}

/** How long a backup waits for a moment when no transaction is open before it starts anyway. */
const BACKUP_START_PATIENCE_MS = 30_000;

/**
 * An online backup of `db`, started when this connection has no transaction open. SQLite
 * refuses the first step of a backup while its source connection is inside a write
 * transaction (SQLITE_LOCKED), before it knows how many pages there are, and node:sqlite then
 * rejects the backup with "not an error" (errcode 0) instead of trying again as it does for
 * later steps. Lavka's units of work keep a transaction open across awaits, so under writes
 * that happens; such a start is made again, until {@link BACKUP_START_PATIENCE_MS} has passed.
 * Writes after the first step are SQLite's to carry into the copy (same connection).
 */
async function backupBetweenTransactions(db: DatabaseSync, destination: string, rate: number): Promise<number> {
  const deadline = Date.now() + BACKUP_START_PATIENCE_MS;
  for (;;) {
    while (db.isTransaction && Date.now() < deadline) await sleep(5);
    try {
      return await backup(db, destination, { rate });
    } catch (error) {
      const lockedAtStart = (error as { errcode?: unknown }).errcode === 0;
      if (!lockedAtStart || Date.now() >= deadline) throw error;
    }
  }
}

const noChanges = { changes: 0, lastInsertRowid: 0 };
/** Statements whose returned rows (RETURNING) mean that rows were written. */
const WRITE_VERBS = new Set(['insert', 'update', 'delete', 'replace']);

/** SQLite has no boolean or date type: store booleans as 0/1 and dates as epoch ms. */
function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.getTime();
    if (value === undefined) return null;
    return value as SQLInputValue;
  });
}
