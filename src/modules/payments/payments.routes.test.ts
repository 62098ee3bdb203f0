// The payments staff API as the panel uses it: filters with pagination, and the transfer
// receipt fetched from Telegram (here the simulator, over real HTTP) for the approval card.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { Api } from 'grammy';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { TEST_BOT_TOKEN } from '../../../test/support/harness.ts';
import { jpegBytes } from '../../../test/support/mesh-fixtures.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { createSimulator, startSimulatorServer, type SimulatorServer, type TelegramSimulator } from '../../sim/index.ts';
import { createReceiptFiles, receiptType } from './payments.receipts.ts';
import { createPaymentsRoutes } from './payments.routes.ts';
import { staffRoutes } from '../../../test/support/module-routes.ts';

test('a receipt’s type is read from its bytes', () => {
  assert.equal(receiptType(jpegBytes(64)), 'image/jpeg');
  assert.equal(receiptType(Buffer.from('%PDF-1.7\n')), 'application/pdf');
  assert.equal(receiptType(Buffer.from('<html>')), 'application/octet-stream');
});

for (const dialect of await testDialects()) {
  describe(`the payments staff API on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let app: FastifyInstance;
    let sim: TelegramSimulator;
    let server: SimulatorServer;
    let downloads = 0;
    const clock = { nowMs: Date.parse('2026-03-11T06:00:00Z') };

    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target, { now: () => clock.nowMs });
      sim = createSimulator({ token: TEST_BOT_TOKEN, rateLimits: false });
      server = await startSimulatorServer({ sim });
      const api = new Api(TEST_BOT_TOKEN, { apiRoot: server.apiRoot });
      const counting: typeof fetch = async (input, init) => {
        downloads += 1;
        return fetch(input, init);
      };
      const receipts = createReceiptFiles({ api: () => api, fetch: counting, cacheEntries: 2 });
      app = Fastify();
      await app.register(staffRoutes(createPaymentsRoutes({ payments: billing.services.payments, receipts, customerName: (id) => billing.services.users.displayName(id) }), 'payments.invalid_request'), { prefix: '/api/payments' });
      for (const userId of [8201, 8202]) await addBillingUser(billing, userId, 'ru');
    });
    after(async () => {
      await app?.close();
      await server?.close();
      await billing?.close();
      await target?.drop();
    });

    const list = async (query: string) => {
      const response = await app.inject({ method: 'GET', url: `/api/payments?${query}` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { payments: { id: number; userId: number; customerName: string | null; provider: string; status: string }[]; total: number; page: number; pages: number };
    };

    test('payments are filtered by customer, period, provider and status, and paged with a total', async () => {
      const { payments } = billing.services;
      const start = (userId: number, method: string) => payments.start({ userId, purpose: 'topup', ref: 'p100', method, locale: 'ru' });
      const first = await start(8201, 'manual.card_ru');
      clock.nowMs += 86_400_000;
      const second = await start(8201, 'qr');
      const third = await start(8202, 'manual.crypto');
      await payments.decline(third.payment.id, { type: 'admin', id: 'test' }, 'no transfer');

      assert.deepEqual((await list('userId=8201')).payments.map((item) => item.id), [second.payment.id, first.payment.id]);
      assert.deepEqual(
        (await list('userId=8202')).payments.map((item) => item.customerName),
        ['User 8202'],
        'the list names who pays',
      );
      assert.deepEqual((await list('provider=manual')).payments.map((item) => item.id), [third.payment.id, first.payment.id]);
      assert.deepEqual((await list('status=declined')).payments.map((item) => item.id), [third.payment.id]);
      assert.deepEqual((await list(`toMs=${clock.nowMs - 1000}`)).payments.map((item) => item.id), [first.payment.id], 'before the second day');
      assert.deepEqual((await list(`fromMs=${clock.nowMs - 1000}&userId=8201`)).payments.map((item) => item.id), [second.payment.id]);
      const paged = await list('limit=2&page=2');
      assert.deepEqual({ total: paged.total, page: paged.page, pages: paged.pages, ids: paged.payments.map((item) => item.id) }, { total: 3, page: 2, pages: 2, ids: [first.payment.id] });
      assert.equal((await app.inject({ method: 'GET', url: '/api/payments?provider=paypal' })).statusCode, 400);
    });

    test('the receipt a customer sent is served to staff from Telegram, once downloaded then cached', async () => {
      const { payments } = billing.services;
      const { payment } = await payments.start({ userId: 8202, purpose: 'topup', ref: 'p500', method: 'manual.card_ru', locale: 'ru' });
      assert.equal((await app.inject({ method: 'GET', url: `/api/payments/${payment.id}/receipt` })).statusCode, 404, 'no receipt yet');
      const customer = sim.user({ id: 8202, first_name: 'Мария', language_code: 'ru' });
      const photo = jpegBytes(3000);
      await customer.sendPhoto(photo, 'Чек');
      const fileId = sim.chat(8202).messages.findLast((message) => message.photo)?.photo?.at(-1)?.file_id;
      assert.ok(fileId);
      await payments.attachReceipt(payment.id, 8202, fileId);

      const before = downloads;
      const response = await app.inject({ method: 'GET', url: `/api/payments/${payment.id}/receipt` });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'image/jpeg');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.ok(response.rawPayload.equals(Buffer.from(photo)), 'the same bytes the customer sent');
      const again = await app.inject({ method: 'GET', url: `/api/payments/${payment.id}/receipt` });
      assert.equal(again.statusCode, 200);
      assert.equal(downloads - before, 1, 'the second view came from the cache');

      await payments.attachReceipt((await payments.start({ userId: 8201, purpose: 'topup', ref: 'p100', method: 'manual.card_ru', locale: 'ru' })).payment.id, 8201, 'AgAC-no-such-file');
      const broken = (await list('userId=8201&status=pending')).payments[0];
      const unavailable = await app.inject({ method: 'GET', url: `/api/payments/${broken?.id}/receipt` });
      assert.equal(unavailable.statusCode, 502);
      assert.equal(unavailable.json().error, 'payments.receipt_unavailable');
    });
  });
}
