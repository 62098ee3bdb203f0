import { StatementSync } from 'node:sqlite';
import pg from 'pg';

/**
 * Calls `listener` with the text of every SQL statement the chosen drivers run, below Kysely
 * and below Lavka's own wrappers (prepared statements of `node:sqlite`, queries of `pg`), so that
 * what is counted is what reaches the database. Patches the drivers' prototypes for the rest
 * of the process: call it once, before the database is opened.
 */
export function onEveryStatement(listener: (sql: string) => void, drivers: readonly ('sqlite' | 'postgres')[] = ['sqlite', 'postgres']): void {
  const note = (sql: unknown) => {
    if (typeof sql === 'string') listener(sql);
  };
  if (drivers.includes('sqlite')) {
    const prototype = StatementSync.prototype as unknown as Record<'all' | 'run' | 'get' | 'iterate', (...args: unknown[]) => unknown>;
    for (const name of ['all', 'run', 'get', 'iterate'] as const) {
      const original = prototype[name];
      prototype[name] = function (this: StatementSync, ...args: unknown[]) {
        note(this.sourceSQL);
        return original.apply(this, args);
      };
    }
  }
  if (drivers.includes('postgres')) {
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      note(typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text);
      return original.apply(this, args);
    };
  }
}
