import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Generated, type Kysely } from 'kysely';
import { autoId, openTestDatabase, testDialects, type TestDatabase } from '../../test/support/services.ts';
import { socketWrites } from '../../test/support/socket-writes.ts';
import type { DatabaseHandle } from './database.ts';
import { tableWritesOf } from './table-writes.ts';
import { writeWithoutAnswer, type UnitOfWork } from './unit-of-work.ts';

type Db = DatabaseHandle['db'];

const insertNote = (db: Db, body: string) => sql`insert into notes (body) values (${body})`.compile(db);

/** The test's own tables, as Kysely sees them. */
type Notes = Kysely<{ notes: { id: Generated<number>; body: string }; watched_notes: { id: Generated<number>; body: string } }>;

const bodies = async (db: Db): Promise<string[]> => (await sql<{ body: string }>`select body from notes order by body`.execute(db)).rows.map((row) => row.body);

for (const dialect of await testDialects()) {
  describe(`writes kept for the commit of a unit of work on ${dialect.name}`, () => {
    let target: TestDatabase;
    let handle: DatabaseHandle;
    let close: () => Promise<void>;
    before(async () => {
      ({ target, handle, close } = await openTestDatabase(dialect));
      const id = autoId(dialect.name);
      await sql`create table notes (${id}, body text not null check (body <> 'refused'))`.execute(handle.db);
      await sql`create table watched_notes (${id}, body text not null)`.execute(handle.db);
    });
    after(() => close?.());

    /** A unit whose commit ends with a marker row, as an update's mark ends its transaction. */
    const withMark = (unit: UnitOfWork, mark: string) => {
      unit.beforeCommit = async () => {
        await unit.endWith(insertNote(handle.db, mark));
      };
    };

    test('a kept write commits with the unit, and on PostgreSQL leaves with BEGIN, the mark and COMMIT in one socket write', async () => {
      const port = dialect.name === 'postgres' ? Number(new URL(target.url).port || 5432) : -1;
      // A first unit opens the pool's connection, so that the one measured does not connect.
      await handle.units.run(async (unit) => {
        unit.writeLater(insertNote(handle.db, 'warm-up'));
        await unit.flush();
        unit.end();
      });
      const writes = await socketWrites(port, async () => {
        await handle.units.run(async (unit) => {
          withMark(unit, 'kept mark');
          unit.writeLater(insertNote(handle.db, 'kept'));
          assert.equal(unit.open, true, 'a kept write counts as written');
          await unit.flush('done');
          assert.equal(unit.committed, true);
          unit.end();
        });
      });
      if (dialect.name === 'postgres') assert.equal(writes, 1, 'BEGIN, the kept write, the mark and COMMIT leave together');
      const found = await bodies(handle.db);
      assert.ok(found.includes('kept') && found.includes('kept mark'), found.join(', '));
    });

    test('a flush with nothing open commits nothing and calls no mark, and one made while a write is under way commits it', async () => {
      await handle.units.run(async (unit) => {
        let marks = 0;
        unit.beforeCommit = async () => {
          marks += 1;
          await unit.endWith(insertNote(handle.db, `queued mark ${marks}`));
        };
        await unit.flush('nothing written');
        assert.equal(marks, 0, 'no transaction, no mark');
        assert.equal(unit.committed, false);
        // Not awaited: once it reached the unit (queued, or begun), a flush waits for it and commits it.
        const writing = handle.db.executeQuery(insertNote(handle.db, 'queued write'));
        await new Promise((resolve) => setImmediate(resolve));
        await unit.flush('after the write');
        assert.equal(marks, 1);
        assert.equal(unit.committed, true);
        await writing;
        unit.end();
      });
      const found = await bodies(handle.db);
      assert.ok(found.includes('queued write') && found.includes('queued mark 1'));
    });

    test('a statement after a kept write runs in the same transaction and sees it', async () => {
      const seen = await handle.units.run(async (unit) => {
        unit.writeLater(insertNote(handle.db, 'seen'));
        const { rows } = await sql<{ n: number }>`select count(*) as n from notes where body = ${'seen'}`.execute(handle.db);
        assert.equal(unit.open, true);
        await unit.rollback();
        unit.end();
        return Number(rows[0]?.n);
      });
      assert.equal(seen, 1);
      assert.equal((await bodies(handle.db)).includes('seen'), false, 'rolled back with the unit');
    });

    test('a kept write that fails fails the commit with its own error, commits nothing, and the next unit works', async () => {
      const failed = handle.units.run(async (unit) => {
        withMark(unit, 'mark after refused');
        unit.writeLater(insertNote(handle.db, 'refused'));
        try {
          await unit.flush('done');
        } finally {
          unit.end();
        }
      });
      await assert.rejects(failed, (error: Error) => /check constraint|CHECK constraint/i.test(error.message), 'the check constraint, not an aborted transaction');
      const found = await bodies(handle.db);
      assert.equal(found.includes('mark after refused'), false, 'nothing of the unit is committed');
      await handle.units.run(async (unit) => {
        unit.writeLater(insertNote(handle.db, 'after a failure'));
        await unit.flush();
        unit.end();
      });
      assert.ok((await bodies(handle.db)).includes('after a failure'));
    });

    test('a write without an answer is kept in a unit, and runs at once outside one or on a table a cache watches', async () => {
      const notes = handle.db as unknown as Notes;
      const heard: string[] = [];
      const stop = tableWritesOf(handle.db)!.watch(['watched_notes'], (_tables, phase) => heard.push(phase));
      const visibleOutside = async (body: string) =>
        handle.units.outside(async () => Number((await sql<{ n: number }>`select count(*) as n from notes where body = ${body}`.execute(handle.db)).rows[0]?.n));
      try {
        const flushed = handle.units.run(async (unit) => {
          await writeWithoutAnswer(handle.db, notes.insertInto('watched_notes').values({ body: 'watched' }));
          assert.deepEqual(heard, ['before', 'after'], 'the watched write ran at once, and its watcher heard it ran');
          // Kept, not run: the check constraint it breaks is met only when the unit commits.
          await writeWithoutAnswer(handle.db, notes.insertInto('notes').values({ body: 'refused' }));
          assert.equal(unit.open, true);
          try {
            await unit.flush();
          } finally {
            unit.end();
          }
        });
        await assert.rejects(flushed, (error: Error) => /check constraint/i.test(error.message));
        await writeWithoutAnswer(handle.db, notes.insertInto('notes').values({ body: 'outside a unit' }));
        assert.equal(await visibleOutside('outside a unit'), 1, 'committed on its own at once');
        await assert.rejects(writeWithoutAnswer(handle.db, notes.insertInto('notes').values({ body: 'refused' })), /check constraint/i, 'and fails at once');
      } finally {
        stop();
      }
    });

    test('a write kept inside a module\'s own transaction is undone with it', async () => {
      const notes = handle.db as unknown as Notes;
      await handle.units.run(async (unit) => {
        await writeWithoutAnswer(handle.db, notes.insertInto('notes').values({ body: 'before the savepoint' }));
        await assert.rejects(
          handle.db.transaction().execute(async () => {
            await writeWithoutAnswer(handle.db, notes.insertInto('notes').values({ body: 'in the savepoint' }));
            throw new Error('undone');
          }),
          /undone/,
        );
        await unit.flush();
        unit.end();
      });
      const found = await bodies(handle.db);
      assert.ok(found.includes('before the savepoint'));
      assert.equal(found.includes('in the savepoint'), false);
    });

    test('a kept write left when the unit ends is committed, and one of a rolled back unit is not', async () => {
      await handle.units.run(async (unit) => {
        unit.writeLater(insertNote(handle.db, 'left at the end'));
        unit.end();
      });
      await handle.units.run(async (unit) => {
        unit.writeLater(insertNote(handle.db, 'dropped'));
        let told = false;
        unit.afterTransaction(() => (told = true));
        await unit.rollback();
        unit.end();
        assert.equal(told, true, 'whoever waited for its transaction to end is told');
      });
      for (let attempt = 0; attempt < 50 && !(await bodies(handle.db)).includes('left at the end'); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
      const found = await bodies(handle.db);
      assert.ok(found.includes('left at the end'));
      assert.equal(found.includes('dropped'), false);
    });
  });
}
