import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { businessConfigSchema } from '../../config/business.ts';
import { createDatabase, type DatabaseHandle } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createTranslator } from '../../telegram/i18n.ts';
import { discoverModules, migrationGroups } from '../registry.ts';
import { createUsersService } from '../users/users.service.ts';
import { parseButtonLines } from './broadcasts.bot.ts';
import { BroadcastError, createBroadcastsService, formatDuration } from './broadcasts.service.ts';

const NOW = 1_750_000_000_000;

describe('button lines an admin types', () => {
  test('a line with a link makes a link button, a bare label a tracked button', () => {
    assert.deepEqual(parseButtonLines('Open the shop | https://example.com\n  I want it  \nChannel - tg://resolve?domain=lavka'), [
      { text: 'Open the shop', url: 'https://example.com' },
      { text: 'I want it', tracked: true },
      { text: 'Channel', url: 'tg://resolve?domain=lavka' },
    ]);
  });

  test('a link without a label, an over-long label or more than ten lines is refused', () => {
    assert.equal(parseButtonLines('https://example.com'), undefined);
    assert.equal(parseButtonLines(`${'x'.repeat(65)}`), undefined);
    assert.equal(parseButtonLines(Array.from({ length: 11 }, (_, index) => `B${index}`).join('\n')), undefined);
    assert.equal(parseButtonLines('   '), undefined);
  });

  test('durations read the same in every language', () => {
    assert.equal(formatDuration(59), '0:59');
    assert.equal(formatDuration(3 * 60 + 5), '3:05');
    assert.equal(formatDuration(3600 + 5 * 60 + 9), '1:05:09');
  });
});

for (const dialect of await testDialects()) {
  describe(`the broadcasts service on ${dialect.name}`, () => {
    let target: TestDatabase;
    let handle: DatabaseHandle;
    before(async () => {
      target = await dialect.create();
      handle = await createDatabase({ url: target.url });
      await migrate(handle, migrationGroups(await discoverModules()));
      const users = createUsersService({ db: handle.db, now: () => NOW, adminIds: [] });
      const people: [number, string, string | null][] = [
        [1, 'ru', null],
        [2, 'en', null],
        [3, 'kk', null],
        [4, 'ru', 'en'],
        [5, 'en', null],
        [6, 'ru', null],
      ];
      for (const [id, languageCode, locale] of people) {
        await users.register({ id, first_name: `User ${id}`, language_code: languageCode });
        if (locale) await users.setLocale(id, locale as 'en');
      }
      await users.setBlocked(5, true);
      await users.addTag(1, 'vip');
      await users.addTag(2, 'VIP');
      await users.addTag(5, 'vip');
    });
    after(async () => {
      await handle.close();
      await target.drop();
    });

    const service = (options: { paidBroadcastAllowed?: boolean } = {}) => {
      const users = createUsersService({ db: handle.db, now: () => NOW, adminIds: [] });
      const broadcasts = createBroadcastsService({
        db: handle.db,
        users,
        i18n: createTranslator({ defaultLocale: 'ru' }),
        config: businessConfigSchema.parse({ modules: ['faq'], business: { defaultLocale: 'ru', timeZone: 'Asia/Almaty' } }),
        logger: silentLogger(),
        now: () => NOW,
        paidBroadcastAllowed: options.paidBroadcastAllowed ?? false,
        sendRatePerSecond: 30,
        paidRatePerSecond: 1000,
      });
      broadcasts.useSegments([
        { name: 'orders.ordered_within_days', label: 'orders-segment', parameter: 'days', userIds: async (days) => (Number(days) >= 30 ? [1, 2, 5] : [1]) },
      ]);
      return broadcasts;
    };

    test('audiences leave out users who blocked the bot or unsubscribed', async () => {
      const broadcasts = service();
      await broadcasts.unsubscribe(6, null);
      try {
        assert.equal(await broadcasts.countAudience({ kind: 'everyone' }), 4);
        // A user's chosen language wins over Telegram's.
        assert.equal(await broadcasts.countAudience({ kind: 'language', locales: ['en'] }), 2);
        assert.equal(await broadcasts.countAudience({ kind: 'language', locales: ['ru'] }), 1);
        assert.equal(await broadcasts.countAudience({ kind: 'tag', tags: ['VIP'] }), 2);
        assert.equal(await broadcasts.countAudience({ kind: 'ids', ids: [1, 5, 6, 99, 1] }), 1);
        assert.equal(await broadcasts.countAudience({ kind: 'segment', name: 'orders.ordered_within_days', parameter: 30 }), 2);
        assert.equal(await broadcasts.countAudience({ kind: 'segment', name: 'orders.ordered_within_days', parameter: 7, negate: true }), 3);
        await assert.rejects(broadcasts.countAudience({ kind: 'segment', name: 'wallet.balance_above' }), (error: unknown) => {
          assert.ok(error instanceof BroadcastError);
          assert.equal(error.code, 'broadcasts.unknown_segment');
          return true;
        });
        await assert.rejects(broadcasts.countAudience({ kind: 'tag', tags: [] }), BroadcastError);
      } finally {
        await broadcasts.resubscribe(6);
      }
    });

    test('a started broadcast has one outbox row per recipient, in their language, and cannot start twice', async () => {
      const broadcasts = service();
      const draft = await broadcasts.createDraft({
        text: 'Hello',
        entities: [{ type: 'bold', offset: 0, length: 5 }],
        buttons: [[{ text: 'Site', url: 'https://example.com' }], [{ text: 'Want', tracked: true }]],
        unsubscribeButton: true,
        paid: true,
        audience: { kind: 'ids', ids: [1, 4] },
      });
      assert.equal(draft.paid, 0, 'paid broadcasts need the owner to allow them');
      const started = await broadcasts.start(draft.id, { progressChatId: 4 });
      assert.equal(started.status, 'sending');
      assert.equal(started.audience_size, 2);
      await assert.rejects(broadcasts.start(draft.id), (error: unknown) => (error as BroadcastError).code === 'broadcasts.wrong_status');

      const rows = await handle.db.selectFrom('outbox').selectAll().where('broadcast_id', '=', draft.id).orderBy('chat_id').execute();
      assert.deepEqual(
        rows.map((row) => [row.chat_id, row.priority, row.dedupe_key]),
        [
          [1, 2, `bc:${draft.id}:1`],
          [4, 2, `bc:${draft.id}:4`],
        ],
      );
      const russian = JSON.parse(rows[0]?.payload ?? '{}') as { text: string; entities: unknown; reply_markup: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] } };
      const english = JSON.parse(rows[1]?.payload ?? '{}') as typeof russian;
      assert.equal(russian.text, 'Hello');
      assert.deepEqual(russian.entities, [{ type: 'bold', offset: 0, length: 5 }]);
      assert.deepEqual(russian.reply_markup.inline_keyboard, [
        [{ text: 'Site', url: 'https://example.com' }],
        [{ text: 'Want', callback_data: `bc:t:${draft.id}:1` }],
        [{ text: '🔕 Отписаться', callback_data: `bc:u:${draft.id}` }],
      ]);
      assert.equal(english.reply_markup.inline_keyboard[2]?.[0]?.text, '🔕 Unsubscribe');
      assert.ok(!('allow_paid_broadcast' in russian));
      const progress = await handle.db.selectFrom('outbox').select(['chat_id', 'priority']).where('dedupe_key', '=', `bc:${draft.id}:progress`).executeTakeFirstOrThrow();
      assert.deepEqual({ ...progress }, { chat_id: 4, priority: 0 });
    });

    test('with paid broadcasts allowed, a paid broadcast asks Telegram for the paid budget', async () => {
      const broadcasts = service({ paidBroadcastAllowed: true });
      const draft = await broadcasts.createDraft({ text: 'Fast', paid: true, audience: { kind: 'ids', ids: [2] } });
      const rendered = await broadcasts.render(draft.id, 'en');
      assert.equal(rendered.payload.allow_paid_broadcast, true);
    });

    test('pause holds the unsent rows, resume releases them, cancel skips the rest', async () => {
      const broadcasts = service();
      const draft = await broadcasts.createDraft({ text: 'Sale', audience: { kind: 'everyone' } });
      await broadcasts.start(draft.id);
      const statuses = async () =>
        (await handle.db.selectFrom('outbox').select('status').where('broadcast_id', '=', draft.id).execute()).map((row) => row.status).sort();
      await broadcasts.pause(draft.id);
      assert.deepEqual(await statuses(), ['held', 'held', 'held', 'held', 'held']);
      await assert.rejects(broadcasts.pause(draft.id), BroadcastError);
      await broadcasts.resume(draft.id);
      assert.deepEqual(await statuses(), ['pending', 'pending', 'pending', 'pending', 'pending']);
      const cancelled = await broadcasts.cancel(draft.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.deepEqual(await statuses(), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
      const progress = await broadcasts.progress(draft.id);
      assert.equal(progress.cancelled, 5);
      assert.equal(progress.remaining, 0);
    });

    test('a tracked button counts one press per user; presses on a draft preview do not count', async () => {
      const broadcasts = service();
      const draft = await broadcasts.createDraft({ text: 'Poll', buttons: [[{ text: 'Yes', tracked: true, answer: 'Noted!' }], [{ text: 'Site', url: 'https://example.com' }]], audience: { kind: 'ids', ids: [1] } });
      assert.deepEqual(await broadcasts.pressTracked(draft.id, 0, 1), { answer: 'Noted!' });
      await broadcasts.start(draft.id);
      await broadcasts.pressTracked(draft.id, 0, 1);
      await broadcasts.pressTracked(draft.id, 0, 1);
      await broadcasts.pressTracked(draft.id, 0, 2);
      assert.equal(await broadcasts.pressTracked(draft.id, 1, 1), undefined, 'a link button is not a tracked one');
      assert.equal(await broadcasts.pressTracked(draft.id, 7, 1), undefined);
      assert.equal(await broadcasts.pressTracked(999_999, 0, 1), undefined);
      const analytics = await broadcasts.analytics(draft.id);
      assert.deepEqual(analytics.buttons, [{ index: 0, text: 'Yes', presses: 2 }]);
    });

    test('a scheduled broadcast starts from its job once, and not at all once cancelled', async () => {
      const broadcasts = service();
      const draft = await broadcasts.createDraft({ text: 'Later', audience: { kind: 'ids', ids: [2] } });
      await assert.rejects(broadcasts.schedule(draft.id, NOW - 1), (error: unknown) => (error as BroadcastError).code === 'broadcasts.past_time');
      await broadcasts.schedule(draft.id, NOW + 60_000);
      const job = await handle.db.selectFrom('scheduled_jobs').selectAll().where('dedupe_key', '=', `broadcast:${draft.id}:start`).executeTakeFirstOrThrow();
      assert.equal(job.run_at, NOW + 60_000);
      await broadcasts.startScheduled(JSON.parse(job.payload));
      await broadcasts.startScheduled(JSON.parse(job.payload));
      assert.equal((await broadcasts.get(draft.id))?.status, 'sending');
      assert.equal((await handle.db.selectFrom('outbox').select('id').where('broadcast_id', '=', draft.id).execute()).length, 1);

      const other = await broadcasts.createDraft({ text: 'Never', audience: { kind: 'ids', ids: [2] } });
      await broadcasts.schedule(other.id, NOW + 60_000);
      await broadcasts.cancel(other.id);
      const cancelledJob = await handle.db.selectFrom('scheduled_jobs').select('status').where('dedupe_key', '=', `broadcast:${other.id}:start`).executeTakeFirstOrThrow();
      assert.equal(cancelledJob.status, 'cancelled');
      await broadcasts.startScheduled({ broadcastId: other.id });
      assert.equal((await handle.db.selectFrom('outbox').select('id').where('broadcast_id', '=', other.id).execute()).length, 0);
    });

    test('invalid input is refused with a clear reason and stores nothing', async () => {
      const broadcasts = service();
      const before = (await broadcasts.list()).length;
      for (const input of [
        { text: '   ' },
        { text: 'x'.repeat(4097) },
        { text: 'x'.repeat(1025), photo: 'https://example.com/a.jpg' },
        { text: 'x', buttons: [[{ text: 'Bad', url: 'javascript:alert(1)' }]] },
        { text: 'x', parseMode: 'HTML', entities: [{ type: 'bold', offset: 0, length: 1 }] },
      ]) {
        await assert.rejects(broadcasts.createDraft(input), (error: unknown) => (error as BroadcastError).code === 'broadcasts.invalid');
      }
      assert.equal((await broadcasts.list()).length, before);
    });
  });
}
