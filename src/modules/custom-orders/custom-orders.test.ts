import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { describe, test } from 'node:test';
import { binaryStl, box, jpegBytes } from '../../../test/support/mesh-fixtures.ts';
import { startPrint3dServices, type Print3dServices } from '../../../test/support/print3d.ts';
import { testDialects } from '../../../test/support/services.ts';
import { testClock } from '../../../test/support/shop.ts';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { createTranslator } from '../../telegram/i18n.ts';
import { invoicePayload } from '../payments/providers/telegram-stars.provider.ts';
import { parseDeadline, parsePriceInput, parseQuantity } from './custom-orders.input.ts';
import { PRINT_PURPOSE } from './custom-orders.purpose.ts';
import { createCustomOrdersRoutes } from './custom-orders.routes.ts';
import { CustomOrdersError, DRAFT_TTL_MS } from './custom-orders.service.ts';
import { CUSTOM_ORDER_STATUSES, PRINT_KIND, SUBSCRIBABLE_STATUSES, TRANSITIONS } from './custom-orders.status.ts';
import { ModelError } from './mesh/errors.ts';
import { orderPaymentView } from '../payments/payments.views.ts';
import { staffRoutes } from '../../../test/support/module-routes.ts';

const STAFF = 7000;
const CUSTOMER = 5001;
/**
 * Cards (the sandbox's test provider here), and a bank transfer staff confirm by hand (refunds
 * of transfers are recorded, the money returned by hand). Stars are listed too: a print job is
 * a physical good, so they are never offered for it.
 */
const PAYMENT_SETTINGS = {
  payments: {
    methods: ['stars', 'card', 'manual'],
    paymentTtlMinutes: 60,
    manual: { enabled: true, variants: [{ id: 'kaspi', label: '🏦 Kaspi', requisites: 'Kaspi Gold 4400 0000 0000 0000' }] },
  },
};

/** An order of a 10 mm cube in white PLA at 20 %, placed by `userId`; its id. */
async function placeCube(lavka: Print3dServices, userId = CUSTOMER, manualQuote = false, quantity = 1): Promise<number> {
  await lavka.users.register({ id: userId, first_name: 'Customer', language_code: 'en' });
  const file = await lavka.customOrders.acceptFile({ userId, fileName: 'cube.stl', telegramFileId: `file-${userId}`, bytes: binaryStl(box([10, 10, 10])) });
  const order = await lavka.customOrders.placeOrder({
    userId,
    contactName: 'Customer',
    fileIds: [file.id],
    technology: 'fdm',
    material: 'pla',
    colour: 'white',
    infillPercent: 20,
    quantity,
    comment: 'Matte, please',
    deadline: null,
    manualQuote,
    previewFileId: null,
  });
  return order.id;
}

async function outboxFor(lavka: Print3dServices, chatId: number) {
  const rows = await lavka.database.db.selectFrom('outbox').select(['method', 'payload', 'dedupe_key']).where('chat_id', '=', chatId).orderBy('id').execute();
  return rows.map((row) => ({
    method: row.method,
    payload: JSON.parse(row.payload) as { text?: string; reply_markup?: { inline_keyboard: { callback_data: string }[][] } },
    key: row.dedupe_key,
  }));
}

async function rejects(run: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof CustomOrdersError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

/** Opens a card payment for the order at its current price; what Telegram would deliver once the card is charged. */
async function cardPayment(lavka: Print3dServices, orderId: number, userId: number, chargeId: string) {
  const order = await lavka.customOrders.get(orderId);
  assert.ok(order);
  const { payment } = await lavka.payments.start({ userId, purpose: PRINT_PURPOSE, ref: lavka.customOrders.payRef(order), method: 'card', locale: 'en' });
  return { payment, delivery: { userId, payload: invoicePayload(payment.id), currency: 'KZT', totalAmount: payment.amount_minor, chargeId, providerChargeId: `prov-${chargeId}` } };
}

for (const dialect of await testDialects()) {
  describe(`custom orders on ${dialect.name}`, () => {
    const withLavka = (run: (lavka: Print3dServices, clock: ReturnType<typeof testClock>) => Promise<void>) => async () => {
      const target = await dialect.create();
      const clock = testClock();
      const lavka = await startPrint3dServices(target, { now: clock.now, adminIds: [STAFF], settings: PAYMENT_SETTINGS });
      try {
        await run(lavka, clock);
      } finally {
        await lavka.close();
        await target.drop();
      }
    };

    test(
      'a file that is not a model is refused and leaves no row; a model is stored with its bytes',
      withLavka(async (lavka) => {
        await assert.rejects(lavka.customOrders.acceptFile({ userId: CUSTOMER, fileName: 'cat.stl', telegramFileId: 'x', bytes: jpegBytes() }), ModelError);
        assert.equal((await lavka.database.db.selectFrom('custom_order_files').select('id').execute()).length, 0);
        const bytes = binaryStl(box([10, 10, 10]));
        const file = await lavka.customOrders.acceptFile({ userId: CUSTOMER, fileName: 'cube.stl', telegramFileId: 'y', bytes });
        assert.equal(file.format, 'stl');
        assert.ok(Math.abs(file.measurements.volumeCm3 - 1) < 1e-6);
        const data = await lavka.database.db.selectFrom('custom_order_file_data').select(['content']).where('file_id', '=', file.id).executeTakeFirstOrThrow();
        assert.deepEqual(new Uint8Array(data.content), bytes);
      }),
    );

    test(
      'placing an order with the automatic quote stores an order with its line and history and the job beside it, awaiting payment, with one staff alert',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const db = lavka.database.db;
        const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.kind, row.number, row.user_id, row.status, row.currency, row.total_minor, row.contact_name, row.comment, row.payment_method, row.payment_id],
          // 1 cm³ of PLA is far below the 2 000 ₸ minimum order.
          [PRINT_KIND, 'P-1001', CUSTOMER, 'awaiting_payment', 'KZT', 200_000, 'Customer', 'Matte, please', 'online', null],
        );
        const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).execute();
        assert.deepEqual(lines.map((line) => [line.line_kind, line.title, line.unit_price_minor, line.quantity, line.total_minor]), [
          ['item', '3D-печать: FDM — пластиковая нить · PLA · Белый · заполнение 20 %', 200_000, 1, 200_000],
        ]);
        const history = await db.selectFrom('order_status_history').selectAll().where('order_id', '=', id).orderBy('id').execute();
        assert.deepEqual(history.map((change) => [change.from_status, change.to_status, change.actor_type]), [
          [null, 'new', 'customer'],
          ['new', 'quoted', 'system'],
          ['quoted', 'awaiting_payment', 'customer'],
        ]);
        const job = await db.selectFrom('custom_orders').selectAll().where('order_id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual([job.technology, job.material, job.colour, job.infill_percent, job.quantity, job.quote_version, job.manual_quote], ['fdm', 'pla', 'white', 20, 1, 1, 0]);

        const order = await lavka.customOrders.detail(id);
        assert.equal(order?.number, 'P-1001');
        assert.equal(order?.quotes[0]?.accepted_at !== null, true);
        const staff = await outboxFor(lavka, STAFF);
        assert.deepEqual(staff.map((item) => item.method), ['sendMessage', 'sendDocument']);
        assert.match(staff[0]?.payload.text ?? '', /P-1001 — Ожидает оплаты/);
        assert.equal((await outboxFor(lavka, CUSTOMER)).length, 0, 'the customer saw everything in the chat');
        // The files belong to the order now: they cannot be used for another.
        await rejects(
          lavka.customOrders.placeOrder({ userId: CUSTOMER, contactName: 'C', fileIds: order?.files.map((file) => file.id) ?? [], technology: 'fdm', material: 'pla', colour: 'white', infillPercent: 20, quantity: 1, comment: null, deadline: null, manualQuote: false, previewFileId: null }),
          'custom_orders.files_missing',
        );
        assert.equal((await db.selectFrom('orders').select('id').execute()).length, 1, 'the refused order left nothing behind');
        // Print jobs are the orders module's orders: one list for the customer.
        assert.deepEqual((await lavka.orders.listForUser(CUSTOMER, 1, 10)).orders.map((item) => item.number), ['P-1001']);
      }),
    );

    test(
      'staff status changes notify the customer only about the statuses they chose',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        await lavka.customOrders.toggleSubscription(CUSTOMER, 'printing');
        const staff = { role: 'staff' as const, id: STAFF };
        await lavka.customOrders.changeStatus(id, 'paid', staff);
        await lavka.customOrders.changeStatus(id, 'printing', staff);
        await lavka.customOrders.changeStatus(id, 'ready', staff);
        await lavka.customOrders.changeStatus(id, 'shipped', staff);
        const sent = await outboxFor(lavka, CUSTOMER);
        assert.deepEqual(
          sent.map((row) => row.key?.replace(/:\d+$/, '')),
          [`order:${id}:status:paid`, `order:${id}:status:ready`, `order:${id}:status:shipped`],
        );
        assert.match(sent[2]?.payload.text ?? '', /Order P-1001 is shipped/);
        assert.deepEqual(await lavka.customOrders.subscriptionsOf(CUSTOMER), SUBSCRIBABLE_STATUSES.filter((status) => status !== 'printing'));
      }),
    );

    test(
      'moves the machine does not allow are refused and change nothing',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const staff = { role: 'staff' as const, id: STAFF };
        const customer = { role: 'customer' as const, id: CUSTOMER };
        await rejects(lavka.customOrders.changeStatus(id, 'shipped', staff), 'custom_orders.transition_not_allowed');
        await rejects(lavka.customOrders.changeStatus(id, 'quoted', staff), 'custom_orders.transition_not_allowed');
        await rejects(lavka.customOrders.changeStatus(id, 'cancelled', { role: 'customer', id: 9999 }), 'custom_orders.not_found');
        await rejects(lavka.customOrders.changeStatus(id, 'paid', staff, { expectedFrom: 'quoted' }), 'custom_orders.status_changed');
        await lavka.customOrders.changeStatus(id, 'paid', staff);
        await rejects(lavka.customOrders.changeStatus(id, 'cancelled', customer), 'custom_orders.transition_not_allowed');
        await rejects(lavka.customOrders.adjustQuote(id, 100, staff), 'custom_orders.transition_not_allowed');
        const order = await lavka.customOrders.detail(id);
        assert.equal(order?.status, 'paid');
        assert.equal(order?.history.length, 4);
        // The orders module's own screens and API leave print jobs to this module.
        assert.equal(lavka.orders.managedBy(PRINT_KIND), 'custom-orders');
      }),
    );

    test(
      'a new price rewrites the line and total, needs the customer to accept it, and the older price can no longer be accepted',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka, CUSTOMER, true, 3);
        const placed = await lavka.customOrders.get(id);
        assert.deepEqual([placed?.status, placed?.total_minor, placed?.quote_version], ['new', 0, 0], 'no price until staff set one');
        assert.equal(await lavka.payments.offer(PRINT_PURPOSE, `${id}_0`, CUSTOMER, 'en'), undefined);
        const staff = { role: 'staff' as const, id: STAFF };
        const quoted = await lavka.customOrders.adjustQuote(id, 500_001, staff, { note: 'hollowed' });
        assert.deepEqual([quoted.status, quoted.quote_version, quoted.total_minor], ['quoted', 2, 500_001]);
        assert.deepEqual(quoted.lines.map((line) => [line.line_kind, line.unit_price_minor, line.quantity, line.total_minor]), [['item', 166_667, 3, 500_001]]);
        const again = await lavka.customOrders.adjustQuote(id, 450_000, staff);
        assert.deepEqual(again.lines.map((line) => [line.line_kind, line.unit_price_minor, line.quantity, line.total_minor]), [['item', 150_000, 3, 450_000]]);
        const row = await lavka.database.db.selectFrom('orders').select(['total_minor', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual([row.total_minor, row.status], [450_000, 'quoted']);
        await rejects(lavka.customOrders.acceptQuote(id, CUSTOMER, 2), 'custom_orders.quote_outdated');
        await rejects(lavka.customOrders.acceptQuote(id, CUSTOMER + 5, again.quote_version), 'custom_orders.not_found');
        const accepted = await lavka.customOrders.acceptQuote(id, CUSTOMER, again.quote_version);
        assert.equal(accepted.status, 'awaiting_payment');
        const offer = await lavka.payments.offer(PRINT_PURPOSE, `${id}_3`, CUSTOMER, 'en');
        assert.deepEqual([offer?.quote.stars, offer?.quote.fiat], [undefined, { amountMinor: 450_000, currency: 'KZT' }]);
        assert.deepEqual(offer?.methods.map((method) => method.id), ['card', 'manual.kaspi'], 'a printed part is physical: no Stars');
        await assert.rejects(lavka.payments.start({ userId: CUSTOMER, purpose: PRINT_PURPOSE, ref: `${id}_3`, method: 'stars', locale: 'en' }), { code: 'payments.stars_not_allowed' });
        // Each new price reached the customer once, with its own accept button.
        const offers = (await outboxFor(lavka, CUSTOMER)).filter((row) => /set the price/.test(row.payload.text ?? ''));
        assert.equal(offers.length, 2);
        assert.match(offers[0]?.payload.text ?? '', /Note from the studio: hollowed/);
        assert.deepEqual(offers.map((row) => row.payload.reply_markup?.inline_keyboard[0]?.[0]?.callback_data), [`co:acc:${id}:2`, `co:acc:${id}:3`]);
        // Staff heard that the customer accepted.
        assert.ok((await outboxFor(lavka, STAFF)).some((row) => /клиент принял цену/.test(row.payload.text ?? '')));
      }),
    );

    test(
      'a price that does not divide over the copies keeps its remainder on a line of its own',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka, CUSTOMER, true, 3);
        const quoted = await lavka.customOrders.adjustQuote(id, 500_002, { role: 'staff', id: STAFF });
        assert.deepEqual(quoted.lines.map((line) => [line.line_kind, line.unit_price_minor, line.quantity, line.total_minor]), [
          ['item', 166_667, 3, 500_001],
          ['fee', 1, 1, 1],
        ]);
        assert.equal(quoted.total_minor, 500_002);
      }),
    );

    test(
      'a card payment marks the order paid once, even when the same payment is delivered twice at the same moment',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const { payment, delivery } = await cardPayment(lavka, id, CUSTOMER, 'card-print-1');
        assert.deepEqual([payment.purpose, payment.purpose_ref, payment.amount_minor, payment.currency], [PRINT_PURPOSE, `${id}_1`, 200_000, 'KZT']);
        assert.equal(await lavka.payments.preCheckout({ payload: delivery.payload, userId: CUSTOMER, currency: 'KZT', totalAmount: 200_000 }), undefined);
        assert.equal(await lavka.payments.preCheckout({ payload: delivery.payload, userId: CUSTOMER, currency: 'KZT', totalAmount: 150_000 }), 'payments.price_changed');
        assert.equal(await lavka.payments.preCheckout({ payload: delivery.payload, userId: 42, currency: 'KZT', totalAmount: 200_000 }), 'payments.not_found');

        const outcomes = await Promise.all([lavka.payments.recordTelegramPayment(delivery), lavka.payments.recordTelegramPayment(delivery)]);
        assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['credited', 'duplicate']);
        assert.equal(outcomes.find((outcome) => outcome.status === 'credited')?.notice?.text, '✅ Payment received, thank you! Order P-1001 goes to print.');
        const order = await lavka.customOrders.detail(id);
        assert.deepEqual([order?.status, order?.payment_id, order?.payment_method], ['paid', payment.id, 'card']);
        assert.equal(order?.history.filter((change) => change.to_status === 'paid').length, 1);
        assert.deepEqual([order?.history.at(-1)?.actor_type, order?.history.at(-1)?.note], ['system', `payment #${payment.id}`]);
        assert.deepEqual(order?.payments.map((item) => item.status), ['paid']);
        const alerts = (await outboxFor(lavka, STAFF)).filter((row) => /оплачен: 2\s000\s₸/.test(row.payload.text ?? ''));
        assert.equal(alerts.length, 1, 'staff told once');
        assert.equal((await outboxFor(lavka, CUSTOMER)).length, 0, 'the payment notice is the bot\'s direct reply');
        assert.equal(await lavka.payments.offer(PRINT_PURPOSE, `${id}_1`, CUSTOMER, 'en'), undefined, 'a paid job is not payable again');
        const stats = await lavka.customOrders.stats();
        assert.deepEqual(stats.periods[0]?.received, [{ currency: 'KZT', amount: 200_000, count: 1 }]);
        assert.deepEqual(stats.periods[0]?.revenue, [{ currency: 'KZT', totalMinor: 200_000 }]);
      }),
    );

    test(
      'an invoice for an older price is refused at pre-checkout, and money arriving for a job that moved is kept and reported to staff',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const stale = await cardPayment(lavka, id, CUSTOMER, 'card-stale');
        const transfer = await lavka.payments.start({ userId: CUSTOMER, purpose: PRINT_PURPOSE, ref: `${id}_1`, method: 'manual.kaspi', locale: 'en' });
        const staff = { role: 'staff' as const, id: STAFF };
        await lavka.customOrders.adjustQuote(id, 300_000, staff);
        assert.equal(await lavka.payments.preCheckout({ payload: stale.delivery.payload, userId: CUSTOMER, currency: 'KZT', totalAmount: stale.payment.amount_minor }), 'payments.price_changed');
        await lavka.customOrders.acceptQuote(id, CUSTOMER, 2);
        assert.equal(await lavka.payments.preCheckout({ payload: stale.delivery.payload, userId: CUSTOMER, currency: 'KZT', totalAmount: stale.payment.amount_minor }), 'payments.price_changed');

        // A transfer opened for the old price is confirmed anyway: received, but it does not pay the new price.
        const late = await lavka.payments.confirm(transfer.payment.id, { type: 'admin', id: STAFF });
        assert.equal(late.status, 'credited');
        assert.match(late.notice?.text ?? '', /The order changed in the meantime/);
        const order = await lavka.customOrders.get(id);
        assert.deepEqual([order?.status, order?.payment_id], ['awaiting_payment', null]);
        const alerts = (await outboxFor(lavka, STAFF)).map((row) => row.payload.text ?? '');
        assert.ok(alerts.some((text) => text.includes(`/refund ${transfer.payment.id}`) && /P-1001/.test(text)), alerts.join('\n---\n'));

        // The current price still pays it.
        const current = await cardPayment(lavka, id, CUSTOMER, 'card-current');
        assert.equal(current.payment.purpose_ref, `${id}_2`);
        assert.equal((await lavka.payments.recordTelegramPayment(current.delivery)).status, 'credited');
        assert.equal((await lavka.customOrders.get(id))?.status, 'paid');

        // A cancelled job is not payable, and its unpaid invoice is refused.
        const other = await placeCube(lavka, CUSTOMER + 1);
        const open = await cardPayment(lavka, other, CUSTOMER + 1, 'card-other');
        await lavka.customOrders.changeStatus(other, 'cancelled', { role: 'customer', id: CUSTOMER + 1 });
        assert.equal(await lavka.payments.preCheckout({ payload: open.delivery.payload, userId: CUSTOMER + 1, currency: 'KZT', totalAmount: open.payment.amount_minor }), 'payments.not_payable');
        assert.ok((await outboxFor(lavka, STAFF)).some((row) => /клиент отменил заказ P-1002/i.test(row.payload.text ?? '')));
      }),
    );

    test(
      'staff cancelling a paid job refund its payment once, record it on the order and tell the customer; the panel does the same',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const transfer = await lavka.payments.start({ userId: CUSTOMER, purpose: PRINT_PURPOSE, ref: `${id}_1`, method: 'manual.kaspi', locale: 'en' });
        await lavka.payments.confirm(transfer.payment.id, { type: 'admin', id: STAFF });
        await lavka.customOrders.changeStatus(id, 'printing', { role: 'staff', id: STAFF });
        assert.deepEqual(lavka.customOrders.nextStatuses({ status: 'printing' }, 'staff'), ['post_processing', 'ready', 'refunded']);

        const staff = { role: 'staff' as const, id: STAFF };
        const [first, second] = await Promise.allSettled([
          lavka.customOrders.changeStatus(id, 'cancelled', staff, { expectedFrom: 'printing' }),
          lavka.customOrders.changeStatus(id, 'cancelled', staff, { expectedFrom: 'printing' }),
        ]);
        const settled = [first, second].filter((outcome) => outcome.status === 'fulfilled');
        assert.equal(settled.length, 1, 'one cancellation refunds; the other finds it done');
        const refused = [first, second].find((outcome) => outcome.status === 'rejected');
        assert.ok(refused?.status === 'rejected' && refused.reason instanceof CustomOrdersError && refused.reason.code === 'custom_orders.status_changed');

        const order = await lavka.customOrders.detail(id);
        assert.equal(order?.status, 'refunded');
        assert.deepEqual(order?.payments.map((payment) => [payment.id, payment.status]), [[transfer.payment.id, 'refunded']]);
        const last = order?.history.at(-1);
        assert.deepEqual([last?.from_status, last?.to_status, last?.actor_type, last?.actor_id, last?.note], ['printing', 'refunded', 'staff', String(STAFF), `payment #${transfer.payment.id} refunded`]);
        const told = (await outboxFor(lavka, CUSTOMER)).map((row) => row.payload.text ?? '');
        assert.deepEqual(told.filter((text) => /cancelled by the studio/.test(text)), ['↩️ Order P-1001 was cancelled by the studio, and your payment of ₸2,000 is returned.']);
        assert.equal(told.filter((text) => /was refunded/.test(text)).length, 1, "the payments module's refund notice, once");
        await rejects(lavka.customOrders.changeStatus(id, 'cancelled', staff), 'custom_orders.transition_not_allowed');
        await assert.rejects(lavka.payments.refund(transfer.payment.id, { type: 'admin', id: STAFF }), { code: 'payments.not_refundable' });

        // From the admin panel: cancelling a paid job refunds it too.
        const other = await placeCube(lavka, CUSTOMER + 1);
        const paid = await lavka.payments.start({ userId: CUSTOMER + 1, purpose: PRINT_PURPOSE, ref: `${other}_1`, method: 'manual.kaspi', locale: 'en' });
        await lavka.payments.confirm(paid.payment.id, { type: 'admin', id: STAFF });
        const api = Fastify();
        await api.register(staffRoutes(createCustomOrdersRoutes({ service: lavka.customOrders, currency: 'KZT', paymentView: orderPaymentView }), 'custom_orders.invalid_request'));
        try {
          const detail = (await api.inject({ method: 'GET', url: `/${other}` })).json() as { order: { number: string; history: unknown[] }; next: string[]; payments: { status: string }[] };
          assert.deepEqual([detail.order.number, detail.next, detail.payments.map((payment) => payment.status), detail.order.history.length], ['P-1002', ['printing', 'refunded'], ['paid'], 4]);
          const stalePanel = await api.inject({ method: 'POST', url: `/${other}/status`, payload: { to: 'cancelled', expectedFrom: 'awaiting_payment' } });
          assert.equal(stalePanel.statusCode, 409);
          const cancelled = await api.inject({ method: 'POST', url: `/${other}/status`, payload: { to: 'cancelled', expectedFrom: 'paid' } });
          assert.equal(cancelled.statusCode, 200, cancelled.body);
          assert.equal((cancelled.json() as { order: { status: string } }).order.status, 'refunded');
          const again = await api.inject({ method: 'POST', url: `/${other}/status`, payload: { to: 'cancelled', expectedFrom: 'paid' } });
          assert.equal(again.statusCode, 409);
        } finally {
          await api.close();
        }
        assert.equal((await lavka.payments.get(paid.payment.id))?.status, 'refunded');
        const panelChange = (await lavka.customOrders.detail(other))?.history.at(-1);
        assert.deepEqual([panelChange?.to_status, panelChange?.actor_id], ['refunded', 'staff:1']);
      }),
    );

    test(
      'abandoned draft files are deleted after a day, files of placed orders stay',
      withLavka(async (lavka, clock) => {
        await placeCube(lavka);
        await lavka.customOrders.acceptFile({ userId: CUSTOMER, fileName: 'left.stl', telegramFileId: 'z', bytes: binaryStl(box([5, 5, 5])) });
        assert.equal(await lavka.customOrders.purgeDrafts(), 0);
        clock.advance(DRAFT_TTL_MS + 1);
        assert.equal(await lavka.customOrders.purgeDrafts(), 1);
        const left = await lavka.database.db.selectFrom('custom_order_files').select('file_name').execute();
        assert.deepEqual(left.map((row) => row.file_name), ['cube.stl']);
        assert.equal((await lavka.database.db.selectFrom('custom_order_file_data').select('file_id').execute()).length, 1);
      }),
    );
  });
}

describe('custom order inputs and texts', () => {
  const now = Date.parse('2026-03-11T06:00:00Z');

  test('deadlines are read as people type them and must lie between today and a year ahead', () => {
    assert.equal(parseDeadline('2026-04-01', 'Asia/Almaty', now), '2026-04-01');
    assert.equal(parseDeadline('01.04.2026', 'Asia/Almaty', now), '2026-04-01');
    assert.equal(parseDeadline('1.4.26', 'Asia/Almaty', now), '2026-04-01');
    assert.equal(parseDeadline('11.03', 'Asia/Almaty', now), '2026-03-11');
    // A day that has passed this year means next year.
    assert.equal(parseDeadline('01.02', 'Asia/Almaty', now), '2027-02-01');
    assert.equal(parseDeadline('10.03.2026', 'Asia/Almaty', now), undefined);
    assert.equal(parseDeadline('31.02.2026', 'Asia/Almaty', now), undefined);
    assert.equal(parseDeadline('31.12.2099', 'Asia/Almaty', now), undefined);
    assert.equal(parseDeadline('soon', 'Asia/Almaty', now), undefined);
  });

  test('prices staff type are read into minor units with an optional note', () => {
    assert.deepEqual(parsePriceInput('12500', 'KZT'), { amountMinor: 1_250_000, note: undefined });
    assert.deepEqual(parsePriceInput('12 500 supports needed', 'KZT'), { amountMinor: 1_250_000, note: 'supports needed' });
    assert.deepEqual(parsePriceInput('12500,5', 'KZT'), { amountMinor: 1_250_050, note: undefined });
    assert.equal(parsePriceInput('0', 'KZT'), undefined);
    assert.equal(parsePriceInput('lots', 'KZT'), undefined);
    assert.equal(parsePriceInput('-5', 'KZT'), undefined);
  });

  test('quantities are whole numbers within the limit', () => {
    assert.equal(parseQuantity(' 12 ', 100), 12);
    assert.equal(parseQuantity('0', 100), undefined);
    assert.equal(parseQuantity('101', 100), undefined);
    assert.equal(parseQuantity('2.5', 100), undefined);
  });

  test('every text the module builds from a status, event or error code exists in Russian, English and Kazakh', () => {
    const i18n = createTranslator({ defaultLocale: 'en' });
    const staffTargets = [...new Set(TRANSITIONS.filter((transition) => transition.by.includes('staff')).map((transition) => transition.to))].filter((status) => status !== 'quoted');
    const ids = [
      ...CUSTOM_ORDER_STATUSES.map((status) => `co-status-${status}`),
      ...staffTargets.map((status) => `co-action-${status}`),
      ...staffTargets.map((status) => `co-notify-${status}`),
      ...['accepted', 'cancelled', 'paid', 'payment_unexpected', 'refund_refused'].map((event) => `co-staff-event-${event}`),
      ...['today', '7d', '30d'].map((period) => `co-stats-period-${period}`),
      ...['empty', 'truncated', 'not_a_model', 'unsupported_format', 'corrupt', 'no_geometry', 'too_large', 'too_many_triangles', 'too_complex'].map((code) => `co-error-model-${code}`),
      'co-line-title',
      'co-line-rounding',
      'co-pay-choose',
      'co-refund-pending',
      'co-refund-failed',
      'co-menu-new-order',
      'co-menu-my-orders',
      'co-menu-subscribe',
    ];
    for (const locale of SUPPORTED_LOCALES) {
      assert.deepEqual(ids.filter((id) => !i18n.has(locale, id)), [], locale);
    }
  });
});
