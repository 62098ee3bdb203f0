// The shop's support inbox: a customer's messages gather into one conversation with a status;
// staff answers reach the customer through the outbox in their language.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, startShopServices, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { SupportError, type SupportService } from './support.service.ts';

for (const dialect of await testDialects()) {
  describe(`the support inbox on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    let support: SupportService;
    let clockMs = Date.parse('2026-03-11T06:00:00Z');
    const STAFF = { id: 'staff:3', name: 'Дана' };

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { adminIds: [7001], now: () => clockMs });
      assert.ok(shop.services.support);
      support = shop.services.support;
      await addUser(shop, 9101, 'kk');
      await addUser(shop, 9102, 'en');
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    const write = async (userId: number, text: string | null, kind: 'text' | 'photo' = 'text') => {
      clockMs += 60_000;
      return support.forwardToStaff({ userId, name: `User ${userId}`, chatId: userId, messageId: Math.floor(clockMs / 1000), kind, text });
    };
    const outboxTo = async (userId: number) =>
      (await shop.database.db.selectFrom('outbox').select(['dedupe_key', 'payload']).where('chat_id', '=', userId).orderBy('id').execute()).map((row) => ({
        key: row.dedupe_key,
        payload: JSON.parse(row.payload) as { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } },
      }));

    test('a customer’s messages make one open conversation, newest conversations first', async () => {
      await write(9101, 'Сәлем! Тапсырысым қайда?');
      await write(9102, null, 'photo');
      await write(9101, 'Нөмірі A-1001');
      const { threads, window } = await support.threads(undefined, 1, 10);
      assert.equal(window.total, 2);
      assert.deepEqual(threads.map((thread) => [thread.userId, thread.status, thread.lastText]), [
        [9101, 'open', 'Нөмірі A-1001'],
        [9102, 'open', null],
      ]);
      assert.equal(threads[1]?.lastKind, 'photo');
      const thread = await support.thread(9101);
      assert.deepEqual(thread?.entries.map((entry) => entry.text), ['Сәлем! Тапсырысым қайда?', 'Нөмірі A-1001']);
    });

    test('a staff answer is stored, reaches the customer in their language with a button to write again, and marks the conversation answered', async () => {
      clockMs += 60_000;
      const answered = await support.reply(9101, '  Тапсырысыңыз ертең жеткізіледі.  ', STAFF);
      assert.equal(answered.status, 'answered');
      const [message] = (await outboxTo(9101)).filter((row) => row.key?.startsWith('support:reply:'));
      assert.ok(message);
      assert.equal(message.payload.text, '💬 Командамыздың жауабы:\n\nТапсырысыңыз ертең жеткізіледі.');
      assert.deepEqual(message.payload.reply_markup?.inline_keyboard, [[{ text: '✍️ Жауап беру', callback_data: 'support:write' }]]);
      const thread = await support.thread(9101);
      assert.deepEqual(thread?.entries.map((entry) => [entry.author, entry.text]), [
        ['customer', 'Сәлем! Тапсырысым қайда?'],
        ['customer', 'Нөмірі A-1001'],
        ['staff', 'Тапсырысыңыз ертең жеткізіледі.'],
      ]);
      assert.deepEqual((await support.threads(['open'], 1, 10)).threads.map((item) => item.userId), [9102], 'the answered one left the open filter');
      await assert.rejects(support.reply(9101, '   ', STAFF), (error: unknown) => error instanceof SupportError && error.code === 'support.empty');
      await assert.rejects(support.reply(9999, 'hello', STAFF), (error: unknown) => error instanceof SupportError && error.code === 'support.not_found');
    });

    test('closing tells the customer; a closed conversation takes no answers until the customer writes again', async () => {
      const closed = await support.close(9102);
      assert.equal(closed.status, 'closed');
      const notices = (await outboxTo(9102)).filter((row) => row.key?.startsWith('support:closed:'));
      assert.deepEqual(notices.map((row) => row.payload.text), ['We have closed your question. If you need anything else, just write to us again.']);
      await assert.rejects(support.reply(9102, 'one more thing', STAFF), (error: unknown) => error instanceof SupportError && error.code === 'support.closed');
      await assert.rejects(support.close(9102), (error: unknown) => error instanceof SupportError && error.code === 'support.closed');
      await write(9102, 'Actually, one more question');
      assert.equal((await support.thread(9102))?.thread.status, 'open');
      assert.equal((await support.reply(9102, 'Sure, ask away', STAFF)).status, 'answered');
    });
  });
}
