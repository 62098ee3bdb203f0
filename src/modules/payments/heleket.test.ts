import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { startFakeHeleket, type FakeHeleket } from '../../../test/support/fake-heleket.ts';
import { freePort } from '../../../test/support/harness.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { createHttpServer } from '../../http/server.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createMetrics } from '../../observability/metrics.ts';
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

  test('a genuine webhook is verified against its number literals and PHP\'s escapes: a float 1.0, "\\/" and U+2028', () => {
    // Exactly what PHP's json_encode($data, JSON_UNESCAPED_UNICODE) writes for this data, with
    // serialize_precision -1: the float 1.0 keeps its ".0", "/" is "\/", U+2028 stays escaped.
    const php = '{"type":"payment","uuid":"u-3","order_id":"lavka-3","amount":"15.00","payment_amount_usd":1.0,"commission":0.1,"merchant_amount":15,"from":"TX1payer\\/address","comment":"line\\u2028next Привет","currency":"USD","status":"paid"}';
    const sign = createHash('md5').update(Buffer.from(php, 'utf8').toString('base64') + API_KEY).digest('hex');
    const asSent = `${php.slice(0, -1)},"sign":"${sign}"}`;
    assert.deepEqual(verifyHeleketWebhook(asSent, API_KEY), {
      ok: true,
      body: { type: 'payment', uuid: 'u-3', order_id: 'lavka-3', amount: '15.00', payment_amount_usd: 1, commission: 0.1, merchant_amount: 15, from: 'TX1payer/address', comment: 'line\u2028next Привет', currency: 'USD', status: 'paid' },
    });
    // The same data posted with non-ASCII escaped (json_encode's default) verifies too: the strings are equal.
    assert.equal(verifyHeleketWebhook(asSent.replace('Привет', '\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442'), API_KEY).ok, true);
    // The literal is what was signed: 1.00 is another body, even though it is the same number.
    assert.deepEqual(verifyHeleketWebhook(asSent.replace('1.0,', '1.00,'), API_KEY), { ok: false, reason: 'sign does not match' });
    assert.equal(verifyHeleketWebhook(asSent.replace('line', 'lime'), API_KEY).ok, false);
  });

  test('a signed webhook with an unknown currency code or a malformed amount is refused as malformed, without throwing', () => {
    const settings = paymentsSettingsSchema.parse({ heleket: { webhookIps: [] } });
    const provider = createHeleketProvider({ merchantId: MERCHANT, apiKey: API_KEY, apiUrl: 'http://127.0.0.1:1', callbackUrl: undefined, settings: settings.heleket, gateway: settings.gateway, lifetimeSeconds: 3600, logger: silentLogger() });
    const signed = (fields: Record<string, unknown>) => {
      const data = { type: 'payment', uuid: 'u-4', order_id: 'lavka-4', amount: '15.00', currency: 'USD', status: 'paid', ...fields };
      const json = JSON.stringify(data).replace(/\//g, '\\/');
      return Buffer.from(`${json.slice(0, -1)},"sign":"${heleketSign(json, API_KEY)}"}`);
    };
    const verdictOf = (fields: Record<string, unknown>) => provider.verifyCallback?.({ rawBody: signed(fields), headers: {}, ip: '31.133.220.8' });
    assert.equal(verdictOf({})?.ok, true);
    for (const [fields, reason] of [
      [{ currency: 'USDT' }, /unknown currency "USDT"/],
      [{ currency: 'U$' }, /unknown currency/],
      [{ currency: 'QQQ' }, /unknown currency "QQQ"/],
      [{ amount: '15.5.5' }, /amount "15\.5\.5" is not a decimal amount of USD/],
      [{ amount: '15.001' }, /not a decimal amount/],
      [{ amount: 15 }, /missing/],
      [{ uuid: undefined }, /missing/],
    ] as const) {
      const verdict = verdictOf(fields);
      assert.ok(verdict && !verdict.ok, JSON.stringify(fields));
      assert.equal(verdict.code, 'payments.malformed_callback');
      assert.match(verdict.detail, reason);
    }
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

    const hook = () => `${baseUrl}/public/payments/webhooks/heleket`;
    const ledgerOf = (userId: number) =>
      billing.database.db.selectFrom('wallet_ledger').select(['kind', 'amount', 'idempotency_key']).where('user_id', '=', userId).orderBy('id').execute();
    const staffAlerts = (pattern: string) =>
      billing.database.db.selectFrom('outbox').select(['payload', 'dedupe_key']).where('dedupe_key', 'like', pattern).execute();

    test('a genuine webhook written by PHP, with a float 1.0, "\\/" and U+2028, settles the payment', async () => {
      const { payment } = await openCrypto(314);
      const invoice = fake.invoices.get(payment.external_id as string)!;
      invoice.status = 'paid';
      const php = `{"type":"payment","uuid":"${invoice.uuid}","order_id":"${invoice.order_id}","amount":"${invoice.amount}","payment_amount":"${invoice.amount}","payment_amount_usd":1.0,"is_final":true,"status":"paid","from":"TX1payer\\/address","comment":"a\\u2028b","currency":"${invoice.currency}"}`;
      const response = await fake.deliver(hook(), fake.signPhpJson(php));
      assert.equal(response.status, 200);
      assert.equal((await payments.get(payment.id))?.status, 'paid');
      assert.equal(await wallet.balance(314), 100);
    });

    test('a signed webhook with an unknown currency or a malformed amount is answered 400 with its reason, logged, and changes nothing', async () => {
      const { payment } = await openCrypto(315);
      fake.invoices.get(payment.external_id as string)!.status = 'paid';
      for (const [fields, reason] of [
        [{ currency: 'USDT' }, /unknown currency "USDT"/],
        [{ currency: 'QQQ' }, /unknown currency "QQQ"/],
        [{ amount: '99.00.1' }, /not a decimal amount of RUB/],
      ] as const) {
        const response = await fake.deliver(hook(), fake.webhookBody(payment.external_id as string, fields));
        assert.equal(response.status, 400, JSON.stringify(fields));
        const answer = (await response.json()) as { ok: boolean; error: string; message: string };
        assert.equal(answer.ok, false);
        assert.equal(answer.error, 'payments.malformed_callback');
        assert.match(answer.message, reason);
      }
      assert.equal((await payments.get(payment.id))?.status, 'pending');
      assert.equal(await wallet.balance(315), 0);
      const rejected = await payments.listEvents({ status: 'rejected', provider: 'heleket' }, 50);
      assert.ok(rejected.some((event) => /malformed_callback: unknown currency "USDT"/.test(event.error ?? '') && event.payload.includes(payment.external_id as string)));
      // The genuine webhook still settles it afterwards.
      assert.equal((await fake.deliver(hook(), fake.webhookBody(payment.external_id as string))).status, 200);
      assert.equal(await wallet.balance(315), 100);
    });

    test('a refund made in Heleket reaches the payment and the ledger once: in process moves nothing, paid back reverses the credit once however it is delivered', async () => {
      const { payment } = await openCrypto(316);
      await fake.pay(payment.external_id as string);
      assert.equal(await wallet.balance(316), 100);
      const uuid = payment.external_id as string;

      const inProcess = await fake.deliver(hook(), fake.webhookBody(uuid, { status: 'refund_process', is_final: false }));
      assert.equal(inProcess.status, 200);
      assert.equal((await payments.get(payment.id))?.status, 'paid');
      assert.equal(await wallet.balance(316), 100, 'nothing moves while Heleket is still returning the money');
      const recorded = await payments.listEvents({ provider: 'heleket' }, 50);
      assert.ok(recorded.some((event) => event.payment_id === payment.id && event.status === 'processed' && event.error === 'payments.refund_in_progress'));

      const refundPaid = fake.webhookBody(uuid, { status: 'refund_paid' });
      const answers = await Promise.all([fake.deliver(hook(), refundPaid), fake.deliver(hook(), refundPaid), fake.deliver(hook(), refundPaid)]);
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
      assert.equal((await fake.deliver(hook(), refundPaid)).status, 200, 'a late repeat is acknowledged too');
      const refunded = await payments.get(payment.id);
      assert.equal(refunded?.status, 'refunded');
      assert.ok(refunded?.refunded_at);
      assert.equal(await wallet.balance(316), 0);
      assert.deepEqual((await ledgerOf(316)).map((entry) => [entry.kind, Number(entry.amount)]), [['topup', 100], ['reversal', -100]]);
      const notices = await billing.database.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', `payment:${payment.id}:refunded`).execute();
      assert.equal(notices.length, 1);
      assert.match(notices[0]?.payload ?? '', new RegExp(`Payment #${payment.id} .* was refunded`));
      // The refund an admin could still press in Lavka would return the money a second time: refused.
      await assert.rejects(payments.refund(payment.id, { type: 'admin', id: 7000 }), (error: unknown) => isPaymentsError(error, 'payments.not_refundable'));
    });

    test('a refund that fails in Heleket leaves the payment paid and its credit in place, and alerts the admins', async () => {
      const { payment } = await openCrypto(317);
      await fake.pay(payment.external_id as string);
      const response = await fake.deliver(hook(), fake.webhookBody(payment.external_id as string, { status: 'refund_fail' }));
      assert.equal(response.status, 200);
      assert.equal((await payments.get(payment.id))?.status, 'paid');
      assert.equal(await wallet.balance(317), 100);
      const events = await payments.listEvents({ provider: 'heleket' }, 50);
      const failed = events.find((event) => event.payment_id === payment.id && event.error === 'payments.refund_failed');
      assert.ok(failed, 'the failure is recorded against the payment');
      const alerts = await staffAlerts(`payevent:${failed.id}:refund_failed:%`);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]?.payload ?? '', new RegExp(`heleket не смог вернуть платёж №${payment.id}`));
      // Delivered again, nothing more happens.
      await fake.deliver(hook(), fake.webhookBody(payment.external_id as string, { status: 'refund_fail' }));
      assert.equal((await staffAlerts(`payevent:%:refund_failed:%`)).filter((alert) => alert.payload.includes(`№${payment.id} `)).length, 1);
    });

    test('a refund paid back after the tokens were spent is still recorded, the ledger is left whole, and the admins are told to settle it', async () => {
      const { payment } = await openCrypto(318);
      await fake.pay(payment.external_id as string);
      await wallet.postNow({ userId: 318, kind: 'spend', amount: -60, reason: 'a generation', actor: { type: 'system' } });
      const refundPaid = fake.webhookBody(payment.external_id as string, { status: 'refund_paid' });
      const answers = await Promise.all([fake.deliver(hook(), refundPaid), fake.deliver(hook(), refundPaid)]);
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
      assert.equal((await payments.get(payment.id))?.status, 'refunded', 'the money went back, so the payment is refunded');
      assert.equal(await wallet.balance(318), 40, 'no overdraft, no half-written reversal');
      assert.deepEqual((await ledgerOf(318)).map((entry) => entry.kind), ['topup', 'spend']);
      const alerts = (await staffAlerts('payevent:%:not_reversed:%')).filter((alert) => alert.payload.includes(`№${payment.id} `));
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]?.payload ?? '', /wallet\.insufficient_funds/);
    });

    test('a refund paid back for a payment whose paid webhook never arrived closes it without crediting anything', async () => {
      const { payment } = await openCrypto(319);
      fake.invoices.get(payment.external_id as string)!.status = 'refund_paid';
      assert.equal((await fake.deliver(hook(), fake.webhookBody(payment.external_id as string))).status, 200);
      assert.equal((await payments.get(payment.id))?.status, 'refunded');
      assert.equal(await wallet.balance(319), 0);
      assert.deepEqual(await ledgerOf(319), []);
    });

    test('behind one trusted proxy hop, a replayed genuine webhook whose leftmost X-Forwarded-For names an allowed address is refused', async () => {
      const { payment } = await openCrypto(320);
      fake.invoices.get(payment.external_id as string)!.status = 'paid';
      const webhooks = billing.modules.find((item) => item.name === 'payments')?.instance.publicRoutes;
      assert.ok(webhooks);
      const proxied = await createHttpServer({ logger: silentLogger(), metrics: createMetrics({ processMetrics: false }), readiness: [], trustProxy: 1, plugins: [{ prefix: '/public/payments', plugin: webhooks }] });
      try {
        const port = await freePort();
        await proxied.listen({ port, host: '127.0.0.1' });
        const url = `http://127.0.0.1:${port}/public/payments/webhooks/heleket`;
        const body = fake.webhookBody(payment.external_id as string);
        // The caller wrote the allowed address itself; the proxy (this socket) appended the caller's real one.
        const forged = await fake.deliver(url, body, { 'x-forwarded-for': '127.0.0.1, 198.51.100.7' });
        assert.equal(forged.status, 403);
        assert.equal((await payments.get(payment.id))?.status, 'pending');
        // The proxy appended the allowed address: it is the gateway.
        const genuine = await fake.deliver(url, body, { 'x-forwarded-for': '198.51.100.7, 127.0.0.1' });
        assert.equal(genuine.status, 200);
        assert.equal(await wallet.balance(320), 100);
      } finally {
        await proxied.close();
      }
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
