import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { sqliteTestDatabase } from '../../test/support/services.ts';
import { createDatabase, type DatabaseHandle } from './database.ts';
import { SqliteTransactionLostError } from './sqlite.ts';

// The disk-full tests cap the file with `max_page_count` (per connection; Kysely's SQLite
// dialect has one), which makes SQLite fail page allocations with SQLITE_FULL exactly as a
// full disk does.

interface Scratch {
  notes: { id: number; body: string };
}

async function withDatabase(work: (handle: DatabaseHandle, db: Kysely<Scratch>) => Promise<void>): Promise<void> {
  const target = sqliteTestDatabase();
  const handle = await createDatabase({ url: target.url });
  try {
    const db = handle.db as unknown as Kysely<Scratch>;
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    await work(handle, db);
  } finally {
    await handle.close();
    await target.drop();
  }
}

/** Caps the file at its current size, so the next write that needs a new page fails. */
async function fillDisk(db: Kysely<Scratch>): Promise<void> {
  await sql`pragma max_page_count = 1`.execute(db);
}

async function freeDisk(db: Kysely<Scratch>): Promise<void> {
  await sql`pragma max_page_count = 1073741823`.execute(db);
}

const bigBody = 'x'.repeat(20_000);

describe('SQLite when the disk is full', () => {
  test('a transaction that runs out of space fails with the disk-full error and leaves nothing written', async () => {
    await withDatabase(async (_handle, db) => {
      await db.insertInto('notes').values({ id: 1, body: 'before' }).execute();
      await fillDisk(db);
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.updateTable('notes').set({ body: 'changed' }).where('id', '=', 1).execute();
          await trx.insertInto('notes').values({ id: 2, body: bigBody }).execute();
        }),
        (error: Error & { errcode?: number }) => error.errcode === 13 && /full/.test(error.message),
      );
      const rows = await db.selectFrom('notes').selectAll().orderBy('id').execute();
      assert.deepEqual(rows.map((row) => ({ ...row })), [{ id: 1, body: 'before' }]);
    });
  });

  test('a statement run after SQLite aborted the transaction is refused instead of committing on its own', async () => {
    await withDatabase(async (_handle, db) => {
      await fillDisk(db);
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          // A handler that swallows the failure and carries on must not write half of its change.
          await trx.insertInto('notes').values({ id: 1, body: bigBody }).execute().catch(() => undefined);
          await trx.insertInto('notes').values({ id: 2, body: 'small' }).execute();
        }),
        SqliteTransactionLostError,
      );
      assert.equal((await db.selectFrom('notes').selectAll().execute()).length, 0);
      // The connection is usable again for the next caller.
      await freeDisk(db);
      await db.insertInto('notes').values({ id: 3, body: 'after' }).execute();
      assert.equal((await db.selectFrom('notes').selectAll().execute()).length, 1);
    });
  });

  test('health says "disk full" while writes cannot grow the file, reads keep working, and it recovers when space returns', async () => {
    await withDatabase(async (handle, db) => {
      await db.insertInto('notes').values({ id: 1, body: 'kept' }).execute();
      assert.deepEqual(await handle.health(), { ok: true });
      await fillDisk(db);
      await assert.rejects(db.insertInto('notes').values({ id: 2, body: bigBody }).execute());
      const full = await handle.health();
      assert.equal(full.ok, false);
      assert.match(full.detail ?? '', /^disk full/);
      assert.equal((await db.selectFrom('notes').select('body').where('id', '=', 1).executeTakeFirst())?.body, 'kept');

      await freeDisk(db);
      await db.insertInto('notes').values({ id: 2, body: bigBody }).execute();
      assert.deepEqual(await handle.health(), { ok: true });
    });
  });

  test('a failed write keeps health "disk full" until a later write commits, even when the page limit no longer explains it', async () => {
    await withDatabase(async (handle, db) => {
      await fillDisk(db);
      await assert.rejects(db.insertInto('notes').values({ id: 1, body: bigBody }).execute());
      await freeDisk(db);
      assert.match((await handle.health()).detail ?? '', /^disk full: a write failed/);
      await db.insertInto('notes').values({ id: 1, body: 'fits' }).execute();
      assert.deepEqual(await handle.health(), { ok: true });
    });
  });
});

describe('an online backup of SQLite', () => {
  test('started while an update\'s transaction is open, it waits for it and copies what it committed', async () => {
    await withDatabase(async (handle, db) => {
      for (let index = 0; index < 200; index += 1) await db.insertInto('notes').values({ id: index + 1, body: bigBody.slice(0, 4000) }).execute();
      const destination = path.join(mkdtempSync(path.join(tmpdir(), 'lavka-backup-test-')), 'copy.db');
      try {
        let backedUp: Promise<number> | undefined;
        await handle.units.run(async (unit) => {
          await db.insertInto('notes').values({ id: 1000, body: 'written in the open transaction' }).execute();
          assert.equal(unit.open, true);
          // SQLite refuses a backup's first step while its connection is in a write transaction.
          backedUp = handle.backupTo!(destination);
          await new Promise((resolve) => setTimeout(resolve, 30));
          await unit.flush();
          unit.end();
        });
        assert.ok((await backedUp!) > 0);
        const copy = new DatabaseSync(destination, { readOnly: true });
        try {
          assert.deepEqual({ ...copy.prepare('select count(*) as n, max(id) as last from notes').get() }, { n: 201, last: 1000 });
          assert.equal(copy.prepare('pragma integrity_check').get()?.integrity_check, 'ok');
        } finally {
          copy.close();
        }
      } finally {
        rmSync(path.dirname(destination), { recursive: true, force: true });
      }
    });
  });
});
