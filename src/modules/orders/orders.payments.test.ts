import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, startShopServices, testClock, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { ProductView } from '../catalog/catalog.views.ts';
import type { DeliveryChoice } from '../cart/cart.service.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import { invoicePayload } from '../payments/providers/telegram-stars.provider.ts';
import { ORDER_PURPOSE } from './orders.payments.ts';
import { OrdersError, type Order } from './orders.service.ts';

const PICKUP: DeliveryChoice = { method: 'pickup', pickupPoint: 'Алматы, пр. Абая 10' };
const STAFF = 7000;
/** The shop preset without the payments module. */
const OFFLINE_MODULES = ['catalog', 'cart', 'orders', 'gate', 'support', 'faq'];
/**
 * Payments as the owner of a Kazakh shop might set them up: cards (the sandbox's test provider
 * here), a Kaspi transfer, and Stars at 10 ₸ for the digital products it may also sell.
 */
const PAYMENT_SETTINGS = {
  orders: { numberPrefixes: { shop: 'A' }, payment: { minorPerStar: 1000 } },
  payments: {
    methods: ['stars', 'card', 'manual'],
    paymentTtlMinutes: 60,
    manual: { enabled: true, variants: [{ id: 'kaspi', label: '🏦 Kaspi', requisites: 'Kaspi Gold 4400 0000 0000 0000' }] },
  },
};

/** Adds products to a fresh cart and places the order as the checkout does. */
async function placeOrder(shop: ShopServices, userId: number, items: readonly { query: string; quantity: number }[]): Promise<Order> {
  for (const item of items) {
    const product = await findProduct(shop, item.query);
    await shop.services.cart.add(userId, { productId: product.id, variantId: null }, item.quantity);
  }
  const reviewed = await shop.services.cart.review(userId, 'en', PICKUP);
  const result = await shop.services.cart.checkout({
    userId,
    locale: 'en',
    contactName: `User ${userId}`,
    contactPhone: '+77011234567',
    delivery: PICKUP,
    comment: null,
    expectedSignature: reviewed.quote.signature,
  });
  assert.equal(result.status, 'placed');
  if (result.status !== 'placed') throw new Error('not placed');
  return result.order;
}

async function findProduct(shop: ShopServices, query: string): Promise<ProductView> {
  const found = (await shop.services.catalog.search(query, 1, 'en')).products[0];
  assert.ok(found, query);
  return found;
}

/** Outbox rows about an order, by dedupe key. */
async function outboxOf(shop: ShopServices, orderId: number): Promise<Map<string, { chatId: number; text: string; data: string[] }>> {
  const rows = await shop.database.db
    .selectFrom('outbox')
    .select(['chat_id', 'dedupe_key', 'payload'])
    .where('dedupe_key', 'like', `order:${orderId}:%`)
    .execute();
  return new Map(
    rows.map((row) => {
      const payload = JSON.parse(row.payload) as { text: string; reply_markup?: { inline_keyboard: { callback_data: string }[][] } };
      const data = payload.reply_markup?.inline_keyboard.flat().map((button) => button.callback_data) ?? [];
      return [String(row.dedupe_key), { chatId: Number(row.chat_id), text: payload.text, data }];
    }),
  );
}

for (const dialect of await testDialects()) {
  describe(`paying for shop orders through payments on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    let payments: PaymentsService;
    const clock = testClock();
    let nextUser = 6100;
    let failMarkingPaid = false;

    const newUser = async () => {
      nextUser += 1;
      await addUser(shop, nextUser, 'en');
      return nextUser;
    };
    /** Opens a card payment and returns what Telegram delivers once the card is charged. */
    const payByCard = async (userId: number, order: Order, chargeId: string) => {
      const { payment } = await payments.start({ userId, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'card', locale: 'en' });
      return { payment, delivery: { userId, payload: invoicePayload(payment.id), currency: 'KZT', totalAmount: payment.amount_minor, chargeId, providerChargeId: `prov-${chargeId}` } };
    };

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { now: clock.now, adminIds: [STAFF], settings: PAYMENT_SETTINGS });
      assert.ok(shop.services.payments, 'the shop preset enables payments');
      payments = shop.services.payments;
      await shop.services.catalog.seed(shop.config.demo.catalog);
      // A hook that can break marking an order paid, to show it shares the payment's transaction.
      shop.services.orders.onStatusChange(async (_trx, change) => {
        if (failMarkingPaid && change.to === 'paid') throw new Error('simulated failure while marking the order paid');
      });
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test("an order's quote is its total in tenge and in Stars at the configured rate, for its own customer, while it waits for payment; physical goods are not offered Stars", async () => {
      const user = await newUser();
      const order = await placeOrder(shop, user, [{ query: 'Lavka mug', quantity: 2 }]);
      assert.equal(order.payment_method, 'on_delivery', 'paid on delivery unless the customer pays online');
      const purpose = shop.services.orders.payments.purpose;
      const quote = await purpose.quote(String(order.id), user, 'en');
      assert.deepEqual(quote, {
        title: `Order ${order.number}`,
        description: 'Lavka mug × 2',
        fiat: { amountMinor: 698_000, currency: 'KZT' },
        stars: 698,
        digital: false,
      });
      assert.equal(await purpose.quote(String(order.id), user + 1, 'en'), undefined, "someone else's order");
      assert.equal(await purpose.quote('999999', user, 'en'), undefined, 'an unknown order');
      assert.equal(await purpose.quote('1; drop', user, 'en'), undefined, 'a forged ref');
      const offer = await payments.offer(ORDER_PURPOSE, String(order.id), user, 'en');
      assert.deepEqual(offer?.methods.map((method) => [method.id, method.available]), [['card', true], ['manual.kaspi', true]], 'a mug is physical: no Stars');

      await shop.services.orders.changeStatus(order.id, 'confirmed', { role: 'staff', id: STAFF });
      assert.ok(await purpose.quote(String(order.id), user, 'en'), 'a confirmed order is still payable');
      await shop.services.orders.changeStatus(order.id, 'cancelled', { role: 'customer', id: user });
      assert.equal(await purpose.quote(String(order.id), user, 'en'), undefined, 'a cancelled order is not');
      await assert.rejects(payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'card', locale: 'en' }), { code: 'payments.not_payable' });
    });

    test('an order made only of digital products is offered Stars and paid in Stars; one physical line takes the Stars away', async () => {
      const user = await newUser();
      const pack = await findProduct(shop, 'Sticker pack');
      const book = await findProduct(shop, 'How to open a shop');
      // The owner sells the guide as an e-book: marked digital in the panel.
      await shop.services.catalog.updateStaffProduct(book.id, { digital: true });
      try {
        const digital = await placeOrder(shop, user, [{ query: 'How to open a shop', quantity: 1 }]);
        assert.equal((await shop.services.orders.payments.purpose.quote(String(digital.id), user, 'en'))?.digital, true);
        assert.deepEqual((await payments.offer(ORDER_PURPOSE, String(digital.id), user, 'en'))?.methods.map((method) => method.id), ['stars', 'card', 'manual.kaspi']);
        const { payment } = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(digital.id), method: 'stars', locale: 'en' });
        assert.deepEqual([payment.amount_minor, payment.currency], [999, 'XTR']);
        const delivery = { userId: user, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 999, chargeId: `stx-ebook-${user}` };
        assert.equal(await payments.preCheckout(delivery), undefined);
        assert.equal((await payments.recordTelegramPayment(delivery)).status, 'credited');
        assert.deepEqual([(await shop.services.orders.get(digital.id))?.status, (await shop.services.orders.get(digital.id))?.payment_method], ['paid', 'stars']);

        const mixed = await placeOrder(shop, user, [{ query: 'How to open a shop', quantity: 1 }, { query: 'Sticker pack', quantity: 1 }]);
        assert.ok(mixed.lines.some((line) => line.product_id === pack.id));
        assert.deepEqual((await payments.offer(ORDER_PURPOSE, String(mixed.id), user, 'en'))?.methods.map((method) => method.id), ['card', 'manual.kaspi']);
        await assert.rejects(payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(mixed.id), method: 'stars', locale: 'en' }), { code: 'payments.stars_not_allowed' });
        assert.equal((await payments.listForPurpose(ORDER_PURPOSE, String(mixed.id))).length, 0, 'the refused Stars payment left nothing behind');
      } finally {
        await shop.services.catalog.updateStaffProduct(book.id, { digital: false });
      }
    });

    test('a card payment marks the order paid as the system once, however often the charge arrives, with history and notifications', async () => {
      const user = await newUser();
      const mug = await findProduct(shop, 'Lavka mug');
      const order = await placeOrder(shop, user, [{ query: 'Lavka mug', quantity: 1 }]);
      const { payment, delivery } = await payByCard(user, order, `card-order-${user}`);
      assert.deepEqual([payment.amount_minor, payment.currency], [349_000, 'KZT']);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => payments.recordTelegramPayment(delivery)));
      assert.equal(outcomes.filter((outcome) => outcome.status === 'credited').length, 1);
      const credited = outcomes.find((outcome) => outcome.status === 'credited');
      assert.equal(credited?.notice?.text, `✅ Payment received: ₸3,490 for order ${order.number} (payment #${payment.id}).`);

      const paid = await shop.services.orders.detail(order.id);
      assert.equal(paid?.status, 'paid');
      assert.equal(paid?.payment_method, 'card');
      assert.equal(paid?.payment_id, payment.id);
      const last = paid?.history.at(-1);
      assert.deepEqual([last?.from_status, last?.to_status, last?.actor_type, last?.actor_id, last?.note], ['new', 'paid', 'system', null, `payment #${payment.id}`]);
      assert.equal(paid?.history.filter((change) => change.to_status === 'paid').length, 1);
      assert.equal((await shop.services.catalog.product(mug.id, 'en'))?.stock, mug.stock - 1, 'stock was taken at ordering and is not touched by paying');

      const outbox = await outboxOf(shop, order.id);
      const customer = outbox.get(`order:${order.id}:status:paid`);
      assert.equal(customer?.chatId, user);
      assert.equal(customer?.text, `Your order ${order.number} is now: 💳 Paid`);
      const staff = outbox.get(`order:${order.id}:status:paid:staff:${STAFF}`);
      assert.match(staff?.text ?? '', new RegExp(`^💳 Заказ ${order.number} оплачен: 3\\s490\\s₸ \\(платёж №${payment.id}\\)\\.`));
      assert.match(staff?.text ?? '', new RegExp(`Оплата: 💳 банковская карта, оплачен \\(платёж №${payment.id}\\)`));
      assert.ok(staff?.data.includes(`orders:st:${order.id}:paid:in_progress`), 'staff can move it on from the alert');
      assert.equal(await payments.offer(ORDER_PURPOSE, String(order.id), user, 'en'), undefined, 'a paid order is not payable again');
    });

    test('a payment for an order that no longer waits for one changes nothing on it and asks staff to return the money', async () => {
      const user = await newUser();
      const order = await placeOrder(shop, user, [{ query: 'Sticker pack', quantity: 1 }]);
      // Two ways opened before either was paid: a transfer request and a card invoice.
      const transfer = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'manual.kaspi', locale: 'en' });
      const card = await payByCard(user, order, `card-extra-${user}`);
      assert.equal((await payments.recordTelegramPayment(card.delivery)).status, 'credited');
      const late = await payments.confirm(transfer.payment.id, { type: 'admin', id: STAFF });
      assert.equal(late.status, 'credited', 'the money is recorded as received');
      assert.match(late.notice?.text ?? '', new RegExp(`^Payment #${transfer.payment.id} \\(₸1,490\\) is received, but order ${order.number} no longer waits for a payment\\.`));
      const current = await shop.services.orders.get(order.id);
      assert.deepEqual([current?.status, current?.payment_id, current?.payment_method], ['paid', card.payment.id, 'card']);
      const alert = (await outboxOf(shop, order.id)).get(`order:${order.id}:extra_payment:${transfer.payment.id}:staff:${STAFF}`);
      assert.match(alert?.text ?? '', new RegExp(`/refund ${transfer.payment.id}$`));

      // A late card payment of a cancelled order (it passed pre-checkout a moment before) is the same story.
      const cancelled = await placeOrder(shop, user, [{ query: 'Lavka pin', quantity: 1 }]);
      const open = await payByCard(user, cancelled, `card-cancelled-${user}`);
      await shop.services.orders.changeStatus(cancelled.id, 'cancelled', { role: 'customer', id: user });
      assert.equal((await payments.recordTelegramPayment(open.delivery)).status, 'credited');
      const still = await shop.services.orders.get(cancelled.id);
      assert.deepEqual([still?.status, still?.payment_id], ['cancelled', null]);
      assert.ok((await outboxOf(shop, cancelled.id)).has(`order:${cancelled.id}:extra_payment:${open.payment.id}:staff:${STAFF}`));
    });

    test('an expired payment leaves the order unpaid, and the customer can pay it again', async () => {
      const user = await newUser();
      const order = await placeOrder(shop, user, [{ query: 'Tote bag', quantity: 1 }]);
      const first = await payByCard(user, order, `card-expired-${user}`);
      clock.advance(61 * 60_000);
      assert.ok((await payments.expireStale()) >= 1);
      assert.equal((await payments.get(first.payment.id))?.status, 'expired');
      const unpaid = await shop.services.orders.get(order.id);
      assert.deepEqual([unpaid?.status, unpaid?.payment_id, unpaid?.payment_method], ['new', null, 'on_delivery']);
      const again = await payByCard(user, order, `card-again-${user}`);
      assert.equal((await payments.recordTelegramPayment(again.delivery)).status, 'credited');
      assert.equal((await shop.services.orders.get(order.id))?.status, 'paid');
    });

    test('refunding the payment that paid an order marks it refunded and gives its stock back; refunding another payment leaves it alone', async () => {
      const user = await newUser();
      const backpack = await findProduct(shop, 'City backpack');
      const order = await placeOrder(shop, user, [{ query: 'City backpack', quantity: 2 }]);
      const first = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'manual.kaspi', locale: 'en' });
      const second = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'manual.kaspi', locale: 'en' });
      await payments.confirm(first.payment.id, { type: 'admin', id: STAFF });
      await payments.confirm(second.payment.id, { type: 'admin', id: STAFF });
      assert.equal((await shop.services.catalog.product(backpack.id, 'en'))?.stock, backpack.stock - 2);

      await payments.refund(second.payment.id, { type: 'admin', id: STAFF });
      assert.equal((await shop.services.orders.get(order.id))?.status, 'paid', 'the extra payment went back; the order stays paid');

      const { payment, viaProvider } = await payments.refund(first.payment.id, { type: 'admin', id: STAFF });
      assert.equal(viaProvider, false, 'a transfer is returned by hand and the refund recorded');
      assert.equal(payment.status, 'refunded');
      const refunded = await shop.services.orders.detail(order.id);
      assert.equal(refunded?.status, 'refunded');
      const last = refunded?.history.at(-1);
      assert.deepEqual([last?.from_status, last?.actor_type, last?.actor_id, last?.note], ['paid', 'staff', String(STAFF), `payment #${first.payment.id} refunded`]);
      assert.equal((await shop.services.catalog.product(backpack.id, 'en'))?.stock, backpack.stock, 'the goods never left, so they are back on sale');
      assert.equal((await outboxOf(shop, order.id)).get(`order:${order.id}:status:refunded`)?.text, `Your order ${order.number} is now: ↩️ Refunded`);
    });

    test('a shipped order refunded through its payment keeps its stock as it is: the goods are with the customer', async () => {
      const user = await newUser();
      const notebook = await findProduct(shop, 'Dot-grid notebook');
      const order = await placeOrder(shop, user, [{ query: 'Dot-grid notebook', quantity: 1 }]);
      const transfer = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'manual.kaspi', locale: 'en' });
      await payments.confirm(transfer.payment.id, { type: 'admin', id: STAFF });
      for (const to of ['in_progress', 'shipped']) await shop.services.orders.changeStatus(order.id, to, { role: 'staff', id: STAFF });
      await payments.refund(transfer.payment.id, { type: 'admin', id: STAFF });
      assert.equal((await shop.services.orders.get(order.id))?.status, 'refunded');
      assert.equal((await shop.services.catalog.product(notebook.id, 'en'))?.stock, notebook.stock - 1);
    });

    test('a refund is refused while the order cannot be refunded, and nothing changes', async () => {
      const user = await newUser();
      const order = await placeOrder(shop, user, [{ query: 'Logo cap', quantity: 1 }]);
      const transfer = await payments.start({ userId: user, purpose: ORDER_PURPOSE, ref: String(order.id), method: 'manual.kaspi', locale: 'en' });
      await payments.confirm(transfer.payment.id, { type: 'admin', id: STAFF });
      // The order was refunded by hand from its card before the payment's refund was recorded.
      await shop.services.orders.changeStatus(order.id, 'refunded', { role: 'staff', id: STAFF });
      await payments.refund(transfer.payment.id, { type: 'admin', id: STAFF });
      assert.equal((await payments.get(transfer.payment.id))?.status, 'refunded', 'an order already refunded does not block recording the money going back');

      // A custom kind whose paid orders can never be refunded: the payment refund is refused.
      shop.services.orders.registerMachine({
        kind: 'norefund',
        initial: 'new',
        statuses: ['new', 'paid', 'refunded'],
        transitions: [{ from: 'new', to: 'paid', by: ['system'] }],
        voidStatuses: ['refunded'],
        finalStatuses: ['refunded'],
      });
      const custom = await shop.services.orders.place({
        kind: 'norefund',
        userId: user,
        currency: 'KZT',
        lines: [{ kind: 'item', title: 'Custom', unitPriceMinor: 10_000, quantity: 1 }],
        contactName: 'User',
        paymentMethod: 'online',
      });
      await shop.database.db.transaction().execute((trx) => shop.services.orders.markPaid(trx, custom.id, { paymentId: 424_242, method: 'qr', amountMinor: 10_000, currency: 'KZT', locale: 'en' }));
      await assert.rejects(
        shop.database.db.transaction().execute((trx) => shop.services.orders.markRefunded(trx, custom.id, { paymentId: 424_242, actor: { role: 'staff', id: STAFF }, locale: 'en' })),
        (error: unknown) => error instanceof OrdersError && error.code === 'orders.refund_not_allowed',
      );
      assert.equal((await shop.services.orders.get(custom.id))?.status, 'paid');
    });

    test('a failure while marking the order paid rolls the payment back with it, and recovery settles both later', async () => {
      const user = await newUser();
      const order = await placeOrder(shop, user, [{ query: 'Bucket hat', quantity: 1 }]);
      const { payment, delivery } = await payByCard(user, order, `card-fail-${user}`);
      failMarkingPaid = true;
      try {
        assert.equal((await payments.recordTelegramPayment(delivery)).status, 'deferred');
      } finally {
        failMarkingPaid = false;
      }
      assert.equal((await payments.get(payment.id))?.status, 'pending');
      const untouched = await shop.services.orders.detail(order.id);
      assert.deepEqual([untouched?.status, untouched?.payment_id, untouched?.history.length], ['new', null, 1]);
      assert.equal((await outboxOf(shop, order.id)).has(`order:${order.id}:status:paid`), false, 'no notification for a change that did not happen');
      clock.advance(3000);
      assert.ok((await payments.recoverEvents()) >= 1);
      assert.equal((await shop.services.orders.get(order.id))?.status, 'paid');
      assert.equal((await payments.get(payment.id))?.status, 'paid');
    });
  });

  describe(`the shop without online payment on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;

    before(async () => {
      target = await dialect.create();
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test('without the payments module every order is paid on delivery and nothing offers to pay online', async () => {
      shop = await startShopServices(target, { adminIds: [STAFF], modules: OFFLINE_MODULES });
      await shop.services.catalog.seed(shop.config.demo.catalog);
      assert.equal(shop.services.payments, undefined);
      await addUser(shop, 6501, 'en');
      const order = await placeOrder(shop, 6501, [{ query: 'Lavka mug', quantity: 1 }]);
      assert.equal(order.payment_method, 'on_delivery');
      assert.equal(shop.services.orders.payments.isOnline(), false);
      assert.equal(await shop.services.orders.payments.methods(order, 6501, 'en'), undefined);
      assert.equal(shop.services.orders.payments.offersOnDelivery(), true);
    });

    test('when the owner turns pay on delivery off, a new order waits for an online payment', async () => {
      await shop.close();
      shop = await startShopServices(target, {
        adminIds: [STAFF],
        settings: { ...PAYMENT_SETTINGS, orders: { numberPrefixes: { shop: 'A' }, payment: { minorPerStar: 1000, onDelivery: false } } },
      });
      await addUser(shop, 6502, 'en');
      const order = await placeOrder(shop, 6502, [{ query: 'Lavka mug', quantity: 1 }]);
      assert.equal(order.payment_method, 'online');
      assert.equal(shop.services.orders.payments.offersOnDelivery(), false);
      assert.deepEqual((await shop.services.orders.payments.methods(order, 6502, 'en'))?.map((method) => method.id), ['card', 'manual.kaspi']);
    });
  });
}
