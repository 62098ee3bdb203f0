import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '../../test/support/services.ts';
import { createDatabase, type Db } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';
import { createDbSessionStorage, createSessionPrefetch } from './session-storage.ts';
import { dedupeUpdates } from './dedupe.ts';
import type { BotContext } from './context.ts';
import pino from 'pino';

for (const dialect of await testDialects()) {
  describe(`session storage on ${dialect.name}`, () => {
    const withDb = async (run: (db: Db, clock: { now: number }) => Promise<void>) => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      try {
        await migrate(handle, migrationGroups(await discoverModules()));
        await run(handle.db, { now: 1_700_000_000_000 });
      } finally {
        await handle.close();
        await target.drop();
      }
    };
    const rowOf = (db: Db, key: string) => db.selectFrom('sessions').selectAll().where('key', '=', key).executeTakeFirst();

    test('the session read with the duplicate check serves the update without a statement of its own, once', async () => {
      await withDb(async (db, clock) => {
        const prefetch = createSessionPrefetch();
        const storage = createDbSessionStorage<{ step: string }>(db, () => clock.now, prefetch);
        await storage.write('77', { step: 'address' });
        const dedupe = dedupeUpdates({ db, sessions: { keyOf: () => '77', prefetch } });
        const seen: unknown[] = [];
        const ctx = { update: { update_id: 7_700 }, log: pino({ level: 'silent' }) } as unknown as BotContext;
        await dedupe(ctx, async () => {
          // Changed behind the read-ahead's back: the update still sees the row as read with its mark.
          await db.updateTable('sessions').set({ value: JSON.stringify({ step: 'changed' }) }).where('key', '=', '77').execute();
          seen.push(await storage.read('77'));
          seen.push(await storage.read('77'));
        });
        assert.deepEqual(seen, [{ step: 'address' }, { step: 'changed' }], 'the read-ahead value once, then the table');
        // A chat with no session yet: the read-ahead says so.
        const empty = dedupeUpdates({ db, sessions: { keyOf: () => 'none', prefetch } });
        let none: unknown = 'unset';
        await empty({ ...ctx, update: { update_id: 7_701 } } as unknown as BotContext, async () => void (none = await storage.read('none')));
        assert.equal(none, undefined);
        assert.equal(prefetch.take('77'), undefined, 'nothing is left once the update is over');
        // An update another delivery holds: that one writes the session while this one waits
        // for its claim to run out, and the handler here then reads what it wrote.
        await db.insertInto('processed_updates').values({ update_id: 7_702, processed_at: 1, claimed_until: Date.now() + 300, claim_token: 'other' }).execute();
        const waiting = dedupeUpdates({ db, sessions: { keyOf: () => '77', prefetch }, timing: { pollMs: 10 } });
        const otherWrites = setTimeout(() => void db.updateTable('sessions').set({ value: JSON.stringify({ step: 'written by the other delivery' }) }).where('key', '=', '77').execute(), 100);
        let taken: unknown;
        await waiting({ ...ctx, update: { update_id: 7_702 } } as unknown as BotContext, async () => void (taken = await storage.read('77')));
        clearTimeout(otherWrites);
        assert.deepEqual(taken, { step: 'written by the other delivery' });
      });
    });

    test('a session read and written back unchanged is not written again', async () => {
      await withDb(async (db, clock) => {
        const storage = createDbSessionStorage<{ step: string }>(db, () => clock.now);
        await storage.write('42', { step: 'address' });
        const writtenAt = clock.now;
        clock.now += 5_000;
        assert.deepEqual(await storage.read('42'), { step: 'address' });
        await storage.write('42', { step: 'address' });
        assert.equal((await rowOf(db, '42'))?.updated_at, writtenAt);
      });
    });

    test('a changed session is written, and the next unchanged round trip compares with the new value', async () => {
      await withDb(async (db, clock) => {
        const storage = createDbSessionStorage<{ step: string }>(db, () => clock.now);
        await storage.write('7', { step: 'delivery' });
        clock.now += 1_000;
        await storage.read('7');
        await storage.write('7', { step: 'phone' });
        const row = await rowOf(db, '7');
        assert.equal(row?.value, JSON.stringify({ step: 'phone' }));
        assert.equal(row?.updated_at, clock.now);
        clock.now += 1_000;
        await storage.read('7');
        await storage.write('7', { step: 'phone' });
        assert.equal((await rowOf(db, '7'))?.updated_at, clock.now - 1_000);
      });
    });

    test('a write without a read before it always reaches the database', async () => {
      await withDb(async (db, clock) => {
        const storage = createDbSessionStorage<{ n: number }>(db, () => clock.now);
        await storage.write('9', { n: 1 });
        await storage.read('9');
        await storage.write('9', { n: 1 });
        // The remembered read was used up by the write above: this one is written.
        await db.updateTable('sessions').set({ value: JSON.stringify({ n: 99 }) }).where('key', '=', '9').execute();
        await storage.write('9', { n: 1 });
        assert.equal((await rowOf(db, '9'))?.value, JSON.stringify({ n: 1 }));
      });
    });

    test('a deleted session is gone and can be created again', async () => {
      await withDb(async (db, clock) => {
        const storage = createDbSessionStorage<{ n: number }>(db, () => clock.now);
        await storage.write('5', { n: 1 });
        await storage.read('5');
        await storage.delete('5');
        assert.equal(await rowOf(db, '5'), undefined);
        await storage.write('5', { n: 1 });
        assert.equal((await rowOf(db, '5'))?.value, JSON.stringify({ n: 1 }));
      });
    });
  });
}
