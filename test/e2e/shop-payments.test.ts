import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Update } from 'grammy/types';
import { invoicePayload } from '../../src/modules/payments/providers/telegram-stars.provider.ts';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';

const ADMIN = 9201;
const CUSTOMER = 8201;
const PICKUP_POINT = '10 Abay Ave, Almaty';
/** A test payment provider's token, as @BotFather gives one; the simulator charges no real card for it. */
const CARD_TOKEN = '381764678:TEST:lavka-shop-card';
/**
 * The shop also takes Stars at 10 ₸ for digital products: its mugs and stickers are physical,
 * so Telegram's payment rules keep Stars off their orders whatever the settings say.
 */
const STARS_ON_CONFIG = 'settings:\n  orders:\n    payment: { minorPerStar: 1000 }\n  payments:\n    methods: [stars, card, heleket, qr, manual]\n';

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];
const labelsOf = (message: ViewMessage | undefined) => buttonsOf(message).map((button) => button.text);

/** Business settings layered over the shop preset for one suite. */
function writeConfig(yaml: string): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-shop-payments-e2e-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Presses a button and waits for the bot's answer to that press (its toast). */
async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { messageId?: number } = {}) {
  const result = await user.pressButton(label, options);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

/** Waits for a bot message or edit whose text or caption contains or matches `match`. */
function waitText(user: SimUser, match: RegExp | string, timeoutMs = 5000) {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}

/**
 * Puts one product in the cart and goes through the checkout to the confirmation, as a
 * customer does. Returns the summary shown before confirming, the order number and the
 * message that follows "Order … is placed!".
 */
async function checkout(lavka: TestLavka, customer: SimUser, productTitle: string) {
  const product = (await lavka.app.services.catalog?.search(productTitle, 1, 'en'))?.products[0];
  assert.ok(product, productTitle);
  await customer.send(`/start p_${product.id}`);
  await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith(productTitle));
  await press(customer, '🛒 Add to cart');
  await customer.send('/cart');
  await waitText(customer, '🧺 Your cart');
  await press(customer, '✅ Checkout');
  await waitText(customer, 'How would you like to get your order?');
  await customer.pressReplyButton('🏪 Pickup');
  await waitText(customer, 'Choose a pickup point');
  await customer.pressReplyButton(PICKUP_POINT);
  await waitText(customer, 'Share your phone number');
  await customer.pressReplyButton('📱 Share my phone number');
  await waitText(customer, 'Any comment for the order?');
  await customer.pressReplyButton('Skip');
  const summary = await waitText(customer, 'Please check your order:');
  await customer.pressReplyButton('✅ Confirm the order');
  const placed = await waitText(customer, /Order A-\d+ is placed!/);
  const number = /A-\d+/.exec(textOf(placed))?.[0] ?? '';
  // The order's summary with its payment choices; an outbox notification about the new order
  // may arrive in between, so wait for the screen itself.
  const next = await customer.waitForMessage(
    (message) => message.message_id > placed.message_id && Boolean(message.reply_markup?.inline_keyboard.flat().some((button) => button.text === '📦 My orders')),
  );
  const order = await lavka.app.services.orders?.getByNumber(number);
  assert.ok(order, number);
  return { summary, number, order, next, stock: product.stock, productId: product.id };
}

/** Everything the simulated card provider has charged, in minor units, counted from the paid invoices. */
function chargedBy(lavka: TestLavka): () => number {
  let total = 0;
  lavka.sim.events.subscribe((event) => {
    if (event.type === 'invoice_paid' && event.payment.currency === 'KZT') total += Number(event.payment.total_amount);
  });
  return () => total;
}

describe('paying for shop orders through the simulator', () => {
  let lavka: TestLavka;
  let customer: SimUser;
  let admin: SimUser;
  let paid: Awaited<ReturnType<typeof checkout>>;
  let paymentId = 0;
  let chargeId = '';
  let providerChargeId = '';
  let config: { file: string; remove(): void };
  let charged: () => number;

  before(async () => {
    config = writeConfig(STARS_ON_CONFIG);
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN], env: { LAVKA_CONFIG: config.file, PAYMENTS_PROVIDER_TOKEN: CARD_TOKEN } });
    charged = chargedBy(lavka);
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'ru', hasStartedBot: true });
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', last_name: 'S', language_code: 'en', phone_number: '+77011234567' });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('after confirming an order the customer sees its summary with the bank card and "Pay on delivery", and no Telegram Stars for a mug', async () => {
    paid = await checkout(lavka, customer, 'Lavka mug');
    assert.match(textOf(paid.summary), /Payment: online or on delivery, you choose right after confirming/);
    const screen = textOf(paid.next);
    assert.ok(screen.startsWith(`🧾 Order ${paid.number}\n`), screen);
    assert.match(screen, /• Lavka mug × 1 — ₸3,490/);
    assert.match(screen, /Total: ₸3,490/);
    assert.match(screen, new RegExp(`Pickup: ${PICKUP_POINT}`));
    assert.match(screen, /How would you like to pay\?$/);
    // Stars are turned on, but a mug is a physical good; crypto and transfers need secrets or requisites this shop has not.
    assert.deepEqual(labelsOf(paid.next), ['💳 Bank card', '🤝 Pay on delivery', '📦 My orders', '« Main menu']);
    const forged = await customer.pressCallback(paid.next.message_id, `pay:go:order:${paid.order.id}:stars`);
    assert.ok(forged, 'a forged Stars button is answered');
    await waitText(customer, /^Telegram Stars pay only for digital goods and services: please choose another way to pay\./);
    assert.deepEqual(await lavka.app.services.payments?.listForPurpose('order', String(paid.order.id)), [], 'and opens no payment');
    for (const button of buttonsOf(paid.next)) assert.ok(Buffer.byteLength(button.callback_data ?? '') <= 64);
    assert.equal(paid.order.payment_method, 'on_delivery', 'until it is paid online');
  });

  test('paying by card marks the order paid; the customer and staff are told, and /my_orders shows it paid', async () => {
    await press(customer, '💳 Bank card', { messageId: paid.next.message_id });
    // The invoice goes out first, then the payment screen becomes the note that points at it.
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    const note = await waitText(customer, /^Invoice #\d+ for ₸3,490 is below/);
    assert.equal(note.message_id, paid.next.message_id, 'the payment screen turns into the invoice note');
    paymentId = Number(/#(\d+)/.exec(textOf(note))?.[1]);
    assert.deepEqual(invoice.invoice && { title: invoice.invoice.title, currency: invoice.invoice.currency, total: invoice.invoice.total_amount }, { title: `Order ${paid.number}`, currency: 'KZT', total: 349_000 });
    const result = await customer.payInvoice(invoice.message_id);
    assert.equal(result.status, 'paid');
    chargeId = result.status === 'paid' ? result.chargeId : '';
    providerChargeId = result.status === 'paid' ? String((result.message.successful_payment as { provider_payment_charge_id?: string }).provider_payment_charge_id) : '';
    assert.ok(providerChargeId, 'the provider names its charge');
    await waitText(customer, `✅ Payment received: ₸3,490 for order ${paid.number} (payment #${paymentId}).`);
    const notified = await waitText(customer, `Your order ${paid.number} is now: 💳 Paid`, 15_000);
    assert.ok(labelsOf(notified).includes('Open the order'));
    const alert = await waitText(admin, new RegExp(`^💳 Заказ ${paid.number} оплачен: 3\\s490\\s₸ \\(платёж №${paymentId}\\)\\.`), 15_000);
    assert.match(textOf(alert), new RegExp(`Оплата: 💳 банковская карта, оплачен \\(платёж №${paymentId}\\)`));
    assert.ok(labelsOf(alert).includes('🛠 В работу'), 'staff can move the paid order on');

    const order = await lavka.app.services.orders?.detail(paid.order.id);
    assert.deepEqual([order?.status, order?.payment_method, order?.payment_id], ['paid', 'card', paymentId]);
    assert.equal(order?.history.at(-1)?.actor_type, 'system');
    assert.deepEqual([(await lavka.app.services.payments?.get(paymentId))?.external_id, charged()], [chargeId, 349_000]);

    await customer.send('/my_orders');
    const list = await waitText(customer, 'Your orders (1)');
    assert.ok(labelsOf(list).includes(`${paid.number} · 💳 Paid · ₸3,490`), labelsOf(list).join(' | '));
    await press(customer, (button) => button.text.startsWith(paid.number));
    const detail = await waitText(customer, `Order ${paid.number} — 💳 Paid`);
    assert.match(textOf(detail), new RegExp(`Payment: 💳 bank card, paid \\(payment #${paymentId}\\)`, 'i'));
    assert.ok(!labelsOf(detail).some((label) => label.startsWith('💳 Pay')), 'a paid order has no "Pay" button');
  });

  test('the same invoice paid again is refused at pre-checkout and a repeated delivery changes nothing: the order is charged once', async () => {
    // Telegram delivers the same successful_payment again (a retried webhook or poll).
    const repeated = {
      update_id: 990_001,
      message: {
        message_id: 99_001,
        date: Math.floor(Date.now() / 1000),
        chat: { id: CUSTOMER, type: 'private', first_name: 'Aigerim' },
        from: { id: CUSTOMER, is_bot: false, first_name: 'Aigerim', language_code: 'en' },
        successful_payment: { currency: 'KZT', total_amount: 349_000, invoice_payload: invoicePayload(paymentId), telegram_payment_charge_id: chargeId, provider_payment_charge_id: providerChargeId },
      },
    } as unknown as Update;
    await lavka.app.bot.handleUpdate(repeated);
    // The same invoice once more, through a link to it (Telegram lets a link be paid again).
    const payments = lavka.app.services.payments;
    assert.ok(payments);
    const payment = await payments.get(paymentId);
    assert.ok(payment);
    const link = await payments.invoiceLink(payment, {
      type: 'telegram_invoice',
      invoice: { title: `Order ${paid.number}`, description: 'Кружка «Лавка» × 1', payload: invoicePayload(paymentId), currency: 'KZT', prices: [{ label: 'Order', amount: 349_000 }], providerToken: CARD_TOKEN },
    });
    const again = await customer.payInvoice(link);
    assert.equal(again.status, 'declined');
    assert.equal(again.status === 'declined' ? again.errorMessage : '', 'This invoice has already been paid or closed.');

    assert.equal(charged(), 349_000, 'no second charge');
    const list = await payments.listForUser(CUSTOMER, 20);
    assert.deepEqual(list.filter((item) => item.purpose_ref === String(paid.order.id)).map((item) => item.status), ['paid']);
    assert.equal((await lavka.app.services.orders?.detail(paid.order.id))?.history.filter((change) => change.to_status === 'paid').length, 1);
    assert.equal(customer.chat().messages.filter((message) => textOf(message).startsWith('✅ Payment received: ₸3,490')).length, 1, 'one confirmation');
  });

  test('a price change before pre-checkout is refused without a charge, and the order card offers to pay the new price', async () => {
    const order = await checkout(lavka, customer, 'Sticker pack');
    await press(customer, '💳 Bank card', { messageId: order.next.message_id });
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.equal(invoice.invoice?.total_amount, 149_000);
    // Staff corrected the order (a discount) after the invoice went out.
    await lavka.app.database.db.updateTable('orders').set({ total_minor: 99_000 }).where('id', '=', order.order.id).execute();
    const before = charged();
    const refused = await customer.payInvoice(invoice.message_id);
    assert.equal(refused.status, 'declined');
    assert.equal(refused.status === 'declined' ? refused.errorMessage : '', 'The price has changed. Please open the invoice again.');
    assert.equal(charged(), before);
    assert.equal((await lavka.app.services.orders?.get(order.order.id))?.status, 'new');

    await customer.send('/my_orders');
    await waitText(customer, 'Your orders (2)');
    await press(customer, (button) => button.text.startsWith(order.number));
    const card = await waitText(customer, `Order ${order.number} — 🆕 New`);
    assert.match(textOf(card), /Payment: on delivery/);
    await press(customer, '💳 Pay ₸990', { messageId: card.message_id });
    const screen = await waitText(customer, `🧾 Order ${order.number}`);
    assert.equal(screen.message_id, card.message_id, 'the card turns into the payment screen');
    assert.deepEqual(labelsOf(screen), ['💳 Bank card', '🤝 Pay on delivery', '« Back to the order']);
    await press(customer, '💳 Bank card', { messageId: screen.message_id });
    const fresh = await customer.waitForMessage((message) => Boolean(message.invoice) && message.message_id > invoice.message_id);
    assert.equal(fresh.invoice?.total_amount, 99_000);
    assert.equal((await customer.payInvoice(fresh.message_id)).status, 'paid');
    await waitText(customer, `✅ Payment received: ₸990 for order ${order.number}`);
    assert.equal((await lavka.app.services.orders?.get(order.order.id))?.status, 'paid');
  });

  test('"Pay on delivery" keeps the order unpaid with its "Pay" button, and a cancelled order cannot be paid any more', async () => {
    const order = await checkout(lavka, customer, 'Lavka pin');
    const alert = await waitText(admin, `Заказ ${order.number}`, 15_000);
    assert.match(textOf(alert), /Оплата: при получении/);
    await press(customer, '🤝 Pay on delivery', { messageId: order.next.message_id });
    const chosen = await waitText(customer, `👍 Order ${order.number}: you pay ₸1,990 on delivery`);
    assert.equal(chosen.message_id, order.next.message_id);
    const stored = await lavka.app.services.orders?.get(order.order.id);
    assert.deepEqual([stored?.status, stored?.payment_method, stored?.payment_id], ['new', 'on_delivery', null]);

    // The customer changes their mind and opens an invoice after all, then cancels the order.
    await press(customer, 'Open the order', { messageId: chosen.message_id });
    const card = await waitText(customer, `Order ${order.number} — 🆕 New`);
    await press(customer, '💳 Pay ₸1,990', { messageId: card.message_id });
    await waitText(customer, `🧾 Order ${order.number}`);
    await press(customer, '💳 Bank card');
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    await customer.send('/my_orders');
    await waitText(customer, 'Your orders (3)');
    await press(customer, (button) => button.text.startsWith(order.number));
    await waitText(customer, `Order ${order.number} — 🆕 New`);
    await press(customer, '✖️ Cancel the order');
    await waitText(customer, `Cancel order ${order.number}?`);
    await press(customer, 'Yes, cancel it');
    await waitText(customer, `Order ${order.number} — ✖️ Cancelled`);
    const before = charged();
    const refused = await customer.payInvoice(invoice.message_id);
    assert.equal(refused.status, 'declined');
    assert.equal(refused.status === 'declined' ? refused.errorMessage : '', 'This item is no longer available.');
    assert.equal(charged(), before);
    assert.equal((await lavka.app.services.catalog?.product(order.productId, 'en'))?.stock, order.stock, 'the cancellation gave the pin back');
  });

  test("staff refund a paid order from its card: the card payment is recorded as refunded (returned in the provider's dashboard), the order is refunded and its stock returns", async () => {
    const alert = admin.chat().messages.find((message) => textOf(message).startsWith(`💳 Заказ ${paid.number} оплачен`));
    assert.ok(alert);
    const before = await lavka.app.services.catalog?.product(paid.productId, 'en');
    const answer = await admin.pressCallback(alert.message_id, `orders:st:${paid.order.id}:paid:refunded`);
    assert.equal(answer?.text, `${paid.number}: ↩️ Возврат`);
    // Telegram has no refund call for card payments: the refund is recorded and the money returned by hand.
    await waitText(customer, `↩️ Payment #${paymentId} (₸3,490) was refunded.`, 15_000);
    // Both notices are written in the refund's transaction; the outbox may send them in either order.
    if (!customer.chat().messages.some((message) => textOf(message) === `Your order ${paid.number} is now: ↩️ Refunded`)) {
      await waitText(customer, `Your order ${paid.number} is now: ↩️ Refunded`, 15_000);
    }
    assert.equal((await lavka.app.services.payments?.get(paymentId))?.status, 'refunded');
    const order = await lavka.app.services.orders?.detail(paid.order.id);
    assert.deepEqual([order?.status, order?.history.at(-1)?.actor_type, order?.history.at(-1)?.actor_id], ['refunded', 'staff', String(ADMIN)]);
    assert.equal((await lavka.app.services.catalog?.product(paid.productId, 'en'))?.stock, (before?.stock ?? 0) + 1, 'the mug never left the shop');
    const stillPaid = (await lavka.app.services.payments?.listForUser(CUSTOMER, 20))?.filter((item) => item.status === 'paid').map((item) => item.amount_minor);
    assert.deepEqual(stillPaid, [99_000], 'only the second order is still paid');
  });
});

describe('paying for shop orders while a payment gateway is down', () => {
  let lavka: TestLavka;
  let config: { file: string; remove(): void };

  before(async () => {
    // Heleket is configured, but nothing listens at its address: every call fails at once.
    config = writeConfig('settings:\n  payments:\n    gateway: { attempts: 1, backoffMs: 0, timeoutMs: 500, failureThreshold: 1, openSeconds: 600 }\n');
    const port = await freePort();
    lavka = await startTestLavka({
      preset: 'shop',
      adminIds: [ADMIN],
      env: { LAVKA_CONFIG: config.file, PAYMENTS_PROVIDER_TOKEN: CARD_TOKEN, HELEKET_MERCHANT_ID: 'merchant-test', HELEKET_API_KEY: 'heleket-test-key', HELEKET_API_URL: `http://127.0.0.1:${port}` },
    });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('a method whose gateway circuit is open is shown paused on the order, and the others still work', async () => {
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', language_code: 'en', phone_number: '+77011234567' });
    const order = await checkout(lavka, customer, 'Tote bag');
    assert.deepEqual(labelsOf(order.next), ['💳 Bank card', '🪙 Crypto (Heleket)', '🤝 Pay on delivery', '📦 My orders', '« Main menu']);
    await press(customer, '🪙 Crypto (Heleket)', { messageId: order.next.message_id });
    await waitText(customer, /^🪙 Crypto \(Heleket\) is temporarily unavailable\. Please choose another method\./);

    await customer.send('/my_orders');
    await waitText(customer, 'Your orders (1)');
    await press(customer, (button) => button.text.startsWith(order.number));
    const card = await waitText(customer, `Order ${order.number} — 🆕 New`);
    await press(customer, '💳 Pay ₸3,990', { messageId: card.message_id });
    const screen = await waitText(customer, `🧾 Order ${order.number}`);
    assert.deepEqual(labelsOf(screen), ['💳 Bank card', '⏸ 🪙 Crypto (Heleket) — temporarily unavailable', '🤝 Pay on delivery', '« Back to the order']);
    const paused = await press(customer, '⏸ 🪙 Crypto (Heleket) — temporarily unavailable', { messageId: screen.message_id });
    assert.equal(paused.text, '🪙 Crypto (Heleket) is temporarily unavailable. Please choose another method.');
    await press(customer, '💳 Bank card', { messageId: screen.message_id });
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.equal((await customer.payInvoice(invoice.message_id)).status, 'paid');
    await waitText(customer, `✅ Payment received: ₸3,990 for order ${order.number}`);
  });
});

describe('the shop without the payments module', () => {
  let lavka: TestLavka;
  let config: { file: string; remove(): void };

  before(async () => {
    config = writeConfig('modules: [catalog, cart, orders, gate, support, faq]\n');
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN], env: { LAVKA_CONFIG: config.file } });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('orders are paid on delivery as before, and nothing offers to pay online', async () => {
    assert.equal(lavka.app.services.payments, undefined);
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', language_code: 'en', phone_number: '+77011234567' });
    const order = await checkout(lavka, customer, 'Lavka mug');
    assert.match(textOf(order.summary), /Payment: on delivery/);
    assert.equal(textOf(order.next), 'What next?');
    assert.deepEqual(labelsOf(order.next), ['📦 My orders', '« Main menu']);
    assert.equal(order.order.payment_method, 'on_delivery');
    await press(customer, '📦 My orders', { messageId: order.next.message_id });
    await waitText(customer, 'Your orders (1)');
    await press(customer, (button) => button.text.startsWith(order.number));
    const card = await waitText(customer, `Order ${order.number} — 🆕 New`);
    assert.ok(!labelsOf(card).some((label) => label.startsWith('💳 Pay')));
    const forged = await customer.pressCallback(card.message_id, `orders:pay:${order.order.id}:1`);
    assert.equal(forged?.text, 'This menu is out of date. Here is a fresh one.');
  });
});
