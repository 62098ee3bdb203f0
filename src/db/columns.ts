import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder } from 'kysely';
import type { SqlDialectName } from './database.ts';

/**
 * Column helpers that hide the few differences between SQLite and PostgreSQL, so that one
 * migration serves both dialects.
 */
export interface ColumnHelpers {
  /** An auto-incrementing BIGINT primary key named `id`. */
  id<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  /** JSON stored as text (parsed by the repository). */
  readonly json: 'text';
  /** Current time in epoch milliseconds, as an SQL expression usable in defaults. */
  nowMs(): ReturnType<typeof sql>;
}

/** Returns the column helpers for a dialect. */
export function columnHelpers(dialect: SqlDialectName): ColumnHelpers {
  return {
    id: (table) =>
      dialect === 'sqlite'
        ? table.addColumn('id', 'integer', (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement())
        : table.addColumn('id', 'bigint', (col: ColumnDefinitionBuilder) => col.primaryKey().generatedByDefaultAsIdentity()),
    json: 'text',
    nowMs: () =>
      dialect === 'sqlite'
        ? sql`(cast(unixepoch('subsec') * 1000 as integer))`
        : sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`,
  };
}
