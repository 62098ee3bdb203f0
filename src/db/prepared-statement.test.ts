import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Generated, type Kysely } from 'kysely';
import { autoId, openTestDatabase, testDialects } from '../../test/support/services.ts';
import type { DatabaseHandle, DbExecutor } from './database.ts';
import { prepareStatement, type Param } from './prepared-statement.ts';
import { tableWritesOf } from './table-writes.ts';

/** The test's own tables, as Kysely sees them. */
type Tables = { notes: { id: Generated<number>; chat: number; body: string }; tallies: { key: string; n: number } };
const typed = (db: DbExecutor) => db as unknown as Kysely<Tables>;
/** Rows as plain objects (node:sqlite's have no prototype). */
const plain = <T extends object>(rows: readonly T[]): T[] => rows.map((row) => ({ ...row }));

type NoteValues = { chat: number; body: string };
const noteInsert = (db: DbExecutor, values: NoteValues) => typed(db).insertInto('notes').values(values);
const notesOf = (db: DbExecutor, chat: number) => typed(db).selectFrom('notes').select(['chat', 'body']).where('chat', '=', chat).orderBy('body');
const tallyUpsert = (db: DbExecutor, values: { key: string; n: number }) =>
  typed(db)
    .insertInto('tallies')
    .values(values)
    .onConflict((oc) => oc.column('key').doUpdateSet({ n: values.n }));

for (const dialect of await testDialects()) {
  describe(`prepared statements on ${dialect.name}`, () => {
    let handle: DatabaseHandle;
    let close: () => Promise<void>;
    before(async () => {
      ({ handle, close } = await openTestDatabase(dialect));
      const id = autoId(dialect.name);
      await sql`create table notes (${id}, chat integer not null, body text not null)`.execute(handle.db);
      await sql`create table tallies (key text primary key, n integer not null)`.execute(handle.db);
    });
    after(() => close?.());

    test('run with new values, a statement is the SQL and the parameters its builder compiles, and reads and writes the same', async () => {
      let builds = 0;
      const insert = prepareStatement<NoteValues>('test.insert', (db, param) => {
        builds += 1;
        return noteInsert(db, { chat: param('chat'), body: param('body') });
      });
      const read = prepareStatement<{ chat: number }, { chat: number; body: string }>('test.read', (db, param) => notesOf(db, param('chat')));
      const tally = prepareStatement<{ key: string; n: number }>('test.tally', (db, param) => tallyUpsert(db, { key: param('key'), n: param('n') }));

      for (const [chat, body] of [
        [1, 'first'],
        [1, 'second'],
        [2, 'other chat'],
      ] as const) {
        const compiled = insert.compile(handle.db, { chat, body });
        const built = noteInsert(handle.db, { chat, body }).compile();
        assert.equal(compiled.sql, built.sql);
        assert.deepEqual(compiled.parameters, built.parameters);
        await insert.execute(handle.db, { chat, body });
      }
      assert.equal(builds, 1, 'built and compiled once for the database');
      assert.deepEqual(plain((await read.execute(handle.db, { chat: 1 })).rows), plain(await notesOf(handle.db, 1).execute()));
      assert.deepEqual(
        (await read.execute(handle.db, { chat: 1 })).rows.map((row) => row.body),
        ['first', 'second'],
      );
      assert.deepEqual(plain((await read.execute(handle.db, { chat: 2 })).rows), [{ chat: 2, body: 'other chat' }]);

      // A value used twice (the insert and its update on conflict) is bound at both places.
      await tally.execute(handle.db, { key: 'a', n: 1 });
      await tally.execute(handle.db, { key: 'a', n: 7 });
      await tally.execute(handle.db, { key: 'b', n: 3 });
      assert.deepEqual(plain(await typed(handle.db).selectFrom('tallies').selectAll().orderBy('key').execute()), [
        { key: 'a', n: 7 },
        { key: 'b', n: 3 },
      ]);
    });

    test('in a transaction it runs in the transaction, and in a unit of work it is rolled back with the unit', async () => {
      const insert = prepareStatement<NoteValues>('test.insert', (db, param) => noteInsert(db, { chat: param('chat'), body: param('body') }));
      const read = prepareStatement<{ chat: number }, { chat: number; body: string }>('test.read', (db, param) => notesOf(db, param('chat')));
      await handle.db
        .transaction()
        .execute(async (trx) => {
          await insert.execute(trx, { chat: 3, body: 'in a transaction' });
          assert.deepEqual(plain((await read.execute(trx, { chat: 3 })).rows), [{ chat: 3, body: 'in a transaction' }], 'the transaction sees its own write');
          throw new Error('undo');
        })
        .catch((error: unknown) => assert.equal((error as Error).message, 'undo'));
      await handle.units.run(async (unit) => {
        await insert.execute(handle.db, { chat: 3, body: 'in a unit' });
        assert.equal(unit.open, true, 'the write began the unit\'s transaction');
        await unit.rollback();
        unit.end();
      });
      assert.deepEqual((await read.execute(handle.db, { chat: 3 })).rows, []);
    });

    test('the table-write watcher hears its writes, before and after, and takes its reads for reads', async () => {
      const writes = tableWritesOf(handle.db)!;
      const heard: string[] = [];
      const stop = writes.watch(['notes'], (tables, phase) => heard.push(`${phase} ${[...tables].join(',')}`));
      try {
        const insert = prepareStatement<NoteValues>('test.insert', (db, param) => noteInsert(db, { chat: param('chat'), body: param('body') }));
        const read = prepareStatement<{ chat: number }>('test.read', (db, param) => notesOf(db, param('chat')));
        await read.execute(handle.db, { chat: 4 });
        assert.deepEqual(heard, [], 'a read is no write (an unknown statement would count as writing every watched table)');
        const compiled = insert.compile(handle.db, { chat: 4, body: 'watched' });
        assert.equal(writes.writesWatched(compiled), true);
        await handle.db.executeQuery(compiled);
        assert.deepEqual(heard, ['before notes', 'after notes']);
      } finally {
        stop();
      }
    });

    test('a value that is not a bound parameter is refused when the statement is first compiled', () => {
      const broken = prepareStatement<{ chat: number; unused: string }>('test.broken', (db, param: Param<{ chat: number; unused: string }>) => {
        param('unused');
        return notesOf(db, param('chat'));
      });
      assert.throws(() => broken.compile(handle.db, { chat: 1, unused: 'x' }), /prepared statement test\.broken: the value unused is not a bound parameter/);
    });
  });
}
