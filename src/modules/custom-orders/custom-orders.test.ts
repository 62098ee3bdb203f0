import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryStl, box, jpegBytes } from '../../../test/support/mesh-fixtures.ts';
import { startPrint3dServices, type Print3dServices } from '../../../test/support/print3d.ts';
import { testDialects } from '../../../test/support/services.ts';
import { testClock } from '../../../test/support/shop.ts';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { createTranslator } from '../../telegram/i18n.ts';
import { parseDeadline, parsePriceInput, parseQuantity } from './custom-orders.input.ts';
import { CustomOrdersError, DRAFT_TTL_MS } from './custom-orders.service.ts';
import { CUSTOM_ORDER_STATUSES, SUBSCRIBABLE_STATUSES, TRANSITIONS } from './custom-orders.status.ts';
import { ModelError } from './mesh/errors.ts';

const STAFF = 7000;
const CUSTOMER = 5001;

/** An order of a 10 mm cube in white PLA at 20 %, placed by `userId`; its id. */
async function placeCube(lavka: Print3dServices, userId = CUSTOMER, manualQuote = false): Promise<number> {
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
    quantity: 1,
    comment: null,
    deadline: null,
    manualQuote,
    previewFileId: null,
  });
  return order.id;
}

async function outboxFor(lavka: Print3dServices, chatId: number) {
  const rows = await lavka.database.db.selectFrom('outbox').select(['method', 'payload', 'dedupe_key']).where('chat_id', '=', chatId).orderBy('id').execute();
  return rows.map((row) => ({ method: row.method, payload: JSON.parse(row.payload) as { text?: string }, key: row.dedupe_key }));
}

async function rejects(run: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof CustomOrdersError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

for (const dialect of await testDialects()) {
  describe(`custom orders on ${dialect.name}`, () => {
    const withLavka = (run: (lavka: Print3dServices, clock: ReturnType<typeof testClock>) => Promise<void>) => async () => {
      const target = await dialect.create();
      const clock = testClock();
      const lavka = await startPrint3dServices(target, { now: clock.now, adminIds: [STAFF] });
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
      'placing an order with the automatic quote leaves it awaiting payment, with history and one staff alert',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const order = await lavka.customOrders.detail(id);
        assert.equal(order?.status, 'awaiting_payment');
        // 1 cm³ of PLA is far below the 2 000 ₸ minimum order.
        assert.equal(order?.total_minor, 200_000);
        assert.equal(order?.number, 'P-1001');
        assert.deepEqual(order?.history.map((change) => [change.from_status, change.to_status, change.actor_type]), [
          [null, 'new', 'customer'],
          ['new', 'quoted', 'system'],
          ['quoted', 'awaiting_payment', 'customer'],
        ]);
        assert.equal(order?.quotes[0]?.accepted_at !== null, true);
        const staff = await outboxFor(lavka, STAFF);
        assert.deepEqual(staff.map((row) => row.method), ['sendMessage', 'sendDocument']);
        assert.match(staff[0]?.payload.text ?? '', /P-1001/);
        assert.equal((await outboxFor(lavka, CUSTOMER)).length, 0, 'the customer saw everything in the chat');
        // The files belong to the order now: they cannot be used for another.
        await rejects(
          lavka.customOrders.placeOrder({ userId: CUSTOMER, contactName: 'C', fileIds: order?.files.map((file) => file.id) ?? [], technology: 'fdm', material: 'pla', colour: 'white', infillPercent: 20, quantity: 1, comment: null, deadline: null, manualQuote: false, previewFileId: null }),
          'custom_orders.files_missing',
        );
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
        const keys = (await outboxFor(lavka, CUSTOMER)).map((row) => row.key);
        assert.deepEqual(keys, [`custom_order:${id}:status:paid:customer`, `custom_order:${id}:status:ready:customer`, `custom_order:${id}:status:shipped:customer`]);
        assert.match((await outboxFor(lavka, CUSTOMER))[2]?.payload.text ?? '', /Order P-1001 is shipped/);
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
      }),
    );

    test(
      'a payment is recorded once per charge id, and money for an order that moved is kept and reported to staff',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka);
        const invoice = await lavka.customOrders.invoiceFor(id, CUSTOMER);
        assert.equal(invoice.stars, 200);
        assert.deepEqual(await lavka.customOrders.checkPreCheckout({ payload: invoice.payload, userId: CUSTOMER, currency: 'XTR', totalAmount: 200 }), { ok: true });
        assert.deepEqual(await lavka.customOrders.checkPreCheckout({ payload: invoice.payload, userId: CUSTOMER, currency: 'XTR', totalAmount: 150 }), { ok: false, code: 'custom_orders.amount_mismatch' });
        assert.deepEqual(await lavka.customOrders.checkPreCheckout({ payload: invoice.payload, userId: 42, currency: 'XTR', totalAmount: 200 }), { ok: false, code: 'custom_orders.not_found' });
        assert.deepEqual(await lavka.customOrders.checkPreCheckout({ payload: 'co:forged', userId: CUSTOMER, currency: 'XTR', totalAmount: 200 }), { ok: false, code: 'custom_orders.not_found' });

        const payment = { payload: invoice.payload, userId: CUSTOMER, chargeId: 'charge-1', providerChargeId: null, currency: 'XTR', totalAmount: 200 };
        const first = await lavka.customOrders.recordPayment(payment);
        assert.deepEqual([first.duplicate, first.applied, first.order.status], [false, true, 'paid']);
        const second = await lavka.customOrders.recordPayment(payment);
        assert.deepEqual([second.duplicate, second.applied], [true, false]);
        assert.equal((await lavka.customOrders.detail(id))?.payments.length, 1);

        // Another order is cancelled while its invoice is open; the money still arrives.
        const other = await placeCube(lavka, CUSTOMER + 1);
        const otherInvoice = await lavka.customOrders.invoiceFor(other, CUSTOMER + 1);
        await lavka.customOrders.changeStatus(other, 'cancelled', { role: 'customer', id: CUSTOMER + 1 });
        assert.deepEqual(await lavka.customOrders.checkPreCheckout({ payload: otherInvoice.payload, userId: CUSTOMER + 1, currency: 'XTR', totalAmount: 200 }), { ok: false, code: 'custom_orders.not_awaiting_payment' });
        const late = await lavka.customOrders.recordPayment({ ...payment, payload: otherInvoice.payload, userId: CUSTOMER + 1, chargeId: 'charge-2' });
        assert.deepEqual([late.duplicate, late.applied, late.order.status], [false, false, 'cancelled']);
        assert.equal((await lavka.customOrders.detail(other))?.payments.length, 1);
        const alerts = (await outboxFor(lavka, STAFF)).map((row) => row.payload.text ?? '');
        assert.ok(alerts.some((text) => /P-1002/.test(text) && /верните/.test(text)), alerts.join('\n---\n'));
      }),
    );

    test(
      'a new price from staff needs the customer to accept it, and the older price can no longer be accepted',
      withLavka(async (lavka) => {
        const id = await placeCube(lavka, CUSTOMER, true);
        assert.equal((await lavka.customOrders.get(id))?.status, 'new');
        await rejects(lavka.customOrders.invoiceFor(id, CUSTOMER), 'custom_orders.not_awaiting_payment');
        const staff = { role: 'staff' as const, id: STAFF };
        const quoted = await lavka.customOrders.adjustQuote(id, 500_000, staff, { note: 'hollowed' });
        assert.deepEqual([quoted.status, quoted.quote_version], ['quoted', 2]);
        const again = await lavka.customOrders.adjustQuote(id, 450_000, staff);
        await rejects(lavka.customOrders.acceptQuote(id, CUSTOMER, 2), 'custom_orders.quote_outdated');
        await rejects(lavka.customOrders.acceptQuote(id, CUSTOMER + 5, again.quote_version), 'custom_orders.not_found');
        const accepted = await lavka.customOrders.acceptQuote(id, CUSTOMER, again.quote_version);
        assert.equal(accepted.status, 'awaiting_payment');
        assert.equal((await lavka.customOrders.invoiceFor(id, CUSTOMER)).stars, 450);
        const offers = (await outboxFor(lavka, CUSTOMER)).map((row) => row.payload.text ?? '');
        assert.equal(offers.length, 2);
        assert.match(offers[0] ?? '', /Note from the studio: hollowed/);
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
      ...['accepted', 'cancelled', 'paid', 'payment_unexpected'].map((event) => `co-staff-event-${event}`),
      ...['today', '7d', '30d'].map((period) => `co-stats-period-${period}`),
      ...['empty', 'truncated', 'not_a_model', 'unsupported_format', 'corrupt', 'no_geometry', 'too_large', 'too_many_triangles', 'too_complex'].map((code) => `co-error-model-${code}`),
      ...['not-found', 'not-awaiting-payment', 'quote-outdated', 'amount-mismatch'].map((code) => `co-precheckout-${code}`),
      'co-menu-new-order',
      'co-menu-my-orders',
      'co-menu-subscribe',
    ];
    for (const locale of SUPPORTED_LOCALES) {
      assert.deepEqual(ids.filter((id) => !i18n.has(locale, id)), [], locale);
    }
  });
});
