import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { createDatabase, type DatabaseHandle } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { silentLogger } from '../../observability/logger.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { LiveSettingsSection } from '../module.ts';
import { isAdminError } from './admin.errors.ts';
import { adminMigrations } from './admin.migrations.ts';
import { createAdminRepository } from './admin.repository.ts';
import { createLiveSettings } from './admin.settings.ts';

const NO_TELEGRAM = { telegram: () => undefined };

/** A section whose applied values are recorded, refusing 13 as a check would. */
function demoSection(applied: unknown[]): LiveSettingsSection<{ seats: number }> {
  return {
    key: 'demo-seats',
    summary: 'seats',
    schema: z.object({ seats: z.number().int().min(1, 'at least one seat') }),
    fallback: () => ({ seats: 2 }),
    apply: (value) => void applied.push(value),
    check: async (value) => (value.seats === 13 ? { reason: 'unlucky', message: 'Thirteen seats are not allowed.' } : undefined),
  };
}

for (const dialect of await testDialects()) {
  describe(`settings changed in the panel while Lavka runs, on ${dialect.name}`, () => {
    let target: TestDatabase;
    let database: DatabaseHandle;
    let nowMs = 1_700_000_000_000;

    const instance = async () => {
      const applied: unknown[] = [];
      const settings = createLiveSettings({ store: createAdminRepository(database.db), logger: silentLogger(), now: () => nowMs });
      await settings.register([demoSection(applied)], 'demo');
      return { settings, applied };
    };
    const stored = () => createAdminRepository(database.db).getSettingRow('demo-seats');

    before(async () => {
      target = await dialect.create();
      database = await createDatabase({ url: target.url });
      await migrate(database, [{ module: 'admin', migrations: adminMigrations }]);
    });
    after(async () => {
      await database?.close();
      await target?.drop();
    });

    test('the config file’s value applies until the panel stores one', async () => {
      const { settings, applied } = await instance();
      assert.deepEqual(applied, [{ seats: 2 }]);
      assert.deepEqual(settings.view('demo-seats'), { key: 'demo-seats', module: 'demo', value: { seats: 2 }, fallback: { seats: 2 }, overridden: false, updatedAt: null, updatedBy: null, facts: {} });
    });

    test('bad input and a refused check change nothing: not the stored row, not the value in effect', async () => {
      const { settings, applied } = await instance();
      await assert.rejects(settings.change('demo-seats', { seats: 0 }, 7, NO_TELEGRAM), (error) => isAdminError(error, 'admin.invalid_input') && /seats: at least one seat/.test(error.message));
      await assert.rejects(settings.change('demo-seats', { seats: 13 }, 7, NO_TELEGRAM), (error) => isAdminError(error, 'admin.setting_refused') && error.details.reason === 'unlucky');
      await assert.rejects(settings.change('no-such-section', {}, 7, NO_TELEGRAM), (error) => isAdminError(error, 'admin.not_found'));
      assert.equal(await stored(), undefined);
      assert.deepEqual(applied, [{ seats: 2 }]);
      assert.deepEqual(settings.value('demo-seats'), { seats: 2 });
    });

    test('a change is stored with who made it, applied at once, and another instance follows it on its next poll', async () => {
      const first = await instance();
      const second = await instance();
      nowMs += 1000;
      await first.settings.change('demo-seats', { seats: 5 }, 7, NO_TELEGRAM);
      assert.deepEqual(first.settings.value('demo-seats'), { seats: 5 });
      assert.deepEqual({ ...first.settings.view('demo-seats'), facts: undefined }, { key: 'demo-seats', module: 'demo', value: { seats: 5 }, fallback: { seats: 2 }, overridden: true, updatedAt: nowMs, updatedBy: 7, facts: undefined });
      assert.deepEqual(second.settings.value('demo-seats'), { seats: 2 }, 'not yet');
      assert.equal(await second.settings.sync(), 1);
      assert.deepEqual(second.settings.value('demo-seats'), { seats: 5 });
      assert.equal(await second.settings.sync(), 0, 'nothing new');
      assert.equal(await first.settings.sync(), 0, 'its own change is not applied twice');
      assert.deepEqual(first.applied, [{ seats: 2 }, { seats: 5 }]);
      // A third instance starting now reads the stored value before anything else.
      assert.deepEqual((await instance()).applied, [{ seats: 5 }]);
    });

    test('a reset goes back to the config file’s value everywhere, and a value stored again right after is still noticed', async () => {
      const first = await instance();
      const second = await instance();
      const followed: unknown[] = [];
      second.settings.onApplied('demo-seats', (value) => void followed.push(value));
      assert.equal(await first.settings.reset('demo-seats'), true);
      assert.equal(await stored(), undefined);
      assert.deepEqual(first.settings.value('demo-seats'), { seats: 2 });
      // Reset and stored again with the same value before the other instance looked.
      await first.settings.change('demo-seats', { seats: 5 }, 8, NO_TELEGRAM);
      assert.equal(await second.settings.sync(), 1, 'the revision changed even though the value did not');
      assert.equal(second.settings.view('demo-seats').updatedBy, 8);
      await first.settings.reset('demo-seats');
      assert.equal(await second.settings.sync(), 1);
      assert.deepEqual(second.settings.value('demo-seats'), { seats: 2 });
      assert.equal(second.settings.view('demo-seats').overridden, false);
      assert.deepEqual(followed, [{ seats: 5 }, { seats: 2 }]);
    });

    test('a stored value the rules no longer accept is ignored: the config file’s value applies', async () => {
      await createAdminRepository(database.db).putSetting('demo-seats', JSON.stringify({ seats: -4 }), null, nowMs);
      const { settings, applied } = await instance();
      assert.deepEqual(applied, [{ seats: 2 }]);
      assert.equal(settings.view('demo-seats').overridden, false);
      assert.equal(await settings.sync(), 0, 'and it is not read again on every poll');
      await createAdminRepository(database.db).deleteSetting('demo-seats');
    });
  });
}
