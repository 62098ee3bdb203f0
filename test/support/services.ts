import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { coreMigrations } from '../../src/db/migrations/index.ts';
import { migrate } from '../../src/db/migrator.ts';

/** PostgreSQL and Redis as the test machine and CI run them (127.0.0.1, trust auth). */
export const POSTGRES_URL = process.env.LAVKA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.LAVKA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** In CI the service suites must run: an unreachable service fails the run instead of skipping. */
const REQUIRE_SERVICES = process.env.LAVKA_TEST_REQUIRE_SERVICES === '1';

let postgresAvailable: Promise<boolean> | undefined;
let redisAvailable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; memoised per test file. */
export function hasPostgres(): Promise<boolean> {
  postgresAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (REQUIRE_SERVICES) throw new Error(`PostgreSQL is required but unreachable at ${POSTGRES_URL}`, { cause: error });
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresAvailable;
}

/** Whether Redis answers; memoised per test file. */
export function hasRedis(): Promise<boolean> {
  redisAvailable ??= (async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch (error) {
      if (REQUIRE_SERVICES) throw new Error(`Redis is required but unreachable at ${REDIS_URL}`, { cause: error });
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return redisAvailable;
}

/** A database URL for one test, and a way to throw it away. */
export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary folder. */
export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-test-'));
  return {
    dialect: 'sqlite',
    url: `sqlite:${path.join(dir, 'lavka.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A fresh PostgreSQL schema in the `test` database, selected through the connection's
 * search_path, so tests running in parallel never see each other's tables.
 */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect: 'postgres',
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** The dialects to run a repository test on: SQLite always, PostgreSQL when it answers. */
export async function testDialects(): Promise<{ name: 'sqlite' | 'postgres'; create(): Promise<TestDatabase> }[]> {
  const list: { name: 'sqlite' | 'postgres'; create(): Promise<TestDatabase> }[] = [
    { name: 'sqlite', create: async () => sqliteTestDatabase() },
  ];
  if (await hasPostgres()) list.push({ name: 'postgres', create: postgresTestDatabase });
  return list;
}

/** A test table's `id` column, numbered by the database: `serial` on PostgreSQL, `autoincrement` on SQLite. */
export function autoId(dialect: 'sqlite' | 'postgres'): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`id serial primary key` : sql`id integer primary key autoincrement`;
}

/** A fresh, empty database of one dialect, opened; `close` also drops it. */
export async function openTestDatabase(dialect: { create(): Promise<TestDatabase> }): Promise<{ target: TestDatabase; handle: DatabaseHandle; close(): Promise<void> }> {
  const target = await dialect.create();
  const handle = await createDatabase({ url: target.url });
  return {
    target,
    handle,
    close: async () => {
      await handle.close();
      await target.drop();
    },
  };
}

/**
 * A fresh database of one dialect with the runtime's own migrations (outbox, scheduler,
 * sessions) applied, for the suites that test those tables; `close` also drops it.
 */
export async function coreTestDatabase(dialect: { create(): Promise<TestDatabase> }): Promise<{ handle: DatabaseHandle; close(): Promise<void> }> {
  const opened = await openTestDatabase(dialect);
  await migrate(opened.handle, [{ module: 'core', migrations: coreMigrations }]);
  return opened;
}
