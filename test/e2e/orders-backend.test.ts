import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ViewMessage } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { textOf } from '../support/chat.ts';
import { startFakeOrderBackend, type FakeOrderBackend } from '../support/fake-order-backend.ts';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';
import { binaryStl, box } from '../support/mesh-fixtures.ts';
import { testDialects } from '../support/services.ts';
import { pickupOrder } from '../support/shop.ts';
import { orderPrintInEnglish } from '../support/print3d.ts';

const OWNER = 9601;
const TOKEN = 'obt_test_0123456789abcdefghijklmnopqrstuv';
const CARD_TOKEN = '381764678:TEST:lavka-orders-backend';
const has = (pattern: RegExp) => (message: ViewMessage) => pattern.test(textOf(message));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lavka of `preset` with the order back end configured, reachable at PUBLIC_URL (its files'
 * links), webhooks retried quickly, and a back end on this machine allowed.
 */
async function startLavka(preset: string, dialect: Awaited<ReturnType<typeof testDialects>>[number], backend: FakeOrderBackend, statusMap: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-orders-backend-'));
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      "outgoing:\n  allowPrivate: ['127.0.0.1']",
      'settings:\n  integrations:\n    webhooks:\n      firstRetryMs: 100\n      pollMs: 100',
      `connectors:\n  orders:\n    url: ${backend.url}\n    events: [order.created, order.status_changed]\n    statusMap: ${statusMap}`,
    ].join('\n'),
  );
  const port = await freePort();
  const lavka = await startTestLavka({
    preset,
    adminIds: [OWNER],
    database: await dialect.create(),
    env: { LAVKA_CONFIG: config, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ORDERS_BACKEND_TOKEN: TOKEN, PAYMENTS_PROVIDER_TOKEN: CARD_TOKEN },
  });
  return { lavka, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function apiKey(lavka: TestLavka, owner: StaffSession): Promise<string> {
  const response = await lavka.app.http.inject({
    method: 'POST',
    url: '/api/integrations/keys',
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'Back office', scopes: ['orders:write', 'webhooks:write'] }),
  });
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { secret: string }).secret;
}

async function apiCall(lavka: TestLavka, key: string, method: string, url: string, body?: unknown) {
  const response = await fetch(`${lavka.app.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code: string } } };
}

const externalIdOf = async (lavka: TestLavka, orderId: number) =>
  (await lavka.app.database.db.selectFrom('orders').select('external_id').where('id', '=', orderId).executeTakeFirstOrThrow()).external_id;

for (const dialect of await testDialects()) {
  describe(`the order back end: print jobs with their files go out and come back with an id, statuses come in and reach the customer (${dialect.name})`, () => {
    let lavka: TestLavka;
    let cleanup: () => void;
    let backend: FakeOrderBackend;
    let owner: StaffSession;
    const customerId = 3101;
    const model = binaryStl(box([50, 40, 30]));
    let orderId = 0;

    before(async () => {
      backend = await startFakeOrderBackend({ token: TOKEN });
      ({ lavka, cleanup } = await startLavka('print3d', dialect, backend, '{ in_production: printing, ready_for_pickup: ready }'));
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      lavka.sim.user({ id: OWNER, first_name: 'Marat', language_code: 'ru', hasStartedBot: true });
    });
    after(async () => {
      await lavka?.stop();
      await backend?.close();
      cleanup?.();
    });

    test('a print job sent through the bot reaches the back end with its model file, which it downloads by the link, and its id becomes the external id', async () => {
      const customer = lavka.sim.user({ id: customerId, first_name: 'Alice', language_code: 'en' });
      await orderPrintInEnglish(customer, model, { copies: '1', note: 'No' });
      await customer.pressButton('✅ Confirm and pay');
      await customer.waitForMessage(has(/Order P-1001 is placed/));
      orderId = (await lavka.app.services.orders!.getByNumber('P-1001'))!.id;

      await backend.waitFor('the print job', () => backend.orders().length === 1);
      const [kept] = backend.orders();
      assert.ok(kept);
      assert.deepEqual([kept.lavkaOrderId, kept.number, kept.kind], [orderId, 'P-1001', 'print3d']);
      assert.deepEqual(kept.files.map((file) => [file.name, file.size, file.mime_type]), [['bracket.stl', model.length, 'model/stl']]);
      assert.equal(kept.files[0]?.sha256, createHash('sha256').update(model).digest('hex'));
      assert.match(kept.files[0]?.url ?? '', new RegExp(`^${lavka.env.PUBLIC_URL}/public/custom-orders/files/\\d+\\?expires=\\d+&signature=`));
      assert.deepEqual(kept.downloads.map((file) => [file.name, file.matches]), [['bracket.stl', true]], 'the link serves exactly the bytes the customer sent');
      const created = backend.events.find((event) => event.type === 'order.created');
      assert.deepEqual(created?.data.print_job, { technology: 'fdm', material: 'pla', colour: 'red', infill_percent: 20, quantity: 1, deadline: null });
      assert.equal(created?.webhookId, kept.idempotencyKey, 'the event id doubles as the idempotency key');

      for (let waited = 0; (await externalIdOf(lavka, orderId)) === null && waited < 5000; waited += 50) await sleep(50);
      assert.equal(await externalIdOf(lavka, orderId), kept.id);
    });

    test('a file link works without a session, but not forged, for another file, or with its expiry moved', async () => {
      const url = new URL(backend.orders()[0]!.files[0]!.url!);
      const fileId = url.pathname.split('/').at(-1);
      const ok = await fetch(url);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('content-type'), 'model/stl');
      const forged = new URL(url);
      forged.searchParams.set('signature', `${url.searchParams.get('signature')!.slice(0, -2)}AA`);
      const refused = await fetch(forged);
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'custom_orders.link_invalid');
      assert.equal((await fetch(new URL(url.href.replace(`/files/${fileId}?`, `/files/${Number(fileId) + 1}?`)))).status, 403, 'a signature is for one file');
      const longer = new URL(url);
      longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
      assert.equal((await fetch(longer)).status, 403, 'the expiry is signed');
    });

    test('the back end pushes statuses by its webhook and by the API: the customer is told once each, in their language; a replay, a bad token or an unknown status change nothing', async () => {
      const customer = lavka.sim.getUser(customerId)!;
      // The job is paid first: printing follows payment.
      const placed = customer.chat().messages.find(has(/Order P-1001 is placed/));
      assert.ok(placed);
      await customer.pressButton('💳 Bank card', { messageId: placed.message_id });
      const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
      assert.equal((await customer.payInvoice(invoice.message_id)).status, 'paid');
      await customer.waitForMessage(has(/Payment received/));

      const printingNotices = () => customer.chat().messages.filter(has(/Order P-1001 is printing/)).length;
      const status = async () => (await lavka.app.services.orders!.get(orderId))!.status;

      const forged = await backend.pushStatus(lavka.app.url!, { order_id: orderId, status: 'in_production' }, { token: `${TOKEN}x`, webhookId: 'msg_forged' });
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error?.code, 'orders.backend_unauthorized');
      assert.equal(await status(), 'paid', 'a bad token changes nothing');

      const unknown = await backend.pushStatus(lavka.app.url!, { order_id: orderId, status: 'on_the_moon' }, { webhookId: 'msg_unknown' });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error?.code, 'orders.backend_unknown_status');
      assert.match(unknown.body.error?.message ?? '', /in_production/);
      const missing = await backend.pushStatus(lavka.app.url!, { external_id: 'BO-404', status: 'in_production' });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error?.code, 'orders.not_found');
      const malformed = await backend.pushStatus(lavka.app.url!, { status: 'in_production' });
      assert.equal(malformed.status, 400);
      assert.equal(await status(), 'paid');

      const externalId = backend.orders()[0]!.id;
      const moved = await backend.pushStatus(lavka.app.url!, { external_id: externalId, status: 'in_production', note: 'Printer 3' }, { webhookId: 'msg_print_1' });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual([moved.body.changed, moved.body.order?.status, moved.body.order?.external_id], [true, 'printing', externalId]);
      await customer.waitForMessage(has(/Order P-1001 is printing/), { timeoutMs: 10_000 });

      const replay = await backend.pushStatus(lavka.app.url!, { external_id: externalId, status: 'in_production', note: 'Printer 3' }, { webhookId: 'msg_print_1' });
      assert.equal(replay.status, 200);
      assert.ok(replay.replayed, 'the first answer is sent again');
      const again = await backend.pushStatus(lavka.app.url!, { order_id: orderId, status: 'printing' }, { signed: true });
      assert.deepEqual([again.status, again.body.changed], [200, false], 'a signed request is accepted; the status it asks for is already there');
      await sleep(500);
      assert.equal(printingNotices(), 1, 'the customer is told once');
      const history = (await lavka.app.services.orders!.detail(orderId))!.history.filter((change) => change.to_status === 'printing');
      assert.deepEqual(history.map((change) => [change.actor_type, change.actor_id, change.note]), [['staff', 'orders_backend', 'Printer 3']]);

      // The same back end through the integration API: a print job moves by the print module's rules.
      const key = await apiKey(lavka, owner);
      const ready = await apiCall(lavka, key, 'POST', `/api/v1/orders/${orderId}/status`, { to: 'ready' });
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      await customer.waitForMessage(has(/Order P-1001 is ready/), { timeoutMs: 10_000 });
      await backend.waitFor('the status changes', () => backend.events.filter((event) => event.type === 'order.status_changed').length >= 5);
      assert.deepEqual(
        backend.events.map((event) => `${event.type}:${(event.data as { status?: string }).status ?? (event.data as { order: { status: string } }).order.status}`),
        ['order.created:awaiting_payment', 'order.status_changed:quoted', 'order.status_changed:awaiting_payment', 'order.status_changed:paid', 'order.status_changed:printing', 'order.status_changed:ready'],
        'the back end hears of the order first, then of each change once, in order',
      );
    });

    test('the panel shows the back end among the webhooks, marked as the config file\'s, and refuses to change or remove it', async () => {
      const panel = (method: 'GET' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
        lavka.app.http.inject({ method, url, headers: { cookie: owner.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }) }, ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }) });
      const listed = (await panel('GET', '/api/integrations/webhooks')).json() as { endpoints: { id: number; url: string; managedBy: string | null; eventTypes: string[] }[] };
      const endpoint = listed.endpoints.find((item) => item.managedBy === 'orders_backend');
      assert.ok(endpoint);
      assert.equal(endpoint.url, backend.url);
      assert.deepEqual(endpoint.eventTypes, ['order.created', 'order.status_changed']);
      for (const [method, url, body] of [
        ['DELETE', `/api/integrations/webhooks/${endpoint.id}`, undefined],
        ['PATCH', `/api/integrations/webhooks/${endpoint.id}`, { url: 'https://example.com/elsewhere' }],
        ['GET', `/api/integrations/webhooks/${endpoint.id}/secret`, undefined],
      ] as const) {
        const refused = await panel(method, url, body);
        assert.equal(refused.statusCode, 409, `${method} ${url}: ${refused.body}`);
        assert.equal((refused.json() as { error: string }).error, 'integrations.managed_endpoint');
      }
      const deliveries = (await panel('GET', `/api/integrations/webhooks/${endpoint.id}/deliveries`)).json() as { deliveries: { type: string; status: string }[] };
      assert.ok(deliveries.deliveries.some((delivery) => delivery.type === 'order.created' && delivery.status === 'delivered'));
    });
  });

  describe(`the order back end and shop orders: an outage loses and duplicates nothing (${dialect.name})`, () => {
    let lavka: TestLavka;
    let cleanup: () => void;
    let backend: FakeOrderBackend;
    const customerId = 8601;

    before(async () => {
      backend = await startFakeOrderBackend({ token: TOKEN });
      ({ lavka, cleanup } = await startLavka('shop', dialect, backend, '{ accepted: confirmed, in_production: in_progress }'));
      const customer = lavka.sim.user({ id: customerId, first_name: 'Айгерим', language_code: 'kk' });
      await customer.send('/start');
      await customer.waitForMessage();
    });
    after(async () => {
      await lavka?.stop();
      await backend?.close();
      cleanup?.();
    });

    test('while the back end is down the order waits; an answer lost after storing is retried with the same key; it arrives once, with its id', async () => {
      backend.set('down');
      const order = await lavka.app.services.orders!.place(pickupOrder(customerId));
      await sleep(400);
      assert.ok(backend.attempts >= 2, 'Lavka kept trying');
      assert.equal(backend.orders().length, 0);
      assert.equal(await externalIdOf(lavka, order.id), null);
      const pending = await lavka.app.database.db.selectFrom('webhook_deliveries').select(['status', 'last_status']).execute();
      assert.deepEqual(pending.map((row) => [row.status, row.last_status]), [['pending', 500]]);

      backend.set('lostAnswers');
      await backend.waitFor('the order, stored', () => backend.orders().length === 1);
      await sleep(400);
      assert.equal(await externalIdOf(lavka, order.id), null, 'nothing is kept of an answer that did not come');
      backend.set('up');
      for (let waited = 0; (await externalIdOf(lavka, order.id)) === null && waited < 10_000; waited += 50) await sleep(50);
      assert.equal(backend.orders().length, 1, 'the retries carried one idempotency key: one order');
      assert.equal(backend.orders()[0]?.files.length, 0);
      assert.equal(await externalIdOf(lavka, order.id), backend.orders()[0]?.id);
      assert.equal(backend.unauthorised, 0, 'every call carried the token and a valid signature');
    });

    test('an answer without an id is a failed attempt with a clear error, retried, and nothing is half-written', async () => {
      backend.set('noId');
      const order = await lavka.app.services.orders!.place(pickupOrder(customerId));
      const lastOf = () => lavka.app.database.db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      for (let waited = 0; (await lastOf()).attempts < 2 && waited < 5000; waited += 50) await sleep(50);
      const failing = await lastOf();
      assert.equal(failing.status, 'pending');
      assert.equal(failing.last_status, 200);
      assert.match(failing.last_error ?? '', /answer refused: expected \{"id": "<your order id>"\}/);
      assert.equal(await externalIdOf(lavka, order.id), null);

      backend.set('up');
      for (let waited = 0; (await externalIdOf(lavka, order.id)) === null && waited < 10_000; waited += 50) await sleep(50);
      assert.equal(backend.orders().filter((kept) => kept.lavkaOrderId === order.id).length, 1);
      assert.equal((await lastOf()).status, 'delivered');
      assert.equal((await lastOf()).last_error, null);
    });

    test('statuses from the back end reach the customer in Kazakh, once', async () => {
      const customer = lavka.sim.getUser(customerId)!;
      const [kept] = backend.orders();
      const order = (await lavka.app.services.orders!.get(kept!.lavkaOrderId))!;
      const accepted = await backend.pushStatus(lavka.app.url!, { order_id: order.id, status: 'accepted' }, { webhookId: 'msg_shop_1' });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      await customer.waitForMessage(has(new RegExp(`Сіздің ${order.number} тапсырысыңыз: ✅ Расталды`)), { timeoutMs: 10_000 });
      assert.equal((await backend.pushStatus(lavka.app.url!, { order_id: order.id, status: 'accepted' }, { webhookId: 'msg_shop_1' })).replayed, true);
      const conflicting = await backend.pushStatus(lavka.app.url!, { order_id: order.id, status: 'in_production' }, { webhookId: 'msg_shop_1' });
      assert.equal(conflicting.status, 409, 'one webhook-id, one change');
      const inWork = await backend.pushStatus(lavka.app.url!, { order_id: order.id, status: 'in_production' }, { webhookId: 'msg_shop_2' });
      assert.equal(inWork.body.order?.status, 'in_progress');
      await customer.waitForMessage(has(/Орындалуда/), { timeoutMs: 10_000 });
      await sleep(300);
      assert.equal(customer.chat().messages.filter(has(/Расталды/)).length, 1);
    });
  });
}
