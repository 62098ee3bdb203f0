import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeQr } from '../../src/modules/payments/qr/qr-code.ts';
import { qrToPng } from '../../src/modules/payments/qr/qr-png.ts';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { formatDateTime } from '../../src/config/dates.ts';
import { formatMoney } from '../../src/config/money.ts';
import { staffSessions } from '../support/admin-gate.ts';
import { startFakeHeleket, type FakeHeleket } from '../support/fake-heleket.ts';
import { readCsv } from '../support/xlsx-reader.ts';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';

const ADMIN = 9201;
const CUSTOMER = 8201;
const MERCHANT = '0f6b2c1e-9d8a-4c2b-8e1f-5a4b3c2d1e0f';
const API_KEY = 'stars-e2e-heleket-key-0123456789';

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];

async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean)) {
  const result = await user.pressButton(label);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

function waitText(user: SimUser, match: RegExp | string, timeoutMs = 8000) {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}

describe('the Stars reseller through the simulator (stars preset, crypto gateway)', () => {
  let lavka: TestLavka;
  let fake: FakeHeleket;
  let dir: string;
  let customer: SimUser;
  let admin: SimUser;

  before(async () => {
    fake = await startFakeHeleket({ merchantId: MERCHANT, apiKey: API_KEY });
    const port = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), 'lavka-stars-e2e-'));
    const config = path.join(dir, 'config.yaml');
    // A business time zone away from UTC, so that a time shown in it is told from one in UTC.
    writeFileSync(config, ['business:', '  timeZone: Asia/Almaty', 'settings:', '  payments:', '    heleket:', '      webhookIps: ["127.0.0.1"]', '      pollAfterSeconds: 0', ''].join('\n'));
    lavka = await startTestLavka({
      preset: 'stars',
      adminIds: [ADMIN],
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        HELEKET_MERCHANT_ID: MERCHANT,
        HELEKET_API_KEY: API_KEY,
        HELEKET_API_URL: fake.url,
        LAVKA_CONFIG: config,
      },
    });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en', hasStartedBot: true });
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Arman', username: 'arman_k', language_code: 'en' });
  });
  after(async () => {
    await lavka?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The reseller's id of the customer's order numbered `number` (S-1001). */
  const starsOrderId = async (number: string) => {
    const found = (await lavka.app.services.stars!.listForUser(CUSTOMER, 50)).find((order) => order.order_number === number);
    assert.ok(found, `order ${number} exists`);
    return found.id;
  };

  test('a customer buys 250 Stars for a friend with crypto; each step is announced and an admin confirms the delivery', async () => {
    await customer.send('/stars');
    const home = await waitText(customer, '100 Stars cost $1.80');
    assert.deepEqual(buttonsOf(home).slice(0, 4).map((button) => button.text), ['100 ⭐ — $1.80', '250 ⭐ — $4.50', '500 ⭐ — $9.00', '1,000 ⭐ — $18.00']);
    await press(customer, '250 ⭐ — $4.50');
    await waitText(customer, '250 ⭐ for $4.50. Who gets them?');
    await customer.send('@bad');
    await waitText(customer, 'That does not look like a Telegram username');
    await customer.send('@friend_user');
    const created = await waitText(customer, /^Order (S-\d+): 250 ⭐ for @friend_user, \$4\.50\./);
    const number = /^Order (S-\d+)/.exec(textOf(created))?.[1] ?? '';
    const orderId = await starsOrderId(number);
    await press(customer, '💳 Pay $4.50');
    const methods = await waitText(customer, 'Choose how to pay:');
    assert.deepEqual(buttonsOf(methods).map((button) => button.text).slice(0, 2), ['🪙 Crypto (Heleket)', '🪙 USDT transfer']);
    await press(customer, '🪙 Crypto (Heleket)');
    const link = await waitText(customer, /^Payment #\d+: \$4\.50\./);
    const url = buttonsOf(link).find((button) => button.url)?.url ?? '';
    const uuid = url.split('/pay/')[1] ?? '';
    assert.ok(fake.invoices.has(uuid), `the button opens Heleket's page: ${url}`);
    assert.equal(fake.invoices.get(uuid)?.amount, '4.50');
    assert.equal(fake.invoices.get(uuid)?.currency, 'USD');

    const { response } = await fake.pay(uuid);
    assert.equal(response?.status, 200);
    await waitText(customer, `✅ Order ${number} is paid. 250 ⭐ will be sent to @friend_user shortly.`);
    await waitText(customer, `🚚 Order ${number}: sending 250 ⭐ to @friend_user.`);
    // Staff are told in the business language (ru) with delivery buttons.
    const task = await waitText(admin, `Доставьте заказ ${number}`);
    assert.deepEqual(buttonsOf(task).map((button) => button.callback_data), [`stars:ok:${orderId}`, `stars:fail:${orderId}`]);
    await press(admin, (button) => button.callback_data === `stars:ok:${orderId}`);
    await waitText(customer, `🎉 Order ${number}: 250 ⭐ delivered to @friend_user.`);
    const history = await lavka.app.services.stars!.history(orderId);
    assert.deepEqual(history.map((row) => row.to_status), ['awaiting_payment', 'paid', 'delivering', 'delivered']);
    // The webhook replayed after delivery changes nothing.
    await fake.deliver(`${lavka.app.url}/public/payments/webhooks/heleket`, fake.webhookBody(uuid));
    assert.equal((await lavka.app.services.stars!.get(orderId))?.status, 'delivered');
  });

  test('a custom amount paid by a manual transfer; a failed delivery is refunded by an admin', async () => {
    await customer.send('/stars');
    await waitText(customer, '100 Stars cost');
    await press(customer, '✏️ Another amount');
    await waitText(customer, 'How many Stars? From 50 to 10,000.');
    await customer.send('20');
    await waitText(customer, 'Please send a whole number from 50 to 10,000.');
    await customer.send('75');
    await waitText(customer, '75 ⭐ for $1.35. Who gets them?');
    await press(customer, 'To me (@arman_k)');
    const created = await waitText(customer, /^Order (S-\d+): 75 ⭐ for @arman_k, \$1\.35\./);
    const number = /^Order (S-\d+)/.exec(textOf(created))?.[1] ?? '';
    const orderId = await starsOrderId(number);
    await press(customer, '💳 Pay $1.35');
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '🪙 USDT transfer');
    const requisites = await waitText(customer, /^Transfer request #(\d+): \$1\.35/);
    const paymentId = Number(/#(\d+)/.exec(textOf(requisites))?.[1]);
    await customer.sendPhoto(qrToPng(encodeQr('tx'), 3));
    await waitText(customer, 'Receipt received.');
    await admin.waitForMessage((message) => textOf(message).includes(`Transfer request #${paymentId}`));
    await press(admin, (button) => button.callback_data === `pay:ap:${paymentId}`);
    await waitText(customer, `✅ Order ${number} is paid.`);
    await waitText(admin, new RegExp(`(Доставьте заказ|Deliver order) ${number}`));
    await press(admin, (button) => button.callback_data === `stars:fail:${orderId}`);
    await waitText(customer, `⚠️ Order ${number}: the delivery failed.`);
    await admin.send(`/refund ${paymentId}`);
    await waitText(admin, `↩️ Refund of payment #${paymentId} recorded. Return $1.35 to the customer through manual transfers yourself.`);
    await waitText(customer, `↩️ Order ${number} was refunded.`);
    assert.equal((await lavka.app.services.stars!.get(orderId))?.status, 'refunded');
  });

  test('an order whose crypto invoice expires is closed cleanly and the customer is told', async () => {
    const order = await lavka.app.services.stars!.createOrder({ userId: CUSTOMER, stars: 100, recipient: 'arman_k', locale: 'en' });
    const { payment } = await lavka.app.services.payments!.start({ userId: CUSTOMER, purpose: 'stars', ref: String(order.id), method: 'heleket', locale: 'en' });
    await fake.pay(payment.external_id as string, { status: 'cancel' });
    await waitText(customer, `⌛ Order ${order.order_number} was not paid in time and has been closed.`);
    assert.equal((await lavka.app.services.stars!.get(order.id))?.status, 'expired');
    assert.equal((await lavka.app.services.payments!.get(payment.id))?.status, 'expired');
  });

  test('a crypto payment refunded in Heleket refunds the order in Lavka; one refunded after delivery is recorded and staff settle it', async () => {
    const stars = lavka.app.services.stars!;
    const payments = lavka.app.services.payments!;
    const order = await stars.createOrder({ userId: CUSTOMER, stars: 100, recipient: 'arman_k', locale: 'en' });
    const { payment } = await payments.start({ userId: CUSTOMER, purpose: 'stars', ref: String(order.id), method: 'heleket', locale: 'en' });
    const uuid = payment.external_id as string;
    await fake.pay(uuid);
    await waitText(customer, `✅ Order ${order.order_number} is paid.`);
    const inProcess = await fake.pay(uuid, { status: 'refund_process' });
    assert.equal(inProcess.response?.status, 200);
    assert.notEqual((await stars.get(order.id))?.status, 'refunded', 'nothing moves while the refund is in process');
    await fake.pay(uuid, { status: 'refund_paid' });
    await waitText(customer, `↩️ Order ${order.order_number} was refunded.`);
    assert.equal((await stars.get(order.id))?.status, 'refunded');
    assert.equal((await payments.get(payment.id))?.status, 'refunded');

    // Delivered first, then refunded in Heleket: the Stars cannot be taken back, so staff are told.
    const delivered = await stars.createOrder({ userId: CUSTOMER, stars: 100, recipient: 'arman_k', locale: 'en' });
    const second = await payments.start({ userId: CUSTOMER, purpose: 'stars', ref: String(delivered.id), method: 'heleket', locale: 'en' });
    await fake.pay(second.payment.external_id as string);
    await waitText(admin, new RegExp(`(Доставьте заказ|Deliver order) ${delivered.order_number}`));
    await press(admin, (button) => button.callback_data === `stars:ok:${delivered.id}`);
    await waitText(customer, `🎉 Order ${delivered.order_number}`);
    await fake.pay(second.payment.external_id as string, { status: 'refund_paid' });
    await waitText(admin, new RegExp(`Payment #${second.payment.id} .*was returned through heleket, but what it paid for could not be taken back: stars\\.already_delivered`));
    assert.equal((await stars.get(delivered.id))?.status, 'delivered');
    assert.equal((await payments.get(second.payment.id))?.status, 'refunded');
  });

  test('a Stars order is an order: the owner lists it in the panel, the customer finds it in /my_orders, and the transfer card shows its number, amount, Stars, customer and local time', async () => {
    await customer.send('/stars');
    await waitText(customer, '100 Stars cost');
    await press(customer, '100 ⭐ — $1.80');
    await waitText(customer, '100 ⭐ for $1.80. Who gets them?');
    await customer.send('@friend_user');
    const created = await waitText(customer, /^Order (S-\d+): 100 ⭐ for @friend_user, \$1\.80\./);
    const number = /^Order (S-\d+)/.exec(textOf(created))?.[1] ?? '';
    const orderId = await starsOrderId(number);
    const purchase = await lavka.app.services.stars!.get(orderId);
    assert.ok(purchase?.order_id, 'the purchase is an order of the orders module');

    // The owner's panel: the orders page is theirs, and the one list narrowed to Stars shows it.
    const owner = (await staffSessions(lavka, ADMIN)).get('owner');
    assert.ok(owner);
    const me = await lavka.app.http.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { cookie: owner.cookie } });
    assert.ok((me.json() as { pages: string[] }).pages.includes('orders'), me.body);
    const listed = await lavka.app.http.inject({ method: 'GET', url: '/api/orders?kind=stars', headers: { cookie: owner.cookie } });
    assert.equal(listed.statusCode, 200, listed.body);
    const row = (listed.json() as { orders: { id: number; number: string; kind: string; status: string; total_minor: number; currency: string; contact_name: string }[] }).orders.find((order) => order.number === number);
    assert.deepEqual(row && { kind: row.kind, status: row.status, total: row.total_minor, currency: row.currency, customer: row.contact_name }, { kind: 'stars', status: 'awaiting_payment', total: 180, currency: 'USD', customer: 'Arman (@arman_k)' });

    // The customer's one list: /my_orders, and /my_stars leads to the same list.
    for (const command of ['/my_orders', '/my_stars']) {
      await customer.send(command);
      const list = await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text.startsWith(`${number} ·`)), { timeoutMs: 5000 });
      assert.equal(buttonsOf(list).find((button) => button.text.startsWith(`${number} ·`))?.text, `${number} · awaiting payment · $1.80`);
    }
    await press(customer, (button) => button.text.startsWith(`${number} ·`));
    const card = await waitText(customer, `⭐ Order ${number} — awaiting payment`);
    assert.match(textOf(card), /100 ⭐ → @friend_user\nAmount: \$1\.80/);

    // Paid by a transfer: staff decide on one card of the order.
    await press(customer, '💳 Pay $1.80');
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '🪙 USDT transfer');
    const requisites = await waitText(customer, /^Transfer request #(\d+): \$1\.80/);
    const paymentId = Number(/#(\d+)/.exec(textOf(requisites))?.[1]);
    await customer.sendPhoto(qrToPng(encodeQr('tx-2'), 3));
    await waitText(customer, 'Receipt received.');
    // The admin reads English: the request and the order's card come in English.
    const receipt = await admin.waitForMessage((message) => textOf(message).includes(`Transfer request #${paymentId}`), { timeoutMs: 8000 });
    const placedAt = formatDateTime(purchase.created_at, 'en', 'Asia/Almaty');
    assert.notEqual(placedAt, formatDateTime(purchase.created_at, 'en', 'UTC'));
    assert.equal(
      textOf(receipt),
      [`🧾 Transfer request #${paymentId}: approve it once the money has arrived.`, '', `⭐ Order ${number} — awaiting payment`, 'Customer: Arman (@arman_k)', '100 ⭐ → @friend_user', `Amount: ${formatMoney(180, 'USD', 'en')}`, 'Payment: 🪙 USDT transfer', `Placed: ${placedAt}`].join('\n'),
    );
    const mention = (receipt.caption_entities ?? []).find((entity) => entity.type === 'text_mention');
    assert.equal(mention?.user?.id, CUSTOMER, 'the customer\'s name opens their profile');
    // The panel's list of requests names the order and the method as the bot does, not "Top-up" and a variant id.
    const requests = await lavka.app.http.inject({ method: 'GET', url: '/api/payments?status=pending&provider=manual&locale=en', headers: { cookie: owner.cookie } });
    const request = (requests.json() as { payments: { id: number; subject: string | null; methodLabel: string }[] }).payments.find((item) => item.id === paymentId);
    assert.deepEqual(request && [request.subject, request.methodLabel], [`Order ${number} · 100 ⭐ → @friend_user`, '🪙 USDT transfer']);
    await press(admin, (button) => button.callback_data === `pay:ap:${paymentId}`);
    await waitText(customer, `✅ Order ${number} is paid.`);
    const paid = await lavka.app.http.inject({ method: 'GET', url: `/api/orders/${purchase.order_id}`, headers: { cookie: owner.cookie } });
    const after = (paid.json() as { order: { status: string; payment_method: string; payment_id: number } }).order;
    // Paid, and handed to staff for delivery at once.
    assert.ok(['paid', 'delivering'].includes(after.status), after.status);
    assert.deepEqual([after.payment_method, after.payment_id], ['manual.crypto', paymentId]);
  });

  test('staff /stats counts the Stars sold and orders by status, and /export sends every Stars order', async () => {
    const purchases = await lavka.app.services.stars!.listForUser(CUSTOMER, 100);
    const delivered = purchases.filter((order) => order.status === 'delivered');
    assert.ok(delivered.length > 0, 'earlier tests delivered Stars');
    const sold = delivered.reduce((sum, order) => sum + order.stars, 0);
    await admin.send('/stats');
    const stats = await waitText(admin, '⭐ Telegram Stars');
    assert.match(textOf(stats), new RegExp(`• sold: ${sold} ⭐ in ${delivered.length} orders?`));
    const refunded = purchases.filter((order) => order.status === 'refunded').length;
    assert.match(textOf(stats), new RegExp(`• refunded: ${refunded}`));

    await admin.send('/export all');
    const csvMessage = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.csv') === true, { timeoutMs: 8000 });
    const csv = readCsv(lavka.sim.file(csvMessage.document?.file_id ?? '')?.data ?? new Uint8Array());
    const rows = csv.slice(1);
    const numbered = purchases.filter((order) => order.order_number !== null);
    assert.deepEqual(rows.map((row) => row[0]).sort(), numbered.map((order) => order.order_number).sort());
    const first = numbered.find((order) => order.stars === 250);
    const line = rows.find((row) => row[0] === first?.order_number);
    assert.equal(line?.[8], '250 ⭐ → @friend_user × 1');
    assert.equal(line?.[10], '4.5');
  });

  test('readiness reports the gateway\'s circuit', async () => {
    const response = await fetch(`${lavka.app.url}/health/ready`);
    const body = (await response.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
    assert.deepEqual(body.checks.find((check) => check.name === 'payments.heleket'), { name: 'payments.heleket', ok: true, detail: 'circuit closed' });
  });
});
