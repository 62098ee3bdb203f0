import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite.ts';

/** The SQL dialects Lavka runs on. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** Lavka's database handle. */
export type Db = Kysely<Database>;
/** A transaction on Lavka's database; repositories accept either. */
export type DbExecutor = Kysely<Database> | Transaction<Database>;

/** An open database with its dialect and a way to close it. */
export interface DatabaseHandle {
  db: Db;
  dialect: SqlDialectName;
  /** Human-readable location, without credentials. */
  location: string;
  close(): Promise<void>;
}

/** Options for {@link createDatabase}. */
export interface CreateDatabaseOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
  url: string;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

// PostgreSQL returns BIGINT and NUMERIC as strings because they may exceed 2^53. Lavka's
// BIGINTs are epoch milliseconds, Telegram ids, money in minor units and counts, all far
// below 2^53, so they are parsed as numbers; a value that would lose precision throws.
const INT8_OID = 20;
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`BIGINT ${value} exceeds the safe integer range`);
  return parsed;
}
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Opens the database named by `DATABASE_URL`. Migrations are run separately. */
export async function createDatabase(options: CreateDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url.startsWith('sqlite:')) {
    const file = options.url.slice('sqlite:'.length);
    const database = openSqlite({ file });
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    const close = async () => {
      await db.destroy();
      // Kysely opens its driver lazily; close the file even if no query ever ran.
      database.close();
    };
    return { db, dialect: 'sqlite', location: file, close };
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types: pgTypes });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Fail now with a clear message rather than at the first update.
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    const location = redactUrl(options.url);
    throw new Error(`Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
  }
  return { db, dialect: 'postgres', location: redactUrl(options.url), close: () => db.destroy() };
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
