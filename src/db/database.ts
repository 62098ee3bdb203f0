import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, Transaction, type Dialect } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './schema.ts';
import { durabilityRelaxed, registerDurability } from './durability.ts';
import { sharedReadConnection } from './pg-shared-reads.ts';
import { namedStatements, statementNames } from './pg-statements.ts';
import { openSqlite, type SqliteHandle } from './sqlite.ts';
import { TurnTakingSqliteDialect } from './sqlite-dialect.ts';
import { createTableWritesPlugin, registerTableWrites } from './table-writes.ts';
import { registerUnits, unitOfWorkDialect, type UnitsOfWork } from './unit-of-work.ts';

/** The SQL dialects Lavka runs on. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** Lavka's database handle. */
export type Db = Kysely<Database>;
/** A transaction on Lavka's database; repositories accept either. */
export type DbExecutor = Kysely<Database> | Transaction<Database>;

/** Runs `work` in `executor` if it is a transaction already, else in a new one. */
export function inTransaction<T>(executor: DbExecutor, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return executor instanceof Transaction ? work(executor) : executor.transaction().execute(work);
}

/** An open database with its dialect and a way to close it. */
export interface DatabaseHandle {
  db: Db;
  dialect: SqlDialectName;
  /** Human-readable location, without credentials. */
  location: string;
  /** Per-update units of work on this database (docs/decisions/0018). */
  units: UnitsOfWork;
  /**
   * Whether the database can be used right now, for `/health/ready`: PostgreSQL answers;
   * SQLite can be read and still has room to write (`detail` says "disk full" otherwise).
   */
  health(): Promise<DatabaseHealth>;
  /**
   * SQLite only: an online copy of the database file through SQLite's backup API (see
   * src/db/backup.ts). Absent on PostgreSQL, whose backups are `pg_dump`'s.
   */
  backupTo?(destination: string): Promise<number>;
  /**
   * Resolves once what was committed so far is on disk (SQLite's group commit, see
   * src/db/durability.ts); at once on PostgreSQL. Anything that acknowledges a write to the
   * outside waits for it first; `untilDurable(db)` reaches it from the Kysely instance.
   */
  untilDurable(): Promise<void>;
  close(): Promise<void>;
}

/** The answer of {@link DatabaseHandle.health}. */
export interface DatabaseHealth {
  ok: boolean;
  detail?: string;
}

/** Options for {@link createDatabase}. */
export interface CreateDatabaseOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
  url: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
  /** Where lost PostgreSQL connections are reported (they are replaced on the next query). */
  logger?: Pick<Logger, 'warn'>;
  /** Free bytes below which the SQLite disk counts as full (default 1 MiB). */
  minFreeBytes?: number;
  /** SQLite: group commit (default) or a disk sync in every commit (`SQLITE_SYNC`). */
  sqliteSync?: 'group' | 'full';
}

/** How long a query waits for a new PostgreSQL connection before it fails (server down or unreachable). */
const PG_CONNECT_TIMEOUT_MS = 5000;
/** How long a failed SQLite write keeps the database "not ready" when nothing else explains it. */
const RECENT_WRITE_FAILURE_MS = 60_000;

// PostgreSQL returns BIGINT and NUMERIC as strings because they may exceed 2^53. Lavka's
// BIGINTs are epoch milliseconds, Telegram ids, money in minor units and counts, all far
// below 2^53, so they are parsed as numbers; a value that would lose precision throws.
const INT8_OID = 20;
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`BIGINT ${value} exceeds the safe integer range`);
  return parsed;
}
/** The type parsers of a pool: `pg`'s own, but BIGINT as a number. */
function pgTypesOf(driver: typeof pg) {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID ? parseInt8 : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
}

/** Opens the database named by `DATABASE_URL`. Migrations are run separately. */
export async function createDatabase(options: CreateDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url.startsWith('sqlite:')) {
    const file = options.url.slice('sqlite:'.length);
    const database = openSqlite({ file, sync: options.sqliteSync });
    const { dialect, units } = unitOfWorkDialect(new TurnTakingSqliteDialect({ database }));
    const db = openKysely(dialect, units);
    const durable = () => database.untilDurable();
    registerDurability(db, durable);
    const close = async () => {
      // What the last statements committed reaches the disk before the process goes.
      await database.untilDurable().catch(() => undefined);
      await db.destroy();
      // Kysely opens its driver lazily; close the file even if no query ever ran.
      database.close();
    };
    const health = () => sqliteHealth(db, database, file, options.minFreeBytes ?? 1024 * 1024);
    return { db, dialect: 'sqlite', location: file, units, health, backupTo: (destination) => database.backupTo(destination), untilDurable: durable, close };
  }
  // The PostgreSQL driver loads only for a PostgreSQL database: a bot on SQLite starts without it.
  const { default: pgDriver } = await import('pg');
  const pool = new pgDriver.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: pgTypesOf(pgDriver),
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // A transaction's BEGIN leaves with its first write (unit-of-work.ts); every other
    // statement still waits for the one before it, as Kysely awaits each.
    pipeline: true,
  });
  // When the server restarts, every open connection emits 'error': the pool re-emits it for
  // idle ones, and a connection checked out between two queries emits it itself. An 'error'
  // event nobody listens to ends the process, so both are heard here; the dead connection is
  // dropped and the next query opens a new one.
  const lost = (error: Error) => options.logger?.warn({ err: error }, 'a PostgreSQL connection was lost; the next query opens a new one');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const names = statementNames();
  const reads = sharedReadConnection({
    open: () => new pgDriver.Client({ connectionString: options.url, types: pgTypesOf(pgDriver), connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS, keepAlive: true, pipeline: true }),
    names,
    onError: lost,
  });
  const poolFace = namedStatements(pool, { names });
  // Kysely ends the pool when the database is destroyed; the shared read connection goes with it.
  const withReads = { connect: () => poolFace.connect(), end: async () => void (await Promise.all([reads.end(), poolFace.end()])) };
  const { dialect, units } = unitOfWorkDialect(new PostgresDialect({ pool: withReads }), { sharedReads: () => reads.connection(), sharedWrites: durabilityRelaxed, pipelined: true });
  const db = openKysely(dialect, units);
  // Fail now with a clear message rather than at the first update.
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    const location = redactUrl(options.url);
    throw new Error(`Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
  }
  const health = async (): Promise<DatabaseHealth> => {
    try {
      await sql`select 1`.execute(db);
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: `unreachable: ${(error as Error).message}` };
    }
  };
  return { db, dialect: 'postgres', location: redactUrl(options.url), units, health, untilDurable: () => Promise.resolve(), close: () => db.destroy() };
}

/** The Kysely instance over a dialect, with its units of work and the watcher of table writes (read caches listen to it). */
function openKysely(dialect: Dialect, units: UnitsOfWork): Db {
  const writes = createTableWritesPlugin();
  const db = new Kysely<Database>({ dialect, plugins: [writes] });
  registerUnits(db, units);
  registerTableWrites(db, writes);
  return db;
}

/**
 * SQLite is ready when it can be read and a write would find room: the file is below its
 * page limit (`max_page_count`), the disk has free space, and no write has failed for lack
 * of space (or an I/O error) recently and since the last one that committed.
 */
async function sqliteHealth(db: Db, handle: SqliteHandle, file: string, minFreeBytes: number): Promise<DatabaseHealth> {
  let pages: { page_count: number; max_page_count: number; freelist_count: number };
  try {
    const [count, max, free] = await Promise.all([
      sql<{ page_count: number }>`pragma page_count`.execute(db),
      sql<{ max_page_count: number }>`pragma max_page_count`.execute(db),
      sql<{ freelist_count: number }>`pragma freelist_count`.execute(db),
    ]);
    pages = {
      page_count: Number(count.rows[0]?.page_count),
      max_page_count: Number(max.rows[0]?.max_page_count),
      freelist_count: Number(free.rows[0]?.freelist_count),
    };
  } catch (error) {
    return { ok: false, detail: `cannot read: ${(error as Error).message}` };
  }
  if (pages.page_count >= pages.max_page_count && pages.freelist_count === 0) {
    return { ok: false, detail: `disk full: the database reached its size limit of ${pages.max_page_count} pages` };
  }
  if (file !== ':memory:') {
    const disk = await statfs(path.dirname(path.resolve(file))).catch(() => undefined);
    const freeBytes = disk ? disk.bavail * disk.bsize : undefined;
    if (freeBytes !== undefined && freeBytes < minFreeBytes) return { ok: false, detail: `disk full: ${freeBytes} bytes free` };
  }
  // A failure the checks above do not explain (an I/O error, space that came back and went
  // again) counts for a minute: a readiness that only a successful write could clear would
  // stay red forever once the load balancer stops sending traffic.
  const failure = handle.writeFailure();
  if (failure && Date.now() - failure.at < RECENT_WRITE_FAILURE_MS) {
    const what = failure.kind === 'full' ? 'disk full' : 'disk error';
    return { ok: false, detail: `${what}: a write failed at ${new Date(failure.at).toISOString()} (${failure.message})` };
  }
  return { ok: true };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/** True when the error is a UNIQUE or PRIMARY KEY violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string; errcode?: number } | null)?.code;
  const message = (error as Error | null)?.message ?? '';
  return code === '23505' || /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(message);
}
