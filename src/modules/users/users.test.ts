import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '../../../test/support/services.ts';
import { createDatabase, type DatabaseHandle } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { discoverModules, migrationGroups } from '../registry.ts';
import { connectRedis } from '../../db/redis.ts';
import { unitsOf } from '../../db/unit-of-work.ts';
import { hasRedis, REDIS_URL } from '../../../test/support/services.ts';
import { createUserCache, shareUserCacheThroughRedis } from './users.cache.ts';
import { LAST_SEEN_RESOLUTION_MS, createUsersService } from './users.service.ts';

const redisAvailable = await hasRedis();

for (const dialect of await testDialects()) {
  describe(`users on ${dialect.name}`, () => {
    const withService = async (run: (service: ReturnType<typeof createUsersService>, clock: { now: number }, db: DatabaseHandle['db']) => Promise<void>) => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      const clock = { now: 1_700_000_000_000 };
      try {
        await migrate(handle, migrationGroups(await discoverModules()));
        await run(createUsersService({ db: handle.db, now: () => clock.now, adminIds: [1], defaultCountry: () => 'KZ' }), clock, handle.db);
      } finally {
        await handle.close();
        await target.drop();
      }
    };

    test('the first update registers a user and later ones refresh the profile but keep first-seen', async () => {
      await withService(async (users, clock) => {
        const first = await users.register({ id: 7_000_000_123, first_name: 'Aru', username: 'aru', language_code: 'kk' });
        assert.equal(first.first_seen_at, clock.now);
        clock.now += 60_000;
        const again = await users.register({ id: 7_000_000_123, first_name: 'Aruzhan', language_code: 'ru' });
        assert.equal(again.first_name, 'Aruzhan');
        assert.equal(again.username, null);
        assert.equal(again.language_code, 'ru');
        assert.equal(again.first_seen_at, clock.now - 60_000);
        assert.equal(again.last_seen_at, clock.now);
        assert.equal(await users.countAll(), 1);
      });
    });

    test('a customer is named by first and last name, else by username', async () => {
      await withService(async (users) => {
        await users.register({ id: 7_000_000_201, first_name: 'Aruzhan', last_name: 'Sadykova', username: 'aru' });
        await users.register({ id: 7_000_000_202, first_name: '', username: 'nameless' });
        assert.equal(await users.displayName(7_000_000_201), 'Aruzhan Sadykova');
        assert.equal(await users.displayName(7_000_000_202), '@nameless');
        assert.equal(await users.displayName(7_000_000_203), undefined, 'a stranger');
      });
    });

    test('reachable users leave out who blocked the bot, and narrow to tags or to a long list of ids', async () => {
      await withService(async (users) => {
        const ids = Array.from({ length: 1200 }, (_, index) => 8_000_000_000 + index);
        for (const id of ids) await users.register({ id, first_name: `U${id}`, language_code: 'ru' });
        await users.setBlocked(ids[3] as number, true);
        await users.addTag(ids[10] as number, 'VIP');
        await users.addTag(ids[3] as number, 'vip');
        await users.addTag(ids[11] as number, 'wholesale');
        const everyone = await users.reachable();
        assert.equal(everyone.length, 1199);
        assert.ok(!everyone.some((user) => user.id === ids[3]));
        assert.deepEqual({ ...everyone[0] }, { id: ids[0], locale: null, language_code: 'ru' });
        assert.deepEqual((await users.reachable({ tags: ['vip', 'wholesale'] })).map((user) => user.id), [ids[10], ids[11]]);
        // More ids than one statement may bind on SQLite, duplicates and strangers among them.
        const among = await users.reachable({ ids: [...ids.slice(0, 1100).reverse(), ids[5] as number, 42] });
        assert.equal(among.length, 1099);
        assert.deepEqual(among.slice(0, 4).map((user) => user.id), [ids[0], ids[1], ids[2], ids[4]]);
      });
    });

    test('an unchanged user seen again within a minute is only read, and refreshed once the minute is over', async () => {
      await withService(async (users, clock) => {
        const profile = { id: 7_000_000_124, first_name: 'Dana', username: 'dana', language_code: 'en' };
        const first = await users.register(profile);
        clock.now += LAST_SEEN_RESOLUTION_MS - 1;
        const soon = await users.register(profile);
        assert.equal(soon.last_seen_at, first.last_seen_at);
        clock.now += 1;
        const later = await users.register(profile);
        assert.equal(later.last_seen_at, clock.now);
      });
    });

    test('a changed profile is written at once, even within the minute', async () => {
      await withService(async (users, clock) => {
        await users.register({ id: 7_000_000_125, first_name: 'Erlan', language_code: 'ru' });
        clock.now += 1_000;
        const renamed = await users.register({ id: 7_000_000_125, first_name: 'Erlan', last_name: 'K', username: 'erlan', language_code: 'ru' });
        assert.equal(renamed.last_name, 'K');
        assert.equal(renamed.username, 'erlan');
        assert.equal(renamed.last_seen_at, clock.now);
        assert.equal((await users.get(7_000_000_125))?.username, 'erlan');
      });
    });

    test('a user seen again is served from the cache, and a change through the service drops the entry', async () => {
      await withService(async (users, clock, db) => {
        const profile = { id: 7_000_000_126, first_name: 'Gulnar', language_code: 'kk' };
        await users.register(profile);
        clock.now += 3_000; // past the settling time after the insert
        assert.equal((await users.register(profile)).phone, null); // read, and kept
        // Written behind the service's back: the cached row is what the next update sees, so
        // this proves it did not read; a change through the service is seen at once.
        await db.updateTable('users').set({ phone: '+77000000000', first_name: 'Gulnar' }).where('id', '=', profile.id).execute();
        assert.equal((await users.register(profile)).phone, null);
        await users.setLocale(profile.id, 'ru');
        const fresh = await users.register(profile);
        assert.equal(fresh.locale, 'ru');
        assert.equal(fresh.phone, '+77000000000');
      });
    });

    test('a written user is cached again as soon as the write is committed, and a read made before the commit is not kept past it', async () => {
      await withService(async (users, _clock, db) => {
        const units = unitsOf(db);
        assert.ok(units);
        const id = 7_000_000_127;
        const profile = { id, first_name: 'Timur', language_code: 'ru' };
        await users.register(profile);
        // Committed on its own: the next read is kept at once, with no settle time. Written
        // behind the service's back, the row the next one sees proves it did not read.
        await users.register(profile);
        await db.updateTable('users').set({ phone: '+77000000001' }).where('id', '=', id).execute();
        assert.equal((await users.register(profile)).phone, null);

        await units.run(async (unit) => {
          await users.setLocale(id, 'kk');
          if (dialect.name === 'postgres') {
            // Another update reads meanwhile (SQLite's one connection waits for the commit):
            // the committed row, which it may keep until the commit drops it.
            const before = await units.outside(() => users.get(id));
            assert.equal(before?.locale, null);
            assert.equal(before?.phone, '+77000000001');
          }
          await unit.flush();
          unit.end();
        });
        const fresh = await users.get(id);
        assert.equal(fresh?.locale, 'kk');
        assert.equal(fresh?.phone, '+77000000001');
        await db.updateTable('users').set({ phone: '+77000000002' }).where('id', '=', id).execute();
        assert.equal((await users.get(id))?.phone, '+77000000001', 'kept right after the commit');
      });
    });

    test('a change on one instance drops the user from the other instance’s cache through Redis', { skip: !redisAvailable }, async () => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      const redis = await connectRedis(REDIS_URL);
      const clock = { now: 1_700_000_000_000 };
      const channel = `lavka:test-${process.pid}-${Date.now()}:users:changed`;
      const stops: (() => Promise<void>)[] = [];
      try {
        await migrate(handle, migrationGroups(await discoverModules()));
        const instance = () => {
          const cache = createUserCache({ now: () => clock.now });
          return { cache, users: createUsersService({ db: handle.db, now: () => clock.now, adminIds: [], cache }) };
        };
        const one = instance();
        const two = instance();
        for (const side of [one, two]) stops.push(await shareUserCacheThroughRedis(side.cache, redis, { channel }));
        const profile = { id: 7_000_000_127, first_name: 'Marat', language_code: 'ru' };
        await one.users.register(profile);
        clock.now += 3_000;
        await one.users.get(profile.id);
        assert.ok(one.cache.get(profile.id), 'instance one keeps the row');
        await two.users.setPhone(profile.id, '+7 701 111 22 33');
        const deadline = Date.now() + 3_000;
        while (one.cache.get(profile.id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(one.cache.get(profile.id), undefined, 'the change on instance two reached instance one');
        assert.equal((await one.users.get(profile.id))?.phone, '+77011112233');
      } finally {
        for (const stop of stops) await stop();
        redis.disconnect();
        await handle.close();
        await target.drop();
      }
    });

    test('the chosen language wins over Telegram’s, and unsupported ones fall back', async () => {
      await withService(async (users) => {
        const user = await users.register({ id: 5, first_name: 'A', language_code: 'de' });
        assert.equal(users.localeOf(user, 'ru'), 'ru');
        await users.setLocale(5, 'kk');
        assert.equal(users.localeOf(await users.get(5), 'ru'), 'kk');
      });
    });

    test('blocking marks the user with the time and writing again clears it', async () => {
      await withService(async (users, clock) => {
        await users.register({ id: 6, first_name: 'B' });
        await users.setBlocked(6, true);
        const blocked = await users.get(6);
        assert.equal(blocked?.is_blocked, 1);
        assert.equal(blocked?.blocked_at, clock.now);
        await users.register({ id: 6, first_name: 'B' });
        const back = await users.get(6);
        assert.equal(back?.is_blocked, 0);
        assert.equal(back?.blocked_at, null);
      });
    });

    test('tags are normalised, unique per user and removable', async () => {
      await withService(async (users) => {
        await users.register({ id: 8, first_name: 'C' });
        await users.addTag(8, ' VIP ');
        await users.addTag(8, 'vip');
        await users.addTag(8, 'wholesale');
        assert.deepEqual(await users.tagsOf(8), ['vip', 'wholesale']);
        await users.removeTag(8, 'vip');
        assert.deepEqual(await users.tagsOf(8), ['wholesale']);
      });
    });

    test('a phone is stored normalised, and text that is not a phone is refused without a change', async () => {
      await withService(async (users) => {
        await users.register({ id: 9, first_name: 'D' });
        assert.equal(await users.setPhone(9, '+7 (701) 234-56-78'), '+77012345678');
        assert.equal(await users.setPhone(9, 'call me maybe'), undefined);
        assert.equal((await users.get(9))?.phone, '+77012345678');
      });
    });

    test('a national number is read in the business country, and an IIN typed as a phone changes nothing', async () => {
      await withService(async (users) => {
        await users.register({ id: 10, first_name: 'E' });
        assert.equal(await users.setPhone(10, '8 701 234 56 78'), '+77012345678');
        assert.equal(await users.setPhone(10, '+900101312308'), undefined);
        assert.equal(await users.setPhone(10, '900101312308'), undefined);
        assert.equal((await users.get(10))?.phone, '+77012345678');
        assert.equal(await users.setContactPhone(10, '77017654321'), '+77017654321', 'a shared contact comes without its plus');
        assert.equal((await users.get(10))?.phone, '+77017654321');
        assert.match(users.phoneExample(), /^\+7 7/);
      });
    });
  });
}
