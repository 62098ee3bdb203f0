// Bulk data for the scale benchmark, written straight into Lavka's real tables (as created by
// its migrations) with set-based INSERT … SELECT: a recursive CTE on SQLite, generate_series
// on PostgreSQL. Nothing goes through the services: a million rows one by one would take
// longer than the whole benchmark.

import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

/** How much data to seed. */
export interface SeedSizes {
  users: number;
  orders: number;
  ledgerRows: number;
  /** Update ids remembered for de-duplication (a week of traffic is kept). */
  processedUpdates: number;
}

/** What was seeded, and what could not be. */
export interface SeedReport {
  seconds: number;
  rows: Record<string, number>;
  /** Tables the sizes asked for that do not exist (a module not finished yet). */
  missingTables: string[];
  /** Tables whose schema no longer fits the seed (a column added since), with the error. */
  failedTables: Record<string, string>;
}

/** Telegram ids of seeded users start here; the benchmark's users are the first of them. */
export const SEED_FIRST_USER_ID = 30_000_000;
/** Seeded update ids start far above the benchmark's own (which start at 1). */
const SEED_FIRST_UPDATE_ID = 2_000_000_000;
const DAY_MS = 86_400_000;

/** One set-based INSERT per table; `{n}` is the row count and `seq.i` runs from 1 to n. */
interface TableSeed {
  table: string;
  rows: (sizes: SeedSizes) => number;
  columns: string;
  /** SELECT list over `seq.i`, valid in both dialects. */
  select: (sizes: SeedSizes, nowMs: number) => string;
}

const TABLES: readonly TableSeed[] = [
  {
    table: 'users',
    rows: (sizes) => sizes.users,
    columns: 'id, username, first_name, last_name, language_code, locale, phone, is_blocked, blocked_at, first_seen_at, last_seen_at',
    select: (sizes, nowMs) =>
      `${SEED_FIRST_USER_ID} - 1 + seq.i, 'user' || seq.i, 'User', 'No ' || seq.i, case when seq.i % 3 = 0 then 'en' else 'ru' end, null, null, 0, null, ` +
      `${nowMs - 365 * DAY_MS} + seq.i * 60000, ${nowMs - DAY_MS} - (seq.i % 1000) * 3600000`,
  },
  {
    table: 'sessions',
    rows: (sizes) => sizes.users,
    columns: 'key, value, updated_at',
    select: (_sizes, nowMs) => `cast(${SEED_FIRST_USER_ID} - 1 + seq.i as varchar(32)), '{"__d":{},"v":1}', ${nowMs - DAY_MS}`,
  },
  {
    table: 'orders',
    rows: (sizes) => sizes.orders,
    columns:
      'id, number, kind, user_id, status, currency, total_minor, payment_method, contact_name, contact_phone, delivery_method, delivery_address, pickup_point, comment, details, created_at, updated_at',
    select: (sizes, nowMs) =>
      `seq.i, 'S-' || seq.i, 'shop', ${SEED_FIRST_USER_ID} + (seq.i % ${sizes.users}), ` +
      `case seq.i % 5 when 0 then 'new' when 1 then 'confirmed' when 2 then 'shipped' when 3 then 'delivered' else 'cancelled' end, ` +
      `'KZT', 699000, 'on_delivery', 'User', '+77010000000', 'pickup', null, 'Almaty', null, null, ` +
      `${nowMs - 365 * DAY_MS} + seq.i * 30, ${nowMs - 365 * DAY_MS} + seq.i * 30`,
  },
  {
    table: 'order_lines',
    rows: (sizes) => sizes.orders,
    columns: 'id, order_id, position, line_kind, product_id, variant_id, title, variant_title, unit_price_minor, quantity, total_minor',
    select: () => `seq.i, seq.i, 1, 'product', 1, 1, 'Lavka T-shirt', 'S · White', 699000, 1, 699000`,
  },
  {
    table: 'wallet_ledger',
    rows: (sizes) => sizes.ledgerRows,
    columns: 'id, user_id, kind, amount, balance_after, reason, actor_type, actor_id, external_id, reverses_id, idempotency_key, created_at',
    // The k-th row of a user takes their balance to 100·k: consistent and never negative.
    select: (sizes, nowMs) =>
      `seq.i, ${SEED_FIRST_USER_ID} + (seq.i % ${sizes.users}), 'topup', 100, 100 * ((seq.i - 1) / ${sizes.users} + 1), 'bench seed', 'system', null, null, null, null, ` +
      `${nowMs - 365 * DAY_MS} + seq.i * 30`,
  },
  {
    table: 'wallet_accounts',
    rows: (sizes) => Math.min(sizes.users, sizes.ledgerRows),
    columns: 'user_id, balance, created_at, updated_at',
    select: (sizes, nowMs) =>
      `${SEED_FIRST_USER_ID} - 1 + seq.i, 100 * (${sizes.ledgerRows} / ${sizes.users} + case when (seq.i - 1) < ${sizes.ledgerRows} % ${sizes.users} then 1 else 0 end), ${nowMs - 365 * DAY_MS}, ${nowMs}`,
  },
  {
    table: 'processed_updates',
    rows: (sizes) => sizes.processedUpdates,
    columns: 'update_id, processed_at',
    select: (sizes, nowMs) => `${SEED_FIRST_UPDATE_ID} + seq.i, ${nowMs - 7 * DAY_MS} + seq.i * ${Math.max(1, Math.floor((7 * DAY_MS) / Math.max(1, sizes.processedUpdates)))}`,
  },
];

/** Tables that carry identity ids on PostgreSQL (their sequences must move past the seed). */
const IDENTITY_TABLES = ['orders', 'order_lines', 'wallet_ledger'];

/** Seeds a migrated SQLite file; Lavka must not have it open (it locks the file). */
export function seedSqlite(file: string, sizes: SeedSizes, nowMs = Date.now()): SeedReport {
  const started = performance.now();
  const db = new DatabaseSync(file);
  const rows: Record<string, number> = {};
  const missingTables: string[] = [];
  const failedTables: Record<string, string> = {};
  try {
    // Seeding is not what is measured: no fsync per page while loading.
    db.exec('PRAGMA synchronous = OFF');
    const existing = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((row) => row.name));
    db.exec('BEGIN');
    for (const seed of TABLES) {
      if (!existing.has(seed.table)) {
        missingTables.push(seed.table);
        continue;
      }
      const count = seed.rows(sizes);
      try {
        db.exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count}) INSERT INTO ${seed.table} (${seed.columns}) SELECT ${seed.select(sizes, nowMs)} FROM seq`);
        rows[seed.table] = count;
      } catch (error) {
        failedTables[seed.table] = (error as Error).message;
      }
    }
    db.exec('COMMIT');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { seconds: (performance.now() - started) / 1000, rows, missingTables, failedTables };
}

/** Seeds a migrated PostgreSQL schema (the URL's search_path) and analyzes it. */
export async function seedPostgres(url: string, sizes: SeedSizes, nowMs = Date.now()): Promise<SeedReport> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows: Record<string, number> = {};
  const missingTables: string[] = [];
  const failedTables: Record<string, string> = {};
  try {
    const existing = new Set(
      (await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = current_schema()')).rows.map((row) => row.table_name),
    );
    // Loading is not what is measured: commit without waiting for the WAL flush.
    await client.query('set synchronous_commit = off');
    for (const seed of TABLES) {
      if (!existing.has(seed.table)) {
        missingTables.push(seed.table);
        continue;
      }
      const count = seed.rows(sizes);
      try {
        await client.query(`INSERT INTO ${seed.table} (${seed.columns}) SELECT ${seed.select(sizes, nowMs)} FROM generate_series(1::bigint, ${count}::bigint) AS seq(i)`);
        rows[seed.table] = count;
      } catch (error) {
        failedTables[seed.table] = (error as Error).message;
      }
    }
    for (const table of IDENTITY_TABLES) {
      if (rows[table] !== undefined) await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
    // Autovacuum would analyze a table this size within minutes; the benchmark does not wait.
    await client.query('analyze');
  } finally {
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000, rows, missingTables, failedTables };
}
