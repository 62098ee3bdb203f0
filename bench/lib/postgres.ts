import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BENCH_POSTGRES_URL } from './config.ts';

/** A PostgreSQL schema of its own for one benchmark run, and a way to drop it. */
export interface BenchSchema {
  /** Connection URL whose search_path is the schema. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Whether the benchmark PostgreSQL answers within two seconds. */
export async function postgresAvailable(url = BENCH_POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `work` with a client on the benchmark database (not inside a schema). */
export async function withPostgres<T>(work: (client: pg.Client) => Promise<T>, url = BENCH_POSTGRES_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates `bench_<random>` and returns a URL that selects it through the connection's
 * search_path, so a run never touches other tables in the shared `test` database.
 */
export async function createBenchSchema(url = BENCH_POSTGRES_URL): Promise<BenchSchema> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  await withPostgres((client) => client.query(`create schema ${name}`), url);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: scoped.href,
    name,
    drop: () => withPostgres((client) => client.query(`drop schema if exists ${name} cascade`), url).then(() => undefined),
  };
}
