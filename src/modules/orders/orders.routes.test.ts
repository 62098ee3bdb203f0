// The orders admin API as the panel uses it: search by number, name or phone, an amount range,
// sorting, and the payments of an order read through the payments module.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { addUser, startShopServices, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { Order } from './orders.service.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';
import { readCsv, readXlsx } from '../../../test/support/xlsx-reader.ts';

const PAYMENT_SETTINGS = {
  payments: {
    methods: ['manual'],
    paymentTtlMinutes: 60,
    manual: { enabled: true, variants: [{ id: 'kaspi', label: '🏦 Kaspi', requisites: 'Kaspi Gold 4400 0000 0000 0000' }] },
  },
  orders: { payment: { onDelivery: true } },
};

for (const dialect of await testDialects()) {
  describe(`the orders admin API on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    let app: FastifyInstance;
    const placed: Order[] = [];

    const place = async (userId: number, name: string, phone: string, priceMinor: number) => {
      await addUser(shop, userId, 'ru');
      const order = await shop.services.orders.place({
        kind: 'shop',
        userId,
        currency: 'KZT',
        lines: [{ kind: 'item', title: 'Товар', unitPriceMinor: priceMinor, quantity: 1 }],
        contactName: name,
        contactPhone: phone,
        paymentMethod: 'online',
      });
      placed.push(order);
      return order;
    };

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { settings: PAYMENT_SETTINGS });
      await place(6201, 'Айгерим Сейітова', '+7 701 111 22 33', 500_000);
      await place(6202, 'Данияр Ахметов', '+77012223344', 1_500_000);
      await place(6203, 'Anna Smith', '+77013334455', 900_000);
      await shop.services.orders.changeStatus(placed[2]?.id as number, 'confirmed', { role: 'staff', id: 'test' });
      const routes = shop.modules.find((item) => item.name === 'orders')?.instance.routes;
      assert.ok(routes);
      app = Fastify();
      await app.register(moduleRoutes(shop.modules.find((item) => item.name === 'orders')), { prefix: '/api/orders' });
    });
    after(async () => {
      await app?.close();
      await shop?.close();
      await target?.drop();
    });

    const numbers = async (query: string): Promise<string[]> => {
      const response = await app.inject({ method: 'GET', url: `/api/orders?${query}` });
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { orders: Order[] }).orders.map((order) => order.number);
    };
    const numberOf = (index: number) => placed[index]?.number as string;

    test('staff find orders by part of the number, the customer’s name in any case, or the phone with or without spaces', async () => {
      assert.deepEqual(await numbers(`q=${encodeURIComponent(numberOf(1).toLowerCase())}`), [numberOf(1)]);
      assert.deepEqual(await numbers(`q=${encodeURIComponent('айгерим')}`), [numberOf(0)]);
      assert.deepEqual(await numbers(`q=${encodeURIComponent('SMITH')}`), [numberOf(2)]);
      assert.deepEqual(await numbers(`q=${encodeURIComponent('701 222')}`), [numberOf(1)]);
      assert.deepEqual(await numbers(`q=${encodeURIComponent('7011112233')}`), [numberOf(0)], 'the stored phone has spaces');
      assert.deepEqual(await numbers(`q=${encodeURIComponent('111 22')}`), [numberOf(0)]);
      assert.deepEqual(await numbers('q=nobody'), []);
    });

    test('an amount range and sorting by total, status or date order the list', async () => {
      assert.deepEqual(await numbers('minTotalMinor=600000&maxTotalMinor=1000000'), [numberOf(2)]);
      assert.deepEqual(await numbers('sort=total&direction=asc'), [numberOf(0), numberOf(2), numberOf(1)]);
      assert.deepEqual(await numbers('sort=total&direction=desc'), [numberOf(1), numberOf(2), numberOf(0)]);
      // Status in its life order: new before confirmed, not alphabetically (confirmed < new).
      assert.deepEqual((await numbers('sort=status&direction=asc')).at(-1), numberOf(2));
      assert.deepEqual((await numbers('sort=status&direction=desc'))[0], numberOf(2));
      assert.deepEqual(await numbers('sort=created&direction=asc'), [numberOf(0), numberOf(1), numberOf(2)]);
      assert.equal((await app.inject({ method: 'GET', url: '/api/orders?sort=colour' })).statusCode, 400);
    });

    test('an order’s page lists its payments as the payments module records them', async () => {
      const order = placed[1] as Order;
      const payments = shop.services.payments;
      assert.ok(payments);
      const empty = (await app.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json() as { payments: unknown[] };
      assert.deepEqual(empty.payments, []);
      const { payment } = await payments.start({ userId: order.user_id, purpose: 'order', ref: String(order.id), method: 'manual.kaspi', locale: 'ru' });
      await payments.decline(payment.id, { type: 'admin', id: 'test' }, 'Нет перевода');
      const detail = (await app.inject({ method: 'GET', url: `/api/orders/${order.id}` })).json() as {
        payments: { id: number; provider: string; variant: string; status: string; amountMinor: number; declineReason: string }[];
      };
      assert.deepEqual(detail.payments.map(({ id, provider, variant, status, amountMinor, declineReason }) => ({ id, provider, variant, status, amountMinor, declineReason })), [
        { id: payment.id, provider: 'manual', variant: 'kaspi', status: 'declined', amountMinor: 1_500_000, declineReason: 'Нет перевода' },
      ]);
      const other = (await app.inject({ method: 'GET', url: `/api/orders/${placed[0]?.id}` })).json() as { payments: unknown[] };
      assert.deepEqual(other.payments, [], "another order's payments are not listed");
    });

    test('the export downloads the filtered orders as CSV and XLSX, in the language asked for', async () => {
      const csv = await app.inject({ method: 'GET', url: '/api/orders/export?format=csv&locale=en' });
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
      const rows = readCsv(csv.rawPayload);
      const numberColumn = rows[0]?.indexOf('Number') ?? -1;
      assert.ok(numberColumn >= 0, JSON.stringify(rows[0]));
      assert.deepEqual(new Set(rows.slice(1).map((row) => row[numberColumn])), new Set(placed.map((order) => order.number)));

      const xlsx = await app.inject({ method: 'GET', url: `/api/orders/export?format=xlsx&status=confirmed&locale=ru` });
      assert.equal(xlsx.statusCode, 200);
      assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
      const book = readXlsx(xlsx.rawPayload);
      const sheet = book.sheets[book.sheetNames[0] as string] ?? [];
      assert.deepEqual(sheet.slice(1).map((row) => row.find((cell) => typeof cell === 'string' && /^A-\d+$/.test(cell))), [numberOf(2)], 'only the confirmed order');

      const bad = await app.inject({ method: 'GET', url: '/api/orders/export?format=pdf' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error, 'orders.invalid_request');
    });
  });
}
