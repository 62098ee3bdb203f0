import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { hookSignature, StarsError, type StarsService } from './stars.service.ts';
import { Webhook } from 'standardwebhooks';
import { OutgoingError } from '../../platform/outgoing.ts';

const HOOK_SECRET = 'fulfilment-secret-0123456789';

/** A fulfilment service that answers from a script and records what it was sent. */
async function startHook(): Promise<{ url: string; calls: { body: string; signature: string | undefined; headers: Record<string, string> }[]; answers: { status: number; body: unknown }[]; close(): Promise<void> }> {
  const calls: { body: string; signature: string | undefined; headers: Record<string, string> }[] = [];
  const answers: { status: number; body: unknown }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push({ body: Buffer.concat(chunks).toString('utf8'), signature: request.headers['x-lavka-signature'] as string | undefined, headers: request.headers as Record<string, string> });
      const answer = answers.shift() ?? { status: 200, body: { status: 'delivered', reference: 'ful-1' } };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fulfil`,
    calls,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const dialect of await testDialects()) {
  describe(`the Stars reseller on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let stars: StarsService;
    let hook: Awaited<ReturnType<typeof startHook>>;

    before(async () => {
      hook = await startHook();
      target = await dialect.create();
      billing = await startBillingServices(target, {
        preset: 'stars',
        adminIds: [7000],
        env: { STARS_FULFILMENT_SECRET: HOOK_SECRET },
        settings: { stars: { fulfilment: { mode: 'hook', url: hook.url, timeoutMs: 2000 } } },
        allowPrivate: ['127.0.0.1'],
      });
      stars = billing.services.stars as StarsService;
    });
    after(async () => {
      await billing?.close();
      await target?.drop();
      await hook?.close();
    });

    const payOrder = async (userId: number, amount: number) => {
      await addBillingUser(billing, userId);
      const order = await stars.createOrder({ userId, stars: amount, recipient: '@friend_user', locale: 'en' });
      const { payment } = await billing.services.payments.start({ userId, purpose: 'stars', ref: String(order.id), method: 'manual.crypto', locale: 'en' });
      await billing.services.payments.confirm(payment.id, { type: 'admin', id: 7000 });
      return { order, payment };
    };

    test('prices follow the configured rate per 100 Stars, rounded up to a cent', () => {
      assert.equal(stars.priceOf(100), 180);
      assert.equal(stars.priceOf(75), 135);
      assert.equal(stars.priceOf(51), 92);
    });

    test('only packages and custom amounts within the bounds can be ordered, for a valid username', async () => {
      await assert.rejects(stars.createOrder({ userId: 1, stars: 49, recipient: 'friend_user', locale: 'en' }), (error: unknown) => error instanceof StarsError && error.code === 'stars.invalid_amount');
      await assert.rejects(stars.createOrder({ userId: 1, stars: 10_001, recipient: 'friend_user', locale: 'en' }), (error: unknown) => error instanceof StarsError && error.code === 'stars.invalid_amount');
      await assert.rejects(stars.createOrder({ userId: 1, stars: 100, recipient: '@no', locale: 'en' }), (error: unknown) => error instanceof StarsError && error.code === 'stars.invalid_recipient');
      const order = await stars.createOrder({ userId: 1, stars: 1000, recipient: '@Friend_User', locale: 'en' });
      assert.equal(order.recipient, 'Friend_User');
      assert.equal(order.status, 'awaiting_payment');
    });

    test('a paid order is delivered through the signed hook and the customer is told at each step', async () => {
      const { order, payment } = await payOrder(401, 250);
      assert.equal((await stars.get(order.id))?.status, 'paid');
      const job = await billing.database.db.selectFrom('scheduled_jobs').select(['kind', 'payload']).where('dedupe_key', '=', `stars:fulfil:${order.id}`).executeTakeFirst();
      assert.equal(job?.kind, 'stars.fulfil', 'the delivery is a durable job, scheduled with the payment');
      const delivered = await stars.fulfil(order.id);
      assert.equal(delivered?.status, 'delivered');
      assert.equal(delivered?.fulfilment_ref, 'ful-1');
      const call = hook.calls.at(-1);
      assert.deepEqual(JSON.parse(call?.body ?? '{}'), { order_id: order.id, idempotency_key: `stars-order-${order.id}`, recipient: 'friend_user', stars: 250 });
      assert.equal(call?.signature, hookSignature(HOOK_SECRET, call?.body ?? ''), 'the old header is still sent for one release');
      // The Standard Webhooks headers verify with the reference library, as a receiver checks them.
      assert.deepEqual(new Webhook(HOOK_SECRET, { format: 'raw' }).verify(call?.body ?? '', call?.headers ?? {}), JSON.parse(call?.body ?? '{}'));
      assert.equal(call?.headers['webhook-id'], `stars-order-${order.id}`);
      assert.throws(() => new Webhook('another-secret-0123456789', { format: 'raw' }).verify(call?.body ?? '', call?.headers ?? {}));
      const notices = await billing.database.db.selectFrom('outbox').select('payload').where('chat_id', '=', 401).orderBy('id').execute();
      const texts = notices.map((row) => (JSON.parse(row.payload) as { text: string }).text);
      assert.ok(texts.some((text) => text.startsWith(`✅ Order ${order.order_number} is paid.`)), texts.join(' | '));
      assert.ok(texts.some((text) => text.startsWith(`🚚 Order ${order.order_number}: sending 250 ⭐`)));
      assert.ok(texts.some((text) => text.startsWith(`🎉 Order ${order.order_number}: 250 ⭐ delivered`)));
      await assert.rejects(billing.services.payments.refund(payment.id, { type: 'admin', id: 7000 }), (error: unknown) => error instanceof StarsError && error.code === 'stars.already_delivered');
    });

    test('each purchase is an order of the orders module, numbered S-…, that follows the purchase and records its payment', async () => {
      const { order, payment } = await payOrder(404, 500);
      const orders = billing.services.orders;
      assert.ok(orders, 'the stars preset runs the orders module');
      assert.match(order.order_number ?? '', /^S-\d{4}$/);
      const placed = await orders.detail(order.order_id as number);
      assert.equal(placed?.kind, 'stars');
      assert.equal(placed?.number, order.order_number);
      assert.equal(placed?.user_id, 404);
      assert.equal(placed?.contact_name, 'User 404');
      assert.equal(placed?.total_minor, 900);
      assert.equal(placed?.currency, 'USD');
      assert.equal(placed?.status, 'paid');
      assert.equal(placed?.payment_id, payment.id);
      assert.equal(placed?.payment_method, 'manual.crypto');
      assert.deepEqual(placed?.lines.map((line) => [line.title, line.quantity, line.total_minor]), [['500 ⭐ → @friend_user', 1, 900]]);
      assert.equal((await stars.fulfil(order.id))?.status, 'delivered');
      const delivered = await orders.detail(order.order_id as number);
      assert.equal(delivered?.status, 'delivered');
      assert.deepEqual(delivered?.history.map((row) => row.to_status), ['awaiting_payment', 'paid', 'delivering', 'delivered']);
      // The reseller tells the customer itself: the mirrored moves add no notice of the orders module.
      const notices = await billing.database.db.selectFrom('outbox').select('payload').where('chat_id', '=', 404).execute();
      assert.ok(notices.every((row) => !row.payload.includes('orders:o:')), notices.map((row) => row.payload).join(' | '));
    });

    test('a customer who ordered in Russian and switched the bot to Kazakh hears about the delivery in Kazakh', async () => {
      await addBillingUser(billing, 402, 'ru');
      const order = await stars.createOrder({ userId: 402, stars: 100, recipient: '@friend_user', locale: 'ru' });
      const { payment } = await billing.services.payments.start({ userId: 402, purpose: 'stars', ref: String(order.id), method: 'manual.crypto', locale: 'ru' });
      await billing.services.payments.confirm(payment.id, { type: 'admin', id: 7000 });
      await billing.services.users.setLocale(402, 'kk');
      assert.equal((await stars.fulfil(order.id))?.status, 'delivered');
      const notices = await billing.database.db.selectFrom('outbox').select('payload').where('chat_id', '=', 402).orderBy('id').execute();
      const texts = notices.map((row) => (JSON.parse(row.payload) as { text: string }).text);
      assert.ok(texts.some((text) => text.startsWith(`🚚 ${order.order_number} тапсырыс:`)), texts.join(' | '));
      assert.ok(texts.some((text) => text.startsWith(`🎉 ${order.order_number} тапсырыс:`)), texts.join(' | '));
      assert.ok(!texts.some((text) => text.startsWith(`🚚 Заказ ${order.order_number}`) || text.startsWith(`🎉 Заказ ${order.order_number}`)), texts.join(' | '));
    });

    test('a hook that is down makes the delivery job throw for the scheduler to retry, and one that says "failed" fails the order for staff to decide', async () => {
      const { order } = await payOrder(402, 100);
      hook.answers.push({ status: 503, body: {} });
      await assert.rejects(stars.fulfil(order.id), /503/);
      assert.equal((await stars.get(order.id))?.status, 'delivering', 'still delivering: the job will be retried');
      hook.answers.push({ status: 200, body: { status: 'failed', reason: 'recipient not found' } });
      const failed = await stars.fulfil(order.id);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.failure_reason, 'recipient not found');
      const retried = await stars.retry(order.id, { type: 'admin', id: 7000 });
      assert.equal(retried.status, 'paid');
      assert.equal((await stars.fulfil(order.id))?.status, 'delivered');
      const history = await stars.history(order.id);
      assert.deepEqual(history.map((row) => row.to_status), ['awaiting_payment', 'paid', 'delivering', 'failed', 'paid', 'delivering', 'delivered']);
    });

    test('the hook is called only where the outgoing policy allows: a private address the config does not list is refused and nothing is sent', async () => {
      const strictTarget = await dialect.create();
      const strict = await startBillingServices(strictTarget, {
        preset: 'stars',
        adminIds: [7000],
        env: { STARS_FULFILMENT_SECRET: HOOK_SECRET },
        settings: { stars: { fulfilment: { mode: 'hook', url: hook.url, timeoutMs: 2000 } } },
      });
      try {
        const strictStars = strict.services.stars as StarsService;
        await addBillingUser(strict, 404);
        const order = await strictStars.createOrder({ userId: 404, stars: 100, recipient: '@friend_user', locale: 'en' });
        const { payment } = await strict.services.payments.start({ userId: 404, purpose: 'stars', ref: String(order.id), method: 'manual.crypto', locale: 'en' });
        await strict.services.payments.confirm(payment.id, { type: 'admin', id: 7000 });
        const callsBefore = hook.calls.length;
        await assert.rejects(strictStars.fulfil(order.id), (error: unknown) => error instanceof OutgoingError && error.code === 'outgoing.address_refused');
        assert.equal(hook.calls.length, callsBefore, 'nothing reached the private address');
        assert.equal((await strictStars.get(order.id))?.status, 'delivering', 'still to be delivered once the address is allowed');
      } finally {
        await strict.close();
        await strictTarget.drop();
      }
    });

    test('an unpaid order past its time expires once, with a notice', async () => {
      await addBillingUser(billing, 403);
      const order = await stars.createOrder({ userId: 403, stars: 100, recipient: 'friend_user', locale: 'en' });
      await billing.database.db.updateTable('stars_orders').set({ expires_at: Date.now() - 1 }).where('id', '=', order.id).execute();
      assert.ok((await stars.expireStale()) >= 1);
      assert.equal(await stars.expireStale(), 0);
      assert.equal((await stars.get(order.id))?.status, 'expired');
      assert.equal(await billing.services.payments.offer('stars', String(order.id), 403, 'en'), undefined, 'an expired order cannot be paid any more');
      const notice = await billing.database.db.selectFrom('outbox').select('payload').where('chat_id', '=', 403).executeTakeFirst();
      assert.match(notice?.payload ?? '', new RegExp(`Order ${order.order_number} was not paid in time`));
    });
  });
}
