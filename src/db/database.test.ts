import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { sqliteTestDatabase, testDialects } from '../../test/support/services.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';
import { createDatabase, isUniqueViolation, type DatabaseHandle } from './database.ts';
import { untilDurable } from './durability.ts';
import { migrate } from './migrator.ts';
import { DatabaseLockedError } from './sqlite.ts';

/**
 * The tables of this test's own database. Kysely's introspector reads every schema of the
 * PostgreSQL database, and parallel tests drop their schemas at any moment, so it is not used.
 */
async function tableNames(handle: DatabaseHandle): Promise<string[]> {
  const query =
    handle.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`;
  return (await query.execute(handle.db)).rows.map((row) => row.name);
}

for (const dialect of await testDialects()) {
  describe(`migrations on ${dialect.name}`, () => {
    test('every migration applies to an empty database, and a second run applies nothing', async () => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      try {
        const groups = migrationGroups(await discoverModules());
        const total = groups.reduce((sum, group) => sum + group.migrations.length, 0);
        const first = await migrate(handle, groups);
        assert.equal(first.applied.length, total);
        assert.ok(first.applied.includes('users/0001_users'));
        assert.ok(first.applied.includes('faq/0001_faq_entries'));
        const second = await migrate(handle, groups);
        assert.deepEqual(second.applied, []);
        assert.equal(second.alreadyApplied, total);
        // The tables exist and accept rows.
        await handle.db
          .insertInto('users')
          .values({ id: 5_000_000_001, username: null, first_name: 'A', last_name: null, language_code: 'ru', locale: null, phone: null, first_seen_at: 1, last_seen_at: 1 })
          .execute();
        const row = await handle.db.selectFrom('users').select(['id', 'is_blocked']).executeTakeFirstOrThrow();
        assert.deepEqual({ ...row }, { id: 5_000_000_001, is_blocked: 0 });
      } finally {
        await handle.close();
        await target.drop();
      }
    });

    test('a duplicate primary key is reported as a unique violation', async () => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      try {
        await migrate(handle, migrationGroups(await discoverModules()));
        await handle.db.insertInto('processed_updates').values({ update_id: 1, processed_at: 1 }).execute();
        const error = await handle.db
          .insertInto('processed_updates')
          .values({ update_id: 1, processed_at: 2 })
          .execute()
          .then(() => undefined, (caught: unknown) => caught);
        assert.ok(error, 'the second insert must fail');
        assert.equal(isUniqueViolation(error), true);
      } finally {
        await handle.close();
        await target.drop();
      }
    });

    test('a failing migration rolls back and leaves the earlier ones applied', async () => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      try {
        const groups = [
          {
            module: 'probe',
            migrations: [
              { name: '0001_ok', up: async (db: Kysely<unknown>) => void (await db.schema.createTable('probe_ok').addColumn('id', 'integer').execute()) },
              {
                name: '0002_broken',
                up: async (db: Kysely<unknown>) => {
                  await db.schema.createTable('probe_half').addColumn('id', 'integer').execute();
                  await sql`select * from no_such_table`.execute(db);
                },
              },
            ],
          },
        ];
        await assert.rejects(migrate(handle, groups));
        const applied = await handle.db.selectFrom('lavka_migrations').select('name').execute();
        assert.deepEqual(applied.map((row) => row.name), ['probe/0001_ok']);
        const tables = await tableNames(handle);
        assert.ok(tables.includes('probe_ok'));
        assert.ok(!tables.includes('probe_half'), 'the broken migration must leave no table');
      } finally {
        await handle.close();
        await target.drop();
      }
    });
  });
}

describe('embedded SQLite', () => {
  test('a second opener of the same file gets a clear "in use" error while the first holds it', async () => {
    const target = sqliteTestDatabase();
    const first = await createDatabase({ url: target.url });
    try {
      await assert.rejects(createDatabase({ url: target.url }), (error: unknown) => {
        assert.ok(error instanceof DatabaseLockedError);
        assert.match(error.message, /in use by another Lavka process/);
        return true;
      });
    } finally {
      await first.close();
    }
    const again = await createDatabase({ url: target.url });
    await again.close();
    await target.drop();
  });

  test('the database runs in WAL mode with group commit by default, synchronous=FULL when asked', async () => {
    for (const [sqliteSync, expected] of [[undefined, 1], ['full', 2]] as const) {
      const target = sqliteTestDatabase();
      const handle = await createDatabase({ url: target.url, sqliteSync });
      try {
        const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
        const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
        assert.equal(journal.rows[0]?.journal_mode, 'wal');
        assert.equal(synchronous.rows[0]?.synchronous, expected, `synchronous with SQLITE_SYNC=${sqliteSync ?? '(default)'}`);
      } finally {
        await handle.close();
        await target.drop();
      }
    }
  });

  test('group commit: a commit is made durable through the real WAL file', async () => {
    const target = sqliteTestDatabase();
    const handle = await createDatabase({ url: target.url });
    try {
      await handle.untilDurable(); // nothing committed yet: no file to sync, resolves at once
      await sql`create table notes (id integer primary key, body text)`.execute(handle.db);
      await sql`insert into notes (body) values ('paid')`.execute(handle.db);
      await handle.untilDurable();
      await untilDurable(handle.db);
    } finally {
      await handle.close();
      await target.drop();
    }
  });
});
