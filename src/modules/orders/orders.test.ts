import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { after, before, describe, test } from 'node:test';
import { addUser, startShopServices, testClock, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { readCsv, readXlsx } from '../../../test/support/xlsx-reader.ts';
import { buildCsv } from '../../export/csv.ts';
import { wallClockMs } from '../../config/dates.ts';
import { parseExportArgs } from '../../export/period.ts';
import { buildOrderExport } from './orders.export.ts';
import { OrdersError, startOfDayMs, zonedMidnightMs, type PlaceOrderInput } from './orders.service.ts';
import { SHOP_STATUS_MACHINE, canTransition, validateMachine } from './orders.status.ts';
import { buildXlsx } from '../../export/xlsx.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';

const ALMATY = 'Asia/Almaty';

describe('the shop status machine', () => {
  test('staff walk an order from new to delivered; customers may only cancel before work starts', () => {
    const path = ['new', 'confirmed', 'paid', 'in_progress', 'shipped', 'delivered'];
    for (let index = 1; index < path.length; index += 1) {
      assert.ok(canTransition(SHOP_STATUS_MACHINE, path[index - 1] as string, path[index] as string, 'staff'), `${path[index - 1]} → ${path[index]}`);
      assert.ok(!canTransition(SHOP_STATUS_MACHINE, path[index - 1] as string, path[index] as string, 'customer'));
    }
    for (const from of ['new', 'confirmed', 'paid']) assert.ok(canTransition(SHOP_STATUS_MACHINE, from, 'cancelled', 'customer'), from);
    for (const from of ['in_progress', 'shipped', 'delivered']) assert.ok(!canTransition(SHOP_STATUS_MACHINE, from, 'cancelled', 'customer'), from);
    assert.ok(!canTransition(SHOP_STATUS_MACHINE, 'refunded', 'new', 'staff'));
  });

  test('a machine with unknown statuses or a way out of a final status is refused', () => {
    assert.doesNotThrow(() => validateMachine(SHOP_STATUS_MACHINE));
    assert.throws(
      () => validateMachine({ ...SHOP_STATUS_MACHINE, kind: 'broken', transitions: [{ from: 'new', to: 'teleported', by: ['staff'] }] }),
      /orders.invalid_status_machine/,
    );
    assert.throws(
      () => validateMachine({ ...SHOP_STATUS_MACHINE, kind: 'broken', transitions: [{ from: 'refunded', to: 'new', by: ['staff'] }] }),
      /final status refunded/,
    );
  });
});

describe('dates in the business time zone', () => {
  test('"today" starts at local midnight in Almaty, and a date means that local day', () => {
    const nowMs = Date.parse('2026-03-11T20:30:00Z'); // 01:30 on 12 March in Almaty (UTC+5)
    assert.equal(new Date(startOfDayMs(nowMs, ALMATY)).toISOString(), '2026-03-11T19:00:00.000Z');
    assert.equal(new Date(zonedMidnightMs('2026-03-12', ALMATY)).toISOString(), '2026-03-11T19:00:00.000Z');
    assert.equal(new Date(wallClockMs(nowMs, ALMATY)).toISOString(), '2026-03-12T01:30:00.000Z');
  });

  test('/export arguments accept named periods, dates, ranges and a status in any order', () => {
    const options = { nowMs: Date.parse('2026-03-11T06:00:00Z'), timeZone: ALMATY, statuses: SHOP_STATUS_MACHINE.statuses };
    assert.deepEqual(parseExportArgs('', options), { periodLabel: 'all' });
    assert.deepEqual(parseExportArgs('shipped 7d', options), { periodLabel: '7d', fromMs: options.nowMs - 7 * 86_400_000, status: 'shipped' });
    const range = parseExportArgs('2026-03-01..2026-03-10', options);
    assert.ok(!('error' in range));
    assert.equal(range.fromMs, zonedMidnightMs('2026-03-01', ALMATY));
    assert.equal(range.toMs, zonedMidnightMs('2026-03-11', ALMATY));
    assert.deepEqual(parseExportArgs('2026-03-10..2026-03-01', options), { error: 'orders.export_invalid_period' });
    assert.deepEqual(parseExportArgs('teleported', options), { error: 'orders.export_invalid_status' });
    assert.deepEqual(parseExportArgs('7d 30d', options), { error: 'orders.export_invalid_period' });
  });
});

describe('CSV and XLSX writers', () => {
  test('CSV follows RFC 4180 with a BOM and defuses spreadsheet formulas in text', () => {
    const csv = buildCsv([
      ['a', 'with, comma', 'with "quotes"', 'two\nlines'],
      ['=HYPERLINK("x")', '+77011234567', -5, null],
      ['@cmd', '-', 'plain'],
    ]);
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(csv.toString('utf8').slice(1), 'a,"with, comma","with ""quotes""","two\nlines"\r\n"\'=HYPERLINK(""x"")",+77011234567,-5,\r\n\'@cmd,\'-,plain\r\n');
    assert.deepEqual(readCsv(csv), [
      ['a', 'with, comma', 'with "quotes"', 'two\nlines'],
      ['\'=HYPERLINK("x")', '+77011234567', '-5', ''],
      ["'@cmd", "'-", 'plain'],
    ]);
  });

  test('an XLSX workbook reads back with its sheet name, strings, numbers and dates', async () => {
    const xlsx = await buildXlsx([
      {
        name: 'Orders: <march>',
        header: true,
        columnWidths: [20, 10, 18],
        rows: [
          ['Name', 'Total', 'When'],
          ['Тест & "quotes" <tag>\u0001', 1234.5, { wallClockMs: Date.UTC(2026, 2, 11, 12) }],
          [null, 7, undefined, Number.NaN],
        ],
      },
    ]);
    const book = readXlsx(xlsx);
    assert.deepEqual(book.sheetNames, ['Orders  <march>']);
    const rows = book.sheets['Orders  <march>'];
    assert.deepEqual(rows?.[0], ['Name', 'Total', 'When']);
    assert.deepEqual(rows?.[1]?.slice(0, 2), ['Тест & "quotes" <tag>', 1234.5], 'a control character XML forbids is dropped');
    // Excel's serial date: days since 1899-12-30; noon is .5.
    assert.equal(rows?.[1]?.[2], 46_092.5);
    assert.equal(book.formats['Orders  <march>']?.C2, 'dd.mm.yyyy hh:mm', 'the date cell is shown as a date, day before month');
    assert.deepEqual(rows?.[2], [null, 7], 'empty cells and numbers that are not finite stay empty');
    assert.deepEqual(book.columnWidths['Orders  <march>'], [20, 10, 18]);
    await assert.rejects(buildXlsx([]), RangeError);
  });
});

for (const dialect of await testDialects()) {
  describe(`orders on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    const clock = testClock();
    const CUSTOMER = 5001;
    const OTHER = 5002;
    const ENGLISH = 5003;
    const STAFF = 7000;

    const input = (userId: number, overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput => ({
      kind: 'shop',
      userId,
      currency: 'KZT',
      lines: [
        { kind: 'product', productId: 1, variantId: 2, title: 'Футболка', variantTitle: 'M', unitPriceMinor: 699_000, quantity: 2 },
        { kind: 'fee', title: 'Доставка', unitPriceMinor: 150_000, quantity: 1 },
      ],
      contactName: 'Айгерим',
      contactPhone: '+77011234567',
      delivery: { method: 'courier', address: 'пр. Абая, 1' },
      comment: 'Позвоните за час',
      paymentMethod: 'on_delivery',
      ...overrides,
    });

    const outbox = () => shop.database.db.selectFrom('outbox').selectAll().orderBy('id').execute();

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { now: clock.now, adminIds: [STAFF] });
      await addUser(shop, CUSTOMER, 'ru');
      await addUser(shop, OTHER, 'ru');
      await addUser(shop, ENGLISH, 'en');
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test('orders get readable, unique numbers even when placed at the same moment', async () => {
      const placed = await Promise.all(Array.from({ length: 8 }, () => shop.services.orders.place(input(OTHER))));
      const numbers = placed.map((order) => order.number);
      assert.equal(new Set(numbers).size, 8);
      assert.ok(numbers.every((number) => /^A-10\d\d$/.test(number)), numbers.join(', '));
      assert.ok(numbers.includes('A-1001'));
      assert.equal(placed[0]?.total_minor, 2 * 699_000 + 150_000);
    });

    test('placing an order alerts every staff chat with buttons, in the same transaction', async () => {
      const before = (await outbox()).length;
      const order = await shop.services.orders.place(input(CUSTOMER));
      const rows = (await outbox()).slice(before);
      assert.equal(rows.length, 1);
      const alert = rows[0];
      assert.equal(alert?.chat_id, STAFF);
      assert.equal(alert?.dedupe_key, `order:${order.id}:new:staff:${STAFF}`);
      const payload = JSON.parse(alert?.payload ?? '{}') as { text: string; reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } };
      assert.match(payload.text, new RegExp(`Заказ ${order.number}`));
      assert.match(payload.text, /Айгерим/);
      assert.match(payload.text, /Футболка \(M\) × 2/);
      const data = payload.reply_markup.inline_keyboard.flat().map((button) => button.callback_data);
      assert.ok(data.includes(`orders:st:${order.id}:new:confirmed`), data.join(', '));
      assert.ok(data.every((item) => Buffer.byteLength(item) <= 64));
    });

    test('a failure inside the order transaction leaves no order, no number gap visible to others and no alert', async () => {
      const ordersBefore = await shop.services.orders.list({}, 1, 100);
      const outboxBefore = (await outbox()).length;
      await assert.rejects(
        shop.services.orders.place(input(CUSTOMER), {
          inTransaction: async () => {
            throw new Error('stock ran out');
          },
        }),
        /stock ran out/,
      );
      assert.equal((await shop.services.orders.list({}, 1, 100)).window.total, ordersBefore.window.total);
      assert.equal((await outbox()).length, outboxBefore);
    });

    test('each status change is stored with its time and actor and notifies the customer in their language', async () => {
      const order = await shop.services.orders.place(input(ENGLISH));
      const before = (await outbox()).length;
      for (const status of ['confirmed', 'in_progress', 'shipped']) {
        clock.advance(60_000);
        await shop.services.orders.changeStatus(order.id, status, { role: 'staff', id: STAFF });
      }
      const detail = await shop.services.orders.detail(order.id);
      assert.equal(detail?.status, 'shipped');
      assert.deepEqual(
        detail?.history.map((change) => [change.from_status, change.to_status, change.actor_type, change.actor_id]),
        [
          [null, 'new', 'customer', String(ENGLISH)],
          ['new', 'confirmed', 'staff', String(STAFF)],
          ['confirmed', 'in_progress', 'staff', String(STAFF)],
          ['in_progress', 'shipped', 'staff', String(STAFF)],
        ],
      );
      assert.ok((detail?.history[3]?.at ?? 0) > (detail?.history[1]?.at ?? 0));
      const notes = (await outbox()).slice(before);
      assert.deepEqual(
        notes.map((row) => [row.chat_id, row.dedupe_key]),
        [
          [ENGLISH, `order:${order.id}:status:confirmed`],
          [ENGLISH, `order:${order.id}:status:in_progress`],
          [ENGLISH, `order:${order.id}:status:shipped`],
        ],
      );
      assert.match(JSON.parse(notes[2]?.payload ?? '{}').text, new RegExp(`Your order ${order.number} is now: 🚚 Shipped`));
    });

    test('who may move an order is enforced: customers cannot ship, strangers cannot touch, stale moves change nothing', async () => {
      const order = await shop.services.orders.place(input(CUSTOMER));
      await assert.rejects(
        shop.services.orders.changeStatus(order.id, 'shipped', { role: 'customer', id: CUSTOMER }),
        (error: unknown) => error instanceof OrdersError && error.code === 'orders.transition_not_allowed',
      );
      await assert.rejects(
        shop.services.orders.changeStatus(order.id, 'cancelled', { role: 'customer', id: OTHER }),
        (error: unknown) => error instanceof OrdersError && error.code === 'orders.not_found',
      );
      await shop.services.orders.changeStatus(order.id, 'confirmed', { role: 'staff', id: STAFF });
      await assert.rejects(
        shop.services.orders.changeStatus(order.id, 'confirmed', { role: 'staff', id: STAFF }, { expectedFrom: 'new' }),
        (error: unknown) => error instanceof OrdersError && error.code === 'orders.status_changed',
      );
      assert.equal((await shop.services.orders.detail(order.id))?.history.length, 2);
    });

    test('a customer can cancel until the order is in progress, and staff hear about it', async () => {
      const early = await shop.services.orders.place(input(CUSTOMER));
      const before = (await outbox()).length;
      await shop.services.orders.changeStatus(early.id, 'cancelled', { role: 'customer', id: CUSTOMER });
      const rows = (await outbox()).slice(before);
      assert.deepEqual(rows.map((row) => row.chat_id).sort(), [CUSTOMER, STAFF].sort());

      const late = await shop.services.orders.place(input(CUSTOMER));
      await shop.services.orders.changeStatus(late.id, 'confirmed', { role: 'staff', id: STAFF });
      await shop.services.orders.changeStatus(late.id, 'in_progress', { role: 'staff', id: STAFF });
      await assert.rejects(
        shop.services.orders.changeStatus(late.id, 'cancelled', { role: 'customer', id: CUSTOMER }),
        (error: unknown) => error instanceof OrdersError && error.code === 'orders.transition_not_allowed',
      );
    });

    test('orders are found by number in any case, and listed newest first per customer', async () => {
      const order = await shop.services.orders.place(input(OTHER));
      assert.equal((await shop.services.orders.getByNumber(order.number.toLowerCase()))?.id, order.id);
      assert.equal(await shop.services.orders.getByNumber('A-99999999'), undefined);
      assert.equal(await shop.services.orders.getByNumber("A-1'; drop table orders"), undefined);
      const page = await shop.services.orders.listForUser(OTHER, 1, 3);
      assert.equal(page.orders[0]?.id, order.id);
      assert.equal(page.orders.length, 3);
      assert.ok(page.window.pages >= 3);
      assert.ok(page.orders.every((item) => item.user_id === OTHER && item.lines.length === 2));
      // The total comes with the page; a page past the end (a stale button) shows the last one.
      const total = page.window.total;
      const last = await shop.services.orders.listForUser(OTHER, 9999, 3);
      assert.deepEqual({ page: last.window.page, pages: last.window.pages, total: last.window.total }, { page: Math.ceil(total / 3), pages: Math.ceil(total / 3), total });
      assert.equal(last.orders.length, total - (last.window.page - 1) * 3);
      assert.ok(last.orders.every((item) => !('matching_total' in item)), 'the window count is not part of an order');
      const nobody = await shop.services.orders.listForUser(987_654_321, 1, 3);
      assert.deepEqual({ orders: nobody.orders, total: nobody.window.total, page: nobody.window.page, pages: nobody.window.pages }, { orders: [], total: 0, page: 1, pages: 1 });
    });

    test('the export has one row per order and reads back identically from CSV and XLSX', async () => {
      const list = await shop.services.orders.exportOrders({ kind: 'shop', userId: ENGLISH });
      const files = await buildOrderExport(list, { t: (key) => shop.i18n.t('en', key), locale: 'en', timeZone: ALMATY });
      const csv = readCsv(files.csv);
      const sheet = readXlsx(files.xlsx).sheets.Orders ?? [];
      assert.equal(csv.length, list.length + 1);
      assert.equal(sheet.length, list.length + 1);
      assert.equal(csv[0]?.[0], 'Number');
      assert.deepEqual(sheet[0], csv[0]);
      const order = list[0];
      const row = sheet[1] ?? [];
      assert.equal(row[0], order?.number);
      assert.equal(row[2], 'Shipped');
      assert.equal(row[4], ENGLISH);
      assert.equal(row[5], '+77011234567');
      assert.equal(row[8], 'Футболка (M) × 2');
      assert.equal(row[9], 2);
      assert.equal(row[10], 15_480);
      assert.equal(csv[1]?.[10], '15480');
      assert.equal(csv[1]?.[1], new Date(wallClockMs(order?.created_at ?? 0, ALMATY)).toISOString().slice(0, 16).replace('T', ' '));
    });

    test('the dashboard counts users, orders, revenue without cancelled orders, and the best sellers', async () => {
      const dashboard = await shop.services.orders.dashboard('shop');
      assert.equal(dashboard.usersTotal, 3);
      const today = dashboard.periods.find((period) => period.key === 'today');
      const all = await shop.services.orders.list({ kind: 'shop' }, 1, 1000);
      const live = all.orders.filter((order) => order.status !== 'cancelled');
      assert.equal(today?.orders, all.window.total);
      assert.deepEqual(today?.revenue, [{ currency: 'KZT', totalMinor: live.reduce((sum, order) => sum + order.total_minor, 0) }]);
      assert.equal(today?.customers, 3);
      assert.deepEqual(today?.funnel, [{ name: 'cart', users: 0 }]);
      assert.equal(dashboard.topProducts[0]?.productId, 1);
      assert.equal(dashboard.topProducts[0]?.quantity, live.length * 2);
    });

    test('the admin API lists orders with filters, shows one with its history, and moves it only along the machine', async () => {
      const routes = shop.modules.find((item) => item.name === 'orders')?.instance.routes;
      assert.ok(routes);
      const app = Fastify();
      await app.register(moduleRoutes(shop.modules.find((item) => item.name === 'orders')), { prefix: '/api/orders' });
      try {
        const order = await shop.services.orders.place(input(CUSTOMER));
        const list = await app.inject({ method: 'GET', url: `/api/orders?status=new&userId=${CUSTOMER}&pageSize=2` });
        assert.equal(list.statusCode, 200);
        const body = list.json() as { orders: { id: number; status: string }[]; total: number };
        assert.ok(body.orders.length <= 2 && body.orders.every((item) => item.status === 'new'));
        assert.equal(body.orders[0]?.id, order.id);
        assert.equal((await app.inject({ method: 'GET', url: '/api/orders?status=NEW;drop' })).statusCode, 400);
        assert.equal((await app.inject({ method: 'GET', url: '/api/orders?pageSize=100000' })).statusCode, 400);

        const detail = await app.inject({ method: 'GET', url: `/api/orders/${order.id}` });
        assert.equal(detail.statusCode, 200);
        const shown = detail.json() as { order: { number: string; history: unknown[]; lines: unknown[] }; next: string[] };
        assert.equal(shown.order.number, order.number);
        assert.equal(shown.order.history.length, 1);
        assert.deepEqual(shown.next, ['confirmed', 'paid', 'cancelled']);
        assert.equal((await app.inject({ method: 'GET', url: '/api/orders/999999' })).statusCode, 404);
        assert.equal((await app.inject({ method: 'GET', url: '/api/orders/abc' })).statusCode, 400);

        const moved = await app.inject({ method: 'POST', url: `/api/orders/${order.id}/status`, payload: { to: 'confirmed', expectedFrom: 'new', actorId: 'panel:1' } });
        assert.equal(moved.statusCode, 200);
        const stale = await app.inject({ method: 'POST', url: `/api/orders/${order.id}/status`, payload: { to: 'confirmed', expectedFrom: 'new' } });
        assert.equal(stale.statusCode, 409);
        assert.equal((stale.json() as { error: string }).error, 'orders.status_changed');
        const jump = await app.inject({ method: 'POST', url: `/api/orders/${order.id}/status`, payload: { to: 'delivered' } });
        assert.equal(jump.statusCode, 409);
        assert.equal((jump.json() as { error: string }).error, 'orders.transition_not_allowed');
        assert.equal((await app.inject({ method: 'POST', url: `/api/orders/${order.id}/status`, payload: { to: 42 } })).statusCode, 400);
        const history = (await shop.services.orders.detail(order.id))?.history ?? [];
        assert.deepEqual(history.map((change) => [change.to_status, change.actor_type, change.actor_id]), [
          ['new', 'customer', String(CUSTOMER)],
          ['confirmed', 'staff', 'panel:1'],
        ]);
      } finally {
        await app.close();
      }
    });

    test('the daily report sums the day, and the "ordered within N days" segment finds recent customers', async () => {
      const instance = shop.modules.find((item) => item.name === 'orders')?.instance;
      const lines = (await instance?.dailyReport?.({ sinceMs: clock.now() - 86_400_000, untilMs: clock.now() + 1, locale: 'en' })) ?? [];
      assert.match(lines[0] ?? '', /^🛍 Orders: \d+, revenue: ₸[\d,]+$/);
      assert.match(lines[1] ?? '', /^⏳ New orders waiting for staff: \d+$/);
      const segment = instance?.segments?.find((item) => item.name === 'orders.ordered_within_days');
      assert.ok(segment);
      assert.deepEqual((await segment.userIds(1)).sort(), [CUSTOMER, OTHER, ENGLISH].sort());
      await assert.rejects(segment.userIds('soon'), (error: unknown) => error instanceof OrdersError && error.code === 'orders.invalid_days');
      // Runs last: it moves the clock past every order.
      clock.advance(3 * 86_400_000);
      assert.deepEqual(await segment.userIds(2), []);
    });
  });
}
