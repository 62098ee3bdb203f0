import { sql, type Kysely } from 'kysely';
import type { ColumnHelpers } from './columns.ts';
import { columnHelpers } from './columns.ts';
import type { DatabaseHandle, SqlDialectName } from './database.ts';

/**
 * One schema change. Migrations receive an untyped Kysely: a migration is frozen in time
 * and must not depend on today's table types, which describe the schema after all of them.
 */
export interface Migration {
  /** `NNNN_what`, unique within its module, e.g. `0001_users`. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the interface comment
  up(db: Kysely<any>, context: { dialect: SqlDialectName; col: ColumnHelpers }): Promise<void>;
}

/** Migrations grouped by the module that owns them, applied in the order given. */
export interface MigrationGroup {
  module: string;
  migrations: readonly Migration[];
}

/** PostgreSQL advisory lock key held while migrating ("lavka" in ASCII, as a number). */
const MIGRATION_LOCK_ID = 0x6c61766b61;

/** Result of a migration run. */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies every migration that has not run yet: groups in order (core first), each migration
 * in its own transaction together with its bookkeeping row, so a failure leaves the schema
 * at the last good step. On PostgreSQL an advisory lock keeps two instances from migrating
 * at once; SQLite's exclusive file lock already does that.
 */
export async function migrate(handle: DatabaseHandle, groups: readonly MigrationGroup[]): Promise<MigrationReport> {
  const { db, dialect } = handle;
  const col = columnHelpers(dialect);
  assertUniqueNames(groups);
  await db.schema
    .createTable('lavka_migrations')
    .ifNotExists()
    .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('module', 'varchar(100)', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();

  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  const run = async () => {
    const done = new Set((await db.selectFrom('lavka_migrations').select('name').execute()).map((row) => row.name));
    for (const group of groups) {
      for (const migration of group.migrations) {
        const key = `${group.module}/${migration.name}`;
        if (done.has(key)) {
          report.alreadyApplied += 1;
          continue;
        }
        await db.transaction().execute(async (trx) => {
          await migration.up(trx, { dialect, col });
          await trx
            .insertInto('lavka_migrations')
            .values({ name: key, module: group.module, applied_at: Date.now() })
            .execute();
        });
        report.applied.push(key);
      }
    }
  };

  if (dialect === 'postgres') {
    await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
      try {
        await run();
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
      }
    });
  } else {
    await run();
  }
  return report;
}

function assertUniqueNames(groups: readonly MigrationGroup[]): void {
  const seen = new Set<string>();
  for (const group of groups) {
    let previous = '';
    for (const migration of group.migrations) {
      const key = `${group.module}/${migration.name}`;
      if (!/^\d{4}_[a-z0-9_]+$/.test(migration.name)) {
        throw new Error(`Migration ${key}: names look like 0001_what`);
      }
      if (seen.has(key)) throw new Error(`Migration ${key} is declared twice`);
      if (migration.name <= previous) throw new Error(`Migration ${key} is out of order after ${previous}`);
      seen.add(key);
      previous = migration.name;
    }
  }
}
