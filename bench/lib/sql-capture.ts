// Records which SQL statements Lavka runs, and how often, while switched on. The scale
// benchmark uses it to EXPLAIN exactly the hot path's queries (not a hand-picked list) and
// to report statements per update. It hooks the drivers below Kysely, in the child only:
// node:sqlite's StatementSync (Lavka prepares each statement once and reuses it, so the
// hook is on execution, not preparation) and, for PostgreSQL, the protocol messages on the
// wire (the start-up bundle has its own copy of pg, which no prototype patch would reach).

import { onEveryStatement } from '../../test/support/sql-statements.ts';

/** One distinct statement and how many times it ran while capturing. */
export interface CapturedStatement {
  sql: string;
  count: number;
}

/** A switchable recorder of executed SQL. */
export interface SqlCapture {
  start(): void;
  stop(): void;
  statements(): CapturedStatement[];
}

/** Hooks the driver `databaseUrl` names; must be called before Lavka opens its database. */
export function captureSql(databaseUrl: string): SqlCapture {
  const counts = new Map<string, number>();
  let active = false;
  onEveryStatement(
    (sql) => {
      if (active) counts.set(sql, (counts.get(sql) ?? 0) + 1);
    },
    [databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres'],
  );

  return {
    start: () => {
      active = true;
    },
    stop: () => {
      active = false;
    },
    statements: () => [...counts].map(([sql, count]) => ({ sql, count })).sort((a, b) => b.count - a.count),
  };
}
