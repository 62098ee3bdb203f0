import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { hasPostgres, postgresTestDatabase, type TestDatabase } from '../../test/support/services.ts';
import { createDatabase, type DatabaseHandle } from './database.ts';
import { namedStatements } from './pg-statements.ts';

const skip = (await hasPostgres()) ? false : 'PostgreSQL is not reachable';

describe('named statements on PostgreSQL', { skip }, () => {
  let target: TestDatabase;
  let handle: DatabaseHandle;
  before(async () => {
    target = await postgresTestDatabase();
    // One connection: what it prepared is visible to the next statement.
    handle = await createDatabase({ url: target.url, poolSize: 1 });
    await sql`create table notes (id serial primary key, body text not null)`.execute(handle.db);
  });
  after(async () => {
    await handle?.close();
    await target?.drop();
  });

  test('a repeated statement is prepared once on its connection and reused', async () => {
    for (let n = 0; n < 3; n++) await sql`insert into notes (body) values (${`note ${n}`})`.execute(handle.db);
    for (let n = 0; n < 3; n++) await sql`select * from notes where body = ${`note ${n}`}`.execute(handle.db);
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements where statement like ${'%from notes%'} or statement like ${'insert into notes%'}`.execute(handle.db);
    assert.deepEqual(prepared.rows.map((row) => row.statement).sort(), ['insert into notes (body) values ($1)', 'select * from notes where body = $1']);
  });

  test('each connection of the pool is one connection to Kysely, however often it is checked out', async () => {
    const pool = new pg.Pool({ connectionString: target.url, max: 2 });
    let created = 0;
    const db = new Kysely<Record<string, never>>({
      dialect: new PostgresDialect({ pool: namedStatements(pool), onCreateConnection: async () => void (created += 1) }),
    });
    try {
      for (let n = 0; n < 10; n++) await Promise.all([sql`select ${n}::int as n`.execute(db), sql`select ${n + 1}::int as n`.execute(db)]);
      assert.equal(pool.totalCount, 2);
      assert.equal(created, 2, 'one per client of the pool');
    } finally {
      await db.destroy();
    }
  });

  test('a statement that outlived a schema change is sent again, not failed', async () => {
    const read = () => sql<{ id: number; body: string; pinned?: boolean }>`select * from notes where id = ${1}`.execute(handle.db);
    assert.equal((await read()).rows[0]?.body, 'note 0');
    await sql`alter table notes add column pinned boolean not null default false`.execute(handle.db);
    const after = await read();
    assert.equal(after.rows[0]?.pinned, false, 'the new column is there');
    assert.equal((await read()).rows[0]?.pinned, false, 'and again, under a fresh name');
  });
});
