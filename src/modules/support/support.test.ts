import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startShopServices, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { createSupportService, escapeHtml } from './support.service.ts';

test('HTML special characters in customer text are escaped for Telegram', () => {
  assert.equal(escapeHtml('<b>"Tom" & Jerry</b>'), '&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;');
});

for (const dialect of await testDialects()) {
  describe(`support on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { adminIds: [7001, 7002] });
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test('a customer message is stored and copied to every staff chat, escaped, once', async () => {
      const support = shop.services.support;
      assert.ok(support);
      assert.equal(support.contacts.username, 'lavka_support');
      const row = await support.forwardToStaff({ userId: 55, name: 'Ann <script>', username: 'ann', chatId: 55, messageId: 10, kind: 'text', text: 'Hi & <b>hello</b>' });
      const outbox = await shop.database.db.selectFrom('outbox').selectAll().where('dedupe_key', 'like', `support:${row.id}:%`).orderBy('chat_id').execute();
      assert.deepEqual(outbox.map((item) => [item.chat_id, item.method]), [
        [7001, 'sendMessage'],
        [7002, 'sendMessage'],
      ]);
      const payload = JSON.parse(outbox[0]?.payload ?? '{}') as { text: string; parse_mode: string };
      assert.equal(payload.parse_mode, 'HTML');
      assert.match(payload.text, /<a href="tg:\/\/user\?id=55">Ann &lt;script&gt;<\/a>/);
      assert.match(payload.text, /Hi &amp; &lt;b&gt;hello&lt;\/b&gt;$/);
      assert.equal((await support.list(10))[0]?.id, row.id);
    });

    test('a photo is copied with the header as its caption', async () => {
      const support = shop.services.support;
      assert.ok(support);
      const row = await support.forwardToStaff({ userId: 56, name: 'Bo', chatId: 56, messageId: 11, kind: 'photo', text: null });
      const copy = await shop.database.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', `support:${row.id}:staff:7001`).executeTakeFirstOrThrow();
      assert.equal(copy.method, 'copyMessage');
      const payload = JSON.parse(copy.payload) as { from_chat_id: number; message_id: number; caption: string };
      assert.equal(payload.from_chat_id, 56);
      assert.equal(payload.message_id, 11);
      assert.match(payload.caption, /Bo/);
    });

    test('without a staff chat there is nobody to write to', () => {
      const support = createSupportService({
        db: shop.database.db,
        now: Date.now,
        contacts: {},
        staffChatIds: () => [],
        texts: { header: () => '' },
      });
      assert.equal(support.canReceive, false);
    });
  });
}
