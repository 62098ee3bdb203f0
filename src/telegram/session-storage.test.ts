import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '../../test/support/services.ts';
import { createDatabase, type Db } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';
import { createDbSessionStorage } from './session-storage.ts';

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
