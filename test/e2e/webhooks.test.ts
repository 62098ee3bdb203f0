import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { textOf } from '../support/chat.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { REDIS_URL, hasRedis, testDialects } from '../support/services.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { pickupOrder } from '../support/shop.ts';

const OWNER = 9501;
const CUSTOMER = 8501;


/** Lavka with webhooks sent quickly to a receiver on this machine (allowed by the config file). */
async function startLavka(database: Awaited<ReturnType<Awaited<ReturnType<typeof testDialects>>[number]['create']>>, webhooks: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-webhooks-'));
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, `outgoing:\n  allowPrivate: ['127.0.0.1']\nsettings:\n  integrations:\n    webhooks:\n${webhooks}`);
  const lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database, env: { LAVKA_CONFIG: config, ...env } });
  return { lavka, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function keyFor(lavka: TestLavka, owner: StaffSession, scopes: string[]): Promise<string> {
  const response = await lavka.app.http.inject({
    method: 'POST',
    url: '/api/integrations/keys',
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'Back office', scopes }),
  });
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { secret: string }).secret;
}

async function call(lavka: TestLavka, key: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
  const response = await fetch(`${lavka.app.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown> & { error?: { code: string } }) : {} };
}

for (const dialect of await testDialects()) {
  describe(`outgoing webhooks: signed, in order per record, kept through failures and restarts (${dialect.name})`, () => {
    let lavka: TestLavka;
    let cleanup: () => void;
    let owner: StaffSession;
    let key: string;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let endpointId: number;

    before(async () => {
      receiver = await startWebhookReceiver();
      const redis: Record<string, string> = dialect.name === 'postgres' && (await hasRedis()) ? { REDIS_URL } : {};
      ({ lavka, cleanup } = await startLavka(await dialect.create(), '      firstRetryMs: 100\n      pollMs: 100\n', redis));
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      key = await keyFor(lavka, owner, ['orders:write', 'webhooks:write']);
      const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru' });
      await customer.send('/start');
      await customer.waitForMessage();
    });
    after(async () => {
      await lavka?.stop();
      await receiver?.close();
      cleanup?.();
    });

    test('a back end registers its endpoint through the API and gets order.status_changed, signed as Standard Webhooks says', async () => {
      for (const [url, code] of [
        ['http://10.0.0.7/hooks', 'outgoing.address_refused'],
        ['http://[::1]:9/hooks', 'outgoing.address_refused'],
        ['http://169.254.169.254/latest/meta-data', 'outgoing.address_refused'],
        ['ftp://example.com/hooks', 'outgoing.url_invalid'],
      ] as const) {
        const refused = await call(lavka, key, 'POST', '/api/v1/webhooks', { url, event_types: ['order.created'] });
        assert.equal(refused.status, 400, `${url}: ${JSON.stringify(refused.body)}`);
        assert.equal(refused.body.error?.code, code);
      }
      assert.equal((await lavka.app.database.db.selectFrom('webhook_endpoints').selectAll().execute()).length, 0, 'a refused endpoint is not stored');

      const created = await call(lavka, key, 'POST', '/api/v1/webhooks', { url: receiver.url, event_types: ['order.created', 'order.status_changed'], description: 'ERP' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(String(created.body.secret), /^whsec_[A-Za-z0-9+/=]+$/);
      receiver.setSecret(String(created.body.secret));
      endpointId = Number(created.body.id);

      const order = await lavka.app.services.orders!.place(pickupOrder(CUSTOMER));
      const moved = await call(lavka, key, 'POST', `/api/v1/orders/${order.id}/status`, { to: 'confirmed' });
      assert.equal(moved.status, 200);
      await receiver.waitFor((events) => events.some((event) => event.type === 'order.status_changed' && event.resource.id === String(order.id)));
      const mine = receiver.accepted.filter((event) => event.resource.id === String(order.id));
      assert.deepEqual(mine.map((event) => [event.type, event.sequence]), [['order.created', 1], ['order.status_changed', 2]]);
      const change = mine[1]?.data as { previous_status: string; status: string; order: { number: string; status: string } };
      assert.equal(change.previous_status, 'new');
      assert.equal(change.order.status, 'confirmed');
      assert.equal(change.order.number, order.number);
      assert.equal(receiver.forged, 0, 'every request verified with the endpoint secret');
    });

    test('a receiver answering 500 for a while still gets every event exactly in order once it recovers, across a restart', async () => {
      receiver.answer(500);
      const order = await lavka.app.services.orders!.place(pickupOrder(CUSTOMER));
      for (const to of ['confirmed', 'in_progress']) assert.equal((await call(lavka, key, 'POST', `/api/v1/orders/${order.id}/status`, { to })).status, 200);
      const failedBefore = receiver.attempts;
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.ok(receiver.attempts > failedBefore, 'Lavka kept trying');
      await lavka.restart();
      assert.equal((await call(lavka, key, 'POST', `/api/v1/orders/${order.id}/status`, { to: 'shipped' })).status, 200);
      const pending = await lavka.app.database.db.selectFrom('webhook_deliveries').select('status').where('status', '=', 'pending').execute();
      assert.ok(pending.length >= 4, 'the queue survived the restart');
      receiver.answer(200);
      await receiver.waitFor((events) => events.filter((event) => event.resource.id === String(order.id)).length >= 4, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const mine = receiver.accepted.filter((event) => event.resource.id === String(order.id));
      assert.deepEqual(
        mine.map((event) => `${event.type}#${event.sequence}`),
        ['order.created#1', 'order.status_changed#2', 'order.status_changed#3', 'order.status_changed#4'],
        'each event once, in the order they happened',
      );
      assert.deepEqual(
        mine.slice(1).map((event) => (event.data as { status: string }).status),
        ['confirmed', 'in_progress', 'shipped'],
      );
      const log = await lavka.app.http.inject({ method: 'GET', url: `/api/integrations/webhooks/${endpointId}/deliveries`, headers: { cookie: owner.cookie } });
      const deliveries = (log.json() as { deliveries: { status: string; attempts: number; lastStatus: number | null }[] }).deliveries;
      assert.ok(deliveries.every((delivery) => delivery.status === 'delivered' && delivery.lastStatus === 200), 'the panel shows each delivery accepted');
      assert.ok(deliveries.some((delivery) => delivery.attempts > 1), 'with the failed attempts counted');
    });

    test('the owner redelivers an event from the panel: the same event id arrives again', async () => {
      const log = await lavka.app.http.inject({ method: 'GET', url: `/api/integrations/webhooks/${endpointId}/deliveries?limit=1`, headers: { cookie: owner.cookie } });
      const [latest] = (log.json() as { deliveries: { id: number; eventId: string }[] }).deliveries;
      assert.ok(latest);
      const before = receiver.accepted.filter((event) => event.webhookId === latest.eventId).length;
      const redelivered = await lavka.app.http.inject({
        method: 'POST',
        url: `/api/integrations/webhooks/${endpointId}/deliveries/${latest.id}/redeliver`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(redelivered.statusCode, 200, redelivered.body);
      await receiver.waitFor((events) => events.filter((event) => event.webhookId === latest.eventId).length === before + 1);
    });
  });
}

describe('an endpoint that keeps failing is turned off, the staff are told, and it resumes in order when turned on', () => {
  let lavka: TestLavka;
  let cleanup: () => void;
  let owner: StaffSession;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  before(async () => {
    receiver = await startWebhookReceiver();
    const [sqlite] = await testDialects();
    // "A day" of failures is a second here.
    ({ lavka, cleanup } = await startLavka(await sqlite!.create(), '      firstRetryMs: 50\n      pollMs: 50\n      disableAfterHours: 0.0003\n'));
    owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
    const staff = lavka.sim.user({ id: OWNER, first_name: 'Owner', language_code: 'ru' });
    await staff.send('/start');
    await staff.waitForMessage();
  });
  after(async () => {
    await lavka?.stop();
    await receiver?.close();
    cleanup?.();
  });

  test('turned off after failing, told in the staff chat, resumed in order', async () => {
    const panel = (method: 'POST' | 'PATCH' | 'GET', url: string, body?: unknown) =>
      lavka.app.http.inject({ method, url, headers: { cookie: owner.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }) }, ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }) });
    const created = await panel('POST', '/api/integrations/webhooks', { url: receiver.url, eventTypes: ['order.created', 'order.status_changed'] });
    assert.equal(created.statusCode, 200, created.body);
    const { endpoint, secret } = created.json() as { endpoint: { id: number }; secret: string };
    receiver.setSecret(secret);
    receiver.answer(503);
    const order = await lavka.app.services.orders!.place(pickupOrder(CUSTOMER));
    await lavka.app.services.orders!.changeStatus(order.id, 'confirmed', { role: 'staff', id: 'test' });

    const staff = lavka.sim.user({ id: OWNER, first_name: 'Owner', language_code: 'ru' });
    const notice = await staff.waitForMessage((message) => textOf(message).includes('Вебхук') && textOf(message).includes(receiver.url), { timeoutMs: 15_000 });
    assert.match(textOf(notice), /отключён/);
    const listed = (await panel('GET', '/api/integrations/webhooks')).json() as { endpoints: { id: number; state: string; disabledReason: string }[] };
    assert.deepEqual(
      listed.endpoints.map((item) => [item.state, item.disabledReason]),
      [['disabled', 'failing']],
    );
    const attemptsWhenOff = receiver.attempts;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.attempts, attemptsWhenOff, 'nothing is sent while it is off');
    await lavka.app.services.orders!.changeStatus(order.id, 'in_progress', { role: 'staff', id: 'test' });

    receiver.answer(200);
    const resumed = await panel('PATCH', `/api/integrations/webhooks/${endpoint.id}`, { enabled: true });
    assert.equal(resumed.statusCode, 200, resumed.body);
    await receiver.waitFor((events) => events.length >= 3);
    assert.deepEqual(
      receiver.accepted.map((event) => `${event.type}#${event.sequence}`),
      ['order.created#1', 'order.status_changed#2', 'order.status_changed#3'],
      'the kept queue goes out in order',
    );
  });
});
