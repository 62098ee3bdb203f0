import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { startFakeHeleket, type FakeHeleket } from '../../../test/support/fake-heleket.ts';
import { freePort } from '../../../test/support/harness.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { silentLogger } from '../../observability/logger.ts';
import type { WalletService } from '../wallet/wallet.service.ts';
import { isPaymentsError } from './payments.errors.ts';
import type { PaymentsService } from './payments.service.ts';
import { paymentsSettingsSchema } from './payments.settings.ts';
import { heleketSign, phpJsonEncode, verifyHeleketWebhook } from './providers/heleket.client.ts';
import { createHeleketProvider } from './providers/heleket.provider.ts';
import { qrSignature } from './providers/qr.provider.ts';

const MERCHANT = '8b03432e-385b-4670-8d06-064591096795';
const API_KEY = 'heleket-test-api-key-0123456789';
const QR_SECRET = 'qr-webhook-secret-0123456789';

describe('Heleket signatures', () => {
  test('a request is signed as md5(base64(body) + API key), the documented scheme', () => {
    // The documentation's example: a request without parameters signs the empty string.
    assert.equal(heleketSign('', API_KEY), heleketSign(Buffer.from('').toString('base64'), API_KEY));
    const body = phpJsonEncode({ amount: '15.00', currency: 'USD', order_id: 'lavka-1', url_callback: 'https://shop.example/public/payments/webhooks/heleket' });
    assert.match(body, /https:\\\/\\\/shop\.example\\\/public/, 'slashes are escaped as PHP does');
    assert.equal(heleketSign(body, API_KEY), heleketSign(body, API_KEY));
    assert.notEqual(heleketSign(body, API_KEY), heleketSign(body, `${API_KEY}x`));
  });

  test('a webhook verifies with its sign field removed and re-encoded, and fails when any field changes', () => {
    const data = { type: 'payment', uuid: 'u-1', order_id: 'lavka-1', amount: '15.00', status: 'paid', currency: 'USD', from: 'T/addr', comment: 'Привет' };
    const signed = JSON.stringify({ ...data, sign: heleketSign(JSON.stringify(data).replace(/\//g, '\\/'), API_KEY) });
    assert.equal(verifyHeleketWebhook(signed, API_KEY).ok, true);
    assert.equal(verifyHeleketWebhook(signed.replace('15.00', '15.01'), API_KEY).ok, false);
    assert.equal(verifyHeleketWebhook(signed, 'another-key').ok, false);
    assert.deepEqual(verifyHeleketWebhook(JSON.stringify(data), API_KEY), { ok: false, reason: 'sign is missing or malformed' });
    assert.equal(verifyHeleketWebhook('not json', API_KEY).ok, false);
  });

  test('a webhook from outside the documented address is refused before its signature is looked at', () => {
    const settings = paymentsSettingsSchema.parse({});
    const provider = createHeleketProvider({ merchantId: MERCHANT, apiKey: API_KEY, apiUrl: 'http://127.0.0.1:1', callbackUrl: undefined, settings: settings.heleket, gateway: settings.gateway, lifetimeSeconds: 3600, logger: silentLogger() });
    const verdict = provider.verifyCallback?.({ rawBody: Buffer.from('{}'), headers: {}, ip: '10.0.0.7' });
    assert.deepEqual(verdict && !verdict.ok ? verdict.code : undefined, 'payments.untrusted_source');
    const trusted = provider.verifyCallback?.({ rawBody: Buffer.from('{}'), headers: {}, ip: '31.133.220.8' });
    assert.equal(trusted && !trusted.ok ? trusted.code : undefined, 'payments.bad_signature');
  });
});

for (const dialect of await testDialects()) {
  describe(`the Heleket gateway and QR webhooks against a local fake on ${dialect.name}`, () => {
    let target: TestDatabase;
    let fake: FakeHeleket;
    let billing: BillingServices;
    let payments: PaymentsService;
    let wallet: WalletService;
    let http: FastifyInstance;
    let baseUrl: string;

    before(async () => {
      fake = await startFakeHeleket({ merchantId: MERCHANT, apiKey: API_KEY });
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      target = await dialect.create();
      billing = await startBillingServices(target, {
        adminIds: [7000],
        env: { HELEKET_MERCHANT_ID: MERCHANT, HELEKET_API_KEY: API_KEY, HELEKET_API_URL: fake.url, PUBLIC_URL: baseUrl, QR_WEBHOOK_SECRET: QR_SECRET },
        settings: {
          payments: {
            heleket: { webhookIps: ['127.0.0.1'], pollAfterSeconds: 0 },
            gateway: { timeoutMs: 400, attempts: 2, backoffMs: 10, failureThreshold: 2, openSeconds: 0.5 },
          },
        },
      });
      payments = billing.services.payments;
      wallet = billing.services.wallet as WalletService;
      http = Fastify();
      const webhooks = billing.modules.find((item) => item.name === 'payments')?.instance.publicRoutes;
      assert.ok(webhooks, 'the webhooks are public routes, outside the admin gate');
      await http.register(webhooks, { prefix: '/public/payments' });
      await http.listen({ port, host: '127.0.0.1' });
    });
    after(async () => {
      await http?.close();
      await billing?.close();
      await target?.drop();
      await fake?.close();
    });

    const openCrypto = async (userId: number, ref = 'p100') => {
      await addBillingUser(billing, userId);
      const { payment, start } = await payments.start({ userId, purpose: 'topup', ref, method: 'heleket', locale: 'en' });
      assert.equal(start.type, 'link');
      return { payment, url: start.type === 'link' ? start.url : '' };
    };

    test('opening a crypto payment sends a correctly signed invoice request and shows Heleket\'s link', async () => {
      const { payment, url } = await openCrypto(301);
      const request = fake.requests.at(-1);
      assert.equal(request?.path, '/v1/payment');
      assert.equal(request?.signatureValid, true);
      const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
      assert.deepEqual({ amount: body.amount, currency: body.currency, order_id: body.order_id }, { amount: '99.00', currency: 'RUB', order_id: `lavka-${payment.id}` });
      assert.equal(body.url_callback, `${baseUrl}/public/payments/webhooks/heleket`);
      const invoice = fake.invoices.get(payment.external_id ?? '');
      assert.ok(invoice, 'the payment stores Heleket\'s uuid');
      assert.equal(url, `${fake.url}/pay/${invoice.uuid}`);
    });

    test('a signed webhook credits once, and the same webhook replayed credits nothing more', async () => {
      const { payment } = await openCrypto(302);
      const { body, response } = await fake.pay(payment.external_id as string);
      assert.equal(response?.status, 200);
      assert.equal(await wallet.balance(302), 100);
      for (let i = 0; i < 3; i += 1) {
        const replay = await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, body);
        assert.equal(replay.status, 200, 'a replay is acknowledged so the gateway stops retrying');
      }
      assert.equal(await wallet.balance(302), 100);
      assert.equal((await payments.get(payment.id))?.status, 'paid');
      const notice = await billing.database.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', `payment:${payment.id}:paid`).executeTakeFirst();
      assert.match(notice?.payload ?? '', /\+100 tokens/);
    });

    test('a webhook with a forged signature is refused with 401, credits nothing and is logged', async () => {
      const { payment } = await openCrypto(303);
      fake.invoices.get(payment.external_id as string)!.status = 'paid';
      const forged = fake.webhookBody(payment.external_id as string, {}, { apiKey: 'guessed-key-0000000000' });
      const response = await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, forged);
      assert.equal(response.status, 401);
      assert.equal(await wallet.balance(303), 0);
      assert.equal((await payments.get(payment.id))?.status, 'pending');
      const rejected = await payments.listEvents({ status: 'rejected', provider: 'heleket' }, 20);
      assert.ok(rejected.some((event) => /bad_signature: sign does not match/.test(event.error ?? '') && event.payload.includes(payment.external_id as string)));
    });

    test('a correctly signed webhook with a wrong amount credits nothing and alerts the admins', async () => {
      const { payment } = await openCrypto(304);
      fake.invoices.get(payment.external_id as string)!.status = 'paid';
      const body = fake.webhookBody(payment.external_id as string, { amount: '1.00' });
      const response = await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, body);
      assert.equal(response.status, 200);
      assert.equal(await wallet.balance(304), 0);
      const events = await payments.listEvents({ status: 'rejected', provider: 'heleket' }, 20);
      assert.ok(events.some((event) => event.payment_id === payment.id && /amount_mismatch/.test(event.error ?? '')));
      const alert = await billing.database.db.selectFrom('outbox').select('payload').where('dedupe_key', 'like', 'payevent:%:alert:7000').orderBy('id', 'desc').executeTakeFirst();
      const text = (JSON.parse(alert?.payload ?? '{}') as { text?: string }).text ?? '';
      assert.ok(text.startsWith(`⚠️ Платёж №${payment.id} (heleket): получено 1`), `staff read it in the business language: ${text}`);
      assert.match(text, /ожидалось 99/);
    });

    test('a correctly signed webhook for an unknown invoice credits nothing and is logged', async () => {
      const { payment } = await openCrypto(305);
      fake.invoices.get(payment.external_id as string)!.status = 'paid';
      const body = fake.webhookBody(payment.external_id as string, { uuid: 'ffffffff-0000-4000-8000-000000000000', order_id: 'lavka-999999' });
      const response = await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, body);
      assert.equal(response.status, 200);
      assert.equal(await wallet.balance(305), 0);
      const events = await payments.listEvents({ status: 'rejected', provider: 'heleket' }, 30);
      assert.ok(events.some((event) => /unknown_payment/.test(event.error ?? '') && event.payload.includes('lavka-999999')));
    });

    test('a webhook naming one of our orders with another invoice\'s uuid is refused', async () => {
      const first = await openCrypto(306);
      const second = await openCrypto(307);
      fake.invoices.get(second.payment.external_id as string)!.status = 'paid';
      const body = fake.webhookBody(second.payment.external_id as string, { order_id: `lavka-${first.payment.id}` });
      await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, body);
      assert.equal(await wallet.balance(306), 0);
      assert.equal(await wallet.balance(307), 0);
    });

    test('a payment whose webhook never came is confirmed by the status poll', async () => {
      const { payment } = await openCrypto(308);
      await fake.pay(payment.external_id as string, { deliver: false });
      assert.equal(await wallet.balance(308), 0);
      assert.ok((await payments.pollOpenPayments()) >= 1);
      assert.equal(await wallet.balance(308), 100);
      assert.ok(fake.requests.some((request) => request.path === '/v1/payment/info' && request.signatureValid));
      // The late webhook afterwards changes nothing.
      const late = await fake.deliver(`${baseUrl}/public/payments/webhooks/heleket`, fake.webhookBody(payment.external_id as string));
      assert.equal(late.status, 200);
      assert.equal(await wallet.balance(308), 100);
    });

    test('the user\'s "I have paid" check settles a paid invoice at once', async () => {
      const { payment } = await openCrypto(313);
      assert.equal((await payments.checkNow(payment.id))?.status, 'pending', 'nothing paid yet');
      await fake.pay(payment.external_id as string, { deliver: false });
      assert.equal((await payments.checkNow(payment.id))?.status, 'paid');
      assert.equal(await wallet.balance(313), 100);
    });

    test('an invoice Heleket cancels is closed cleanly', async () => {
      const { payment } = await openCrypto(309);
      await fake.pay(payment.external_id as string, { status: 'cancel', deliver: false });
      await payments.pollOpenPayments();
      assert.equal((await payments.get(payment.id))?.status, 'expired');
      assert.equal(await wallet.balance(309), 0);
    });

    test('a lost response is retried with the same order_id, so the retry cannot open a second invoice', async () => {
      const before = fake.invoices.size;
      const requestsBefore = fake.requests.length;
      fake.failNext(1, { status: 502 });
      const { payment } = await openCrypto(310);
      const sent = fake.requests.slice(requestsBefore).filter((request) => request.path === '/v1/payment');
      assert.equal(sent.length, 2);
      assert.equal(new Set(sent.map((request) => (JSON.parse(request.body) as { order_id: string }).order_id)).size, 1);
      assert.equal(fake.invoices.size, before + 1);
      assert.ok(payment.external_id);
    });

    test('after repeated failures the circuit opens, the bot offers the other methods, and a probe closes it again', async () => {
      await addBillingUser(billing, 311);
      fake.failNext(2, 'hang');
      await assert.rejects(payments.start({ userId: 311, purpose: 'topup', ref: 'p100', method: 'heleket', locale: 'en' }), (error: unknown) => {
        assert.ok(isPaymentsError(error, 'payments.gateway_unavailable'));
        assert.ok((error.details.alternatives as string[]).includes('stars'), 'the refusal lists the other methods');
        return true;
      });
      fake.failNext(2, { status: 500 });
      await assert.rejects(payments.start({ userId: 311, purpose: 'topup', ref: 'p100', method: 'heleket', locale: 'en' }), (error: unknown) => isPaymentsError(error, 'payments.gateway_unavailable'));
      assert.equal(payments.gatewayStates().find((state) => state.name === 'heleket')?.state, 'open');
      const offer = await payments.offer('topup', 'p100', 311, 'en');
      const heleket = offer?.methods.find((method) => method.id === 'heleket');
      assert.equal(heleket?.available, false, 'the crypto method is shown as unavailable');
      assert.ok(offer?.methods.some((method) => method.id === 'stars' && method.available));
      const requestsWhileOpen = fake.requests.length;
      await assert.rejects(payments.start({ userId: 311, purpose: 'topup', ref: 'p100', method: 'heleket', locale: 'en' }), (error: unknown) => isPaymentsError(error, 'payments.gateway_unavailable'));
      assert.equal(fake.requests.length, requestsWhileOpen, 'an open circuit does not call the gateway');
      const health = billing.modules.find((item) => item.name === 'payments')?.instance.health?.find((check) => check.name === 'payments.heleket');
      assert.match((await health?.check())?.detail ?? '', /circuit open/);
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(payments.gatewayStates().find((state) => state.name === 'heleket')?.state, 'half_open');
      const probe = await payments.start({ userId: 311, purpose: 'topup', ref: 'p100', method: 'heleket', locale: 'en' });
      assert.equal(probe.start.type, 'link');
      assert.equal(payments.gatewayStates().find((state) => state.name === 'heleket')?.state, 'closed');
    });

    test('a signed QR confirmation credits once; a stale, unsigned or tampered one credits nothing', async () => {
      await addBillingUser(billing, 312);
      const { payment, start } = await payments.start({ userId: 312, purpose: 'topup', ref: 'p100', method: 'qr', locale: 'en' });
      assert.equal(start.type, 'qr');
      const reference = start.type === 'qr' ? start.reference : '';
      assert.match(start.type === 'qr' ? start.content : '', /amount=99\.00&ref=LV-/);
      const post = (body: string, timestamp: number, signature?: string) =>
        fetch(`${baseUrl}/public/payments/webhooks/qr`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-lavka-timestamp': String(timestamp), 'x-lavka-signature': signature ?? qrSignature(QR_SECRET, String(timestamp), body) },
          body,
        });
      const body = JSON.stringify({ reference, amount: '99.00', currency: 'RUB', transaction_id: 'kaspi-1', status: 'paid' });
      const now = Math.floor(Date.now() / 1000);
      assert.equal((await post(body, now - 3600)).status, 401, 'a stale confirmation is a replay');
      assert.equal((await post(body, now, 'sha256=00')).status, 401);
      assert.equal((await post(body.replace('99.00', '9.00'), now, qrSignature(QR_SECRET, String(now), body))).status, 401, 'a tampered body fails its signature');
      assert.equal(await wallet.balance(312), 0);
      assert.equal((await post(body, now)).status, 200);
      assert.equal((await post(body, now)).status, 200);
      assert.equal(await wallet.balance(312), 100);
      assert.equal((await payments.get(payment.id))?.status, 'paid');
    });
  });
}
