// Records which SQL statements Lavka runs, and how often, while switched on. The scale
// benchmark uses it to EXPLAIN exactly the hot path's queries (not a hand-picked list) and
// to report statements per update. It hooks the drivers below Kysely, in the child only:
// node:sqlite's StatementSync (Lavka prepares each statement once and reuses it, so the
// hook is on execution, not preparation) and pg's Client.query.

import { StatementSync } from 'node:sqlite';
import pg from 'pg';

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
  const note = (sql: unknown) => {
    if (active && typeof sql === 'string') counts.set(sql, (counts.get(sql) ?? 0) + 1);
  };

  if (databaseUrl.startsWith('sqlite:')) {
    const prototype = StatementSync.prototype as unknown as Record<'all' | 'run' | 'get' | 'iterate', (...args: unknown[]) => unknown>;
    for (const name of ['all', 'run', 'get', 'iterate'] as const) {
      const original = prototype[name];
      prototype[name] = function (this: StatementSync, ...args: unknown[]) {
        note(this.sourceSQL);
        return original.apply(this, args);
      };
    }
  } else {
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      note(typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text);
      return original.apply(this, args);
    };
  }

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
