// Query plans of the statements Lavka ran on the hot path (captured by sql-capture.ts), and
// a flag on every full scan of a large table: such a query gets slower as data grows.

import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { CapturedStatement } from './sql-capture.ts';

/** Tables at least this big count as large: a scan of them grows with the data. */
export const LARGE_TABLE_ROWS = 10_000;

/** The plan of one statement. */
export interface StatementPlan {
  sql: string;
  /** Executions while captured. */
  count: number;
  /** Plan lines as the database prints them. */
  plan: string[];
  /** Large tables the plan reads in full (`SCAN t` / `Seq Scan on t`), with their row counts. */
  fullScans: { table: string; rows: number }[];
  error?: string;
}

const SKIP = /^\s*(begin|commit|rollback|savepoint|release|pragma|set|select 1\b)/i;

/** Statements worth a plan: everything but transaction control and settings. */
export function plannable(statements: readonly CapturedStatement[]): CapturedStatement[] {
  return statements.filter((statement) => !SKIP.test(statement.sql));
}

/**
 * Names of large tables a SQLite plan scans: `SCAN t`, `SCAN t USING INDEX i` (the whole
 * index) and `SCAN t USING COVERING INDEX i` all read every row; `SEARCH` does not.
 */
export function sqliteFullScans(planLines: readonly string[], rowCounts: ReadonlyMap<string, number>): { table: string; rows: number }[] {
  const scans: { table: string; rows: number }[] = [];
  for (const line of planLines) {
    const table = /^SCAN (\w+)/.exec(line.trim())?.[1];
    const rows = table === undefined ? undefined : rowCounts.get(table);
    if (table !== undefined && rows !== undefined && rows >= LARGE_TABLE_ROWS) scans.push({ table, rows });
  }
  return scans;
}

/** Names of large tables a PostgreSQL plan reads sequentially. */
export function postgresFullScans(planLines: readonly string[], rowCounts: ReadonlyMap<string, number>): { table: string; rows: number }[] {
  const scans: { table: string; rows: number }[] = [];
  for (const line of planLines) {
    const table = /Seq Scan on (\w+)/.exec(line)?.[1];
    const rows = table === undefined ? undefined : rowCounts.get(table);
    if (table !== undefined && rows !== undefined && rows >= LARGE_TABLE_ROWS) scans.push({ table, rows });
  }
  return scans;
}

/** Row counts of every table in a SQLite file. */
export function sqliteRowCounts(db: DatabaseSync): Map<string, number> {
  const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
  return new Map(tables.map(({ name }) => [name, Number((db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n)]));
}

/** EXPLAIN QUERY PLAN of each statement, run on the closed database file. */
export function explainSqlite(file: string, statements: readonly CapturedStatement[]): { plans: StatementPlan[]; rowCounts: Map<string, number> } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rowCounts = sqliteRowCounts(db);
    const plans = plannable(statements).map((statement): StatementPlan => {
      try {
        // Unbound parameters are NULL; the plan does not depend on the values.
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all() as { detail: string; parent: number; id: number }[];
        const depth = new Map<number, number>();
        const plan = rows.map((row) => {
          const level = (depth.get(row.parent) ?? -1) + 1;
          depth.set(row.id, level);
          return `${'  '.repeat(level)}${row.detail}`;
        });
        return { ...statement, plan, fullScans: sqliteFullScans(plan, rowCounts) };
      } catch (error) {
        return { ...statement, plan: [], fullScans: [], error: (error as Error).message };
      }
    });
    return { plans, rowCounts };
  } finally {
    db.close();
  }
}

/**
 * The generic plan (the one a prepared statement gets once PostgreSQL stops re-planning per
 * value) of each statement, in the schema the URL selects.
 */
export async function explainPostgres(url: string, statements: readonly CapturedStatement[]): Promise<{ plans: StatementPlan[]; rowCounts: Map<string, number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counted = await client.query<{ relname: string; rows: string }>(
      "select c.relname, c.reltuples::bigint as rows from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'",
    );
    const rowCounts = new Map(counted.rows.map((row) => [row.relname, Math.max(0, Number(row.rows))]));
    await client.query('set plan_cache_mode = force_generic_plan');
    const plans: StatementPlan[] = [];
    for (const statement of plannable(statements)) {
      const parameters = Math.max(0, ...[...statement.sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      try {
        await client.query(`prepare bench_plan as ${statement.sql}`);
        const explained = await client.query<{ 'QUERY PLAN': string }>(`explain execute bench_plan${parameters > 0 ? `(${Array.from({ length: parameters }, () => 'null').join(', ')})` : ''}`);
        const plan = explained.rows.map((row) => row['QUERY PLAN']);
        plans.push({ ...statement, plan, fullScans: postgresFullScans(plan, rowCounts) });
      } catch (error) {
        plans.push({ ...statement, plan: [], fullScans: [], error: (error as Error).message });
      } finally {
        await client.query('deallocate all');
      }
    }
    return { plans, rowCounts };
  } finally {
    await client.end();
  }
}
