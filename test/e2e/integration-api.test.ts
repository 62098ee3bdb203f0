import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registeredRoutes } from '../../src/http/api.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { concrete, staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { textOf } from '../support/chat.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { REDIS_URL, hasRedis, testDialects } from '../support/services.ts';
import { pickupOrder } from '../support/shop.ts';

const OWNER = 9401;
const CUSTOMER = 8401;

/** The shop's order, with the line's names in two languages. */
const orderFor = (userId: number) => pickupOrder(userId, { ru: { title: 'Футболка', variantTitle: null }, en: { title: 'T-shirt', variantTitle: null } });

interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string; message: string; details?: Record<string, unknown> } };
}

for (const dialect of await testDialects()) {
  describe(`the integration API: keys, scopes, idempotency and orders (${dialect.name})`, () => {
    let lavka: TestLavka;
    let dir: string;
    let owner: StaffSession;
    let customer: SimUser;
    let writer: string;
    let reader: string;

    /** A back end calling Lavka over HTTP, as an ERP would. */
    const call = async (method: string, url: string, options: { key?: string; body?: unknown; idempotencyKey?: string; authorization?: string } = {}): Promise<ApiAnswer> => {
      const headers: Record<string, string> = {};
      if (options.authorization !== undefined) headers.authorization = options.authorization;
      else if (options.key) headers.authorization = `Bearer ${options.key}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
      const response = await fetch(`${lavka.app.url}${url}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as ApiAnswer['body']) : {} };
    };

    /** The owner at the panel's Integrations page. */
    const panel = (method: 'GET' | 'POST', url: string, body?: unknown) =>
      lavka.app.http.inject({
        method,
        url,
        headers: { cookie: owner.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }) },
        ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }),
      });

    const createKey = async (name: string, scopes: string[], expiresAt?: number) => {
      const response = await panel('POST', '/api/integrations/keys', { name, scopes, ...(expiresAt ? { expiresAt } : {}) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { key: { id: number; prefix: string; scopes: string[] }; secret: string };
    };

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'lavka-integration-'));
      const config = path.join(dir, 'config.yaml');
      writeFileSync(config, 'settings:\n  integrations:\n    requestsPerSecond: 40\n');
      // On PostgreSQL as several instances run it: with Redis, which shares the keys' rate.
      const redis: Record<string, string> = dialect.name === 'postgres' && (await hasRedis()) ? { REDIS_URL } : {};
      lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database: await dialect.create(), env: { LAVKA_CONFIG: config, ...redis } });
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'ru' });
      await customer.send('/start');
      await customer.waitForMessage();
    });
    after(async () => {
      await lavka?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('the owner creates keys on the Integrations page: the secret is shown once, stored only as a fingerprint', async () => {
      const created = await createKey('1C warehouse', ['orders:write']);
      writer = created.secret;
      assert.match(writer, /^lvk_live_[A-Za-z0-9]{40}$/);
      assert.equal(created.key.prefix, writer.slice(0, 17));
      reader = (await createKey('Site', ['orders:read', 'catalog:read'])).secret;

      const listed = panel('GET', '/api/integrations/keys');
      const text = (await listed).body;
      assert.ok(!text.includes(writer) && !text.includes(reader), 'no secret is ever listed');
      const stored = await lavka.app.database.db.selectFrom('api_keys').selectAll().execute();
      assert.equal(stored.length, 2);
      for (const row of stored) {
        assert.ok(!JSON.stringify(row).includes(writer.slice(17)), 'the database holds no secret');
        assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
      }
      const audit = await lavka.app.database.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'integrations.%').execute();
      assert.equal(audit.length, 2, 'each new key is in the audit log');
      assert.ok(audit.every((entry) => !String(entry.details).includes(writer.slice(17))), 'without its secret');

      const refused = await panel('POST', '/api/integrations/keys', { name: 'Bad', scopes: ['orders:delete'] });
      assert.equal(refused.statusCode, 400);
      assert.equal((await lavka.app.database.db.selectFrom('api_keys').selectAll().execute()).length, 2, 'a refused key is not stored');
    });

    test('requests without a key, with a wrong one or without the scope are refused with a JSON error and change nothing', async () => {
      const order = await lavka.app.services.orders!.place(orderFor(CUSTOMER));
      for (const [authorization, code] of [
        [undefined, 'api.unauthenticated'],
        ['Bearer lvk_live_' + 'x'.repeat(40), 'api.key_invalid'],
        ['Basic dXNlcjpwYXNz', 'api.unauthenticated'],
        [`Bearer ${writer.slice(0, -1)}A`, 'api.key_invalid'],
      ] as const) {
        const answer = await call('POST', `/api/v1/orders/${order.id}/status`, { body: { to: 'confirmed' }, ...(authorization === undefined ? {} : { authorization }) });
        assert.equal(answer.status, 401, `${authorization}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error?.code, code);
      }
      const outOfScope = await call('POST', `/api/v1/orders/${order.id}/status`, { key: reader, body: { to: 'confirmed' } });
      assert.equal(outOfScope.status, 403);
      assert.equal(outOfScope.body.error?.code, 'api.scope_missing');
      assert.equal(outOfScope.body.error?.details?.required, 'orders:write');
      assert.equal((await lavka.app.services.orders!.get(order.id))?.status, 'new', 'the order did not move');

      const invalid = await call('POST', `/api/v1/orders/${order.id}/status`, { key: writer, body: { to: 'NOT A STATUS' } });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error?.code, 'api.invalid_request');
      const notFound = await call('GET', '/api/v1/nothing-here', { key: writer });
      assert.equal(notFound.status, 404);
      assert.equal(notFound.body.error?.code, 'api.not_found');
      const missing = await call('GET', '/api/v1/orders/999999', { key: reader });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error?.code, 'orders.not_found');
    });

    test('a key with orders:write moves an order: the customer is told in Telegram, the change is audited under the key', async () => {
      const order = await lavka.app.services.orders!.place(orderFor(CUSTOMER));
      const read = await call('GET', `/api/v1/orders/${order.id}`, { key: reader });
      assert.equal(read.status, 200);
      assert.equal(read.body.number, order.number);
      assert.deepEqual((read.body.lines as { titles: unknown }[])[0]?.titles, { ru: { title: 'Футболка', variantTitle: null }, en: { title: 'T-shirt', variantTitle: null } });

      const moved = await call('POST', `/api/v1/orders/${order.id}/status`, { key: writer, body: { to: 'confirmed', expected_from: 'new', note: 'checked in 1C' } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.status, 'confirmed');
      const notice = await customer.waitForMessage((message) => textOf(message).includes(order.number) && /подтвержд/i.test(textOf(message)), { timeoutMs: 8000 });
      assert.ok(notice, 'the customer is told in their language, as when staff move the order');

      const stale = await call('POST', `/api/v1/orders/${order.id}/status`, { key: writer, body: { to: 'cancelled', expected_from: 'new' } });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error?.code, 'orders.status_changed');
      assert.equal((await lavka.app.services.orders!.get(order.id))?.status, 'confirmed');

      const history = await lavka.app.database.db.selectFrom('order_status_history').selectAll().where('order_id', '=', order.id).orderBy('id').execute();
      assert.equal(history.at(-1)?.actor_id, `api_key:${(await lavka.app.services.integrations!.keys.list()).find((key) => key.name === '1C warehouse')?.id}`);
      const audit = await lavka.app.database.db.selectFrom('audit_log').selectAll().where('actor_type', '=', 'api_key').execute();
      assert.ok(audit.some((entry) => entry.action === 'api.POST /api/v1/orders/:id/status' && entry.subject_id === String(order.id)), 'the change is in the audit log under the key');
      assert.ok(!audit.some((entry) => entry.action.includes('GET')), 'reads are not audited');
      const log = await panel('GET', '/api/admin/audit?limit=20');
      const named = (log.json() as { entries: { actorType: string; actorName: string | null }[] }).entries.find((entry) => entry.actorType === 'api_key');
      assert.match(named?.actorName ?? '', /^1C warehouse \(lvk_live_[A-Za-z0-9]{8}…\)$/, 'the audit page names the key');
    });

    test('a replayed Idempotency-Key returns the first answer and writes once, also after a restart; another body is 409', async () => {
      const order = await lavka.app.services.orders!.place(orderFor(CUSTOMER));
      const invalid = await call('POST', `/api/v1/orders/${order.id}/notes`, { key: writer, idempotencyKey: `note-${order.id}`, body: { text: '' } });
      assert.equal(invalid.status, 400, 'refused input is not kept for the key: it may be sent again, corrected');
      const first = await call('POST', `/api/v1/orders/${order.id}/notes`, { key: writer, idempotencyKey: `note-${order.id}`, body: { text: 'Packed by Dana' } });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await call('POST', `/api/v1/orders/${order.id}/notes`, { key: writer, idempotencyKey: `note-${order.id}`, body: { text: 'Packed by Dana' } });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      const other = await call('POST', `/api/v1/orders/${order.id}/notes`, { key: writer, idempotencyKey: `note-${order.id}`, body: { text: 'Something else' } });
      assert.equal(other.status, 409);
      assert.equal(other.body.error?.code, 'api.idempotency_key_reused');

      await lavka.restart();
      const afterRestart = await call('POST', `/api/v1/orders/${order.id}/notes`, { key: writer, idempotencyKey: `note-${order.id}`, body: { text: 'Packed by Dana' } });
      assert.equal(afterRestart.status, 201);
      assert.equal(afterRestart.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(afterRestart.body, first.body);
      const notes = await lavka.app.database.db.selectFrom('order_notes').selectAll().where('order_id', '=', order.id).execute();
      assert.equal(notes.length, 1, 'one note for three requests with one key');
      assert.equal(notes[0]?.author_name, '1C warehouse');

      const detail = await call('GET', `/api/v1/orders/${order.id}`, { key: reader });
      assert.deepEqual((detail.body.notes as { text: string }[]).map((note) => note.text), ['Packed by Dana']);
    });

    test('orders are listed newest first in cursor pages, filtered, and found by the back end’s own id', async () => {
      const placed = [];
      for (let index = 0; index < 3; index += 1) placed.push(await lavka.app.services.orders!.place(orderFor(CUSTOMER)));
      const first = await call('GET', '/api/v1/orders?limit=2&status=new', { key: reader });
      assert.equal(first.status, 200);
      const ids = (first.body.data as { id: number }[]).map((item) => item.id);
      assert.deepEqual(ids, [placed[2]!.id, placed[1]!.id]);
      assert.equal(first.body.has_more, true);
      const second = await call('GET', `/api/v1/orders?limit=2&status=new&starting_after=${String(first.body.next_cursor)}`, { key: reader });
      assert.equal((second.body.data as { id: number }[])[0]?.id, placed[0]!.id, 'the next page starts after the cursor');

      const patched = await call('PATCH', `/api/v1/orders/${placed[0]!.id}`, { key: writer, body: { external_id: 'ERP-0001' } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const taken = await call('PATCH', `/api/v1/orders/${placed[1]!.id}`, { key: writer, body: { external_id: 'ERP-0001' } });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error?.code, 'orders.external_id_taken');
      const found = await call('GET', '/api/v1/orders?external_id=ERP-0001', { key: reader });
      assert.deepEqual((found.body.data as { id: number }[]).map((item) => item.id), [placed[0]!.id]);
    });

    test('customers are read and tagged, and a message written through the API reaches the customer once, even when the request is retried', async () => {
      const crm = (await createKey('CRM', ['customers:write', 'messages:write'])).secret;
      const found = await call('GET', '/api/v1/customers?q=Айгерим&limit=5', { key: crm });
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual((found.body.data as { id: number }[]).map((item) => item.id), [CUSTOMER]);
      const tagged = await call('POST', `/api/v1/customers/${CUSTOMER}/tags`, { key: crm, body: { tag: 'VIP' } });
      assert.deepEqual(tagged.body.tags, ['vip']);
      const language = await call('PATCH', `/api/v1/customers/${CUSTOMER}`, { key: crm, body: { language: 'kk' } });
      assert.equal(language.body.language, 'kk');
      assert.equal((await lavka.app.services.users!.get(CUSTOMER))?.locale, 'kk', 'the bot now writes to them in Kazakh');
      await call('PATCH', `/api/v1/customers/${CUSTOMER}`, { key: crm, body: { language: null } });
      assert.equal((await call('DELETE', `/api/v1/customers/${CUSTOMER}/tags/vip`, { key: crm })).body.tags?.toString(), '');
      assert.equal((await call('GET', '/api/v1/customers/424242', { key: crm })).body.error?.code, 'users.not_found');
      assert.equal((await call('GET', `/api/v1/customers/${CUSTOMER}`, { key: writer })).status, 403, 'orders:write does not read customers');

      const text = 'Ваш заказ готов к выдаче в Dostyk Plaza.';
      const first = await call('POST', '/api/v1/messages', { key: crm, idempotencyKey: 'ready-notice-1', body: { customer_id: CUSTOMER, text } });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const again = await call('POST', '/api/v1/messages', { key: crm, idempotencyKey: 'ready-notice-1', body: { customer_id: CUSTOMER, text } });
      assert.equal(again.body.id, first.body.id);
      await customer.waitForMessage((message) => textOf(message) === text, { timeoutMs: 8000 });
      let state = await call('GET', `/api/v1/messages/${String(first.body.id)}`, { key: crm });
      for (let tries = 0; state.body.status !== 'sent' && tries < 40; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        state = await call('GET', `/api/v1/messages/${String(first.body.id)}`, { key: crm });
      }
      assert.equal(state.body.status, 'sent');
      assert.equal(typeof state.body.telegram_message_id, 'number');
      assert.equal(customer.chat().messages.filter((message) => textOf(message) === text).length, 1, 'one message for two requests with one key');

      await lavka.app.services.users!.setBlocked(CUSTOMER, true);
      const blocked = await call('POST', '/api/v1/messages', { key: crm, body: { customer_id: CUSTOMER, text: 'Hello?' } });
      assert.equal(blocked.status, 409);
      assert.equal(blocked.body.error?.code, 'users.blocked_bot');
      await lavka.app.services.users!.setBlocked(CUSTOMER, false);
    });

    test('a customer carries the back end’s own id: set, read back, found by it, a taken one refused with nothing changed, cleared', async () => {
      const crm = (await createKey('CRM ids', ['customers:write'])).secret;
      const OTHER = CUSTOMER + 1;
      await lavka.app.services.users!.register({ id: OTHER, first_name: 'Марат', language_code: 'kk' });
      assert.equal((await call('GET', `/api/v1/customers/${CUSTOMER}`, { key: crm })).body.external_id, null);
      const set = await call('PATCH', `/api/v1/customers/${CUSTOMER}`, { key: crm, body: { external_id: 'CRM-7001' } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.external_id, 'CRM-7001');
      assert.equal((await call('GET', `/api/v1/customers/${CUSTOMER}`, { key: crm })).body.external_id, 'CRM-7001');
      assert.equal((await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: { external_id: 'CRM-7002' } })).status, 200);

      // Taken by another customer: refused, and the language sent along is not changed either.
      const taken = await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: { external_id: 'CRM-7001', language: 'en' } });
      assert.deepEqual([taken.status, taken.body.error?.code], [409, 'users.external_id_taken']);
      const other = await lavka.app.services.users!.get(OTHER);
      assert.deepEqual([other?.external_id, other?.locale], ['CRM-7002', null], 'the refused change changed nothing');

      const found = await call('GET', '/api/v1/customers?external_id=CRM-7001', { key: crm });
      assert.deepEqual((found.body.data as { id: number; external_id: string }[]).map((item) => [item.id, item.external_id]), [[CUSTOMER, 'CRM-7001']]);
      const both = await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: { external_id: 'CRM-7003', language: 'en' } });
      assert.deepEqual([both.body.external_id, both.body.language], ['CRM-7003', 'en'], 'the id and the language in one request');
      assert.equal((await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: {} })).status, 400, 'a PATCH that sets nothing is refused');
      assert.equal((await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: { external_id: 'x'.repeat(65) } })).status, 400);

      const cleared = await call('PATCH', `/api/v1/customers/${CUSTOMER}`, { key: crm, body: { external_id: null } });
      assert.equal(cleared.body.external_id, null);
      assert.deepEqual((await call('GET', '/api/v1/customers?external_id=CRM-7001', { key: crm })).body.data, [], 'a cleared id finds nothing');
      const reused = await call('PATCH', `/api/v1/customers/${OTHER}`, { key: crm, body: { external_id: 'CRM-7001' } });
      assert.equal(reused.body.external_id, 'CRM-7001', 'a cleared id is free for another customer');
      const audit = await lavka.app.database.db.selectFrom('audit_log').select(['subject_type', 'details']).where('action', '=', 'api.PATCH /api/v1/customers/:id').where('subject_id', '=', String(CUSTOMER)).execute();
      assert.ok(audit.some((entry) => entry.subject_type === 'user' && entry.details?.includes('"previous_external_id":"CRM-7001"')), 'clearing is audited with the id it had');
    });

    test('a broadcast sent through the API reaches its audience and reports its progress; a scheduled one can be cancelled', async () => {
      const marketing = (await createKey('Marketing', ['broadcasts:write'])).secret;
      const text = 'Скидка 20% на всё до воскресенья!';
      const sent = await call('POST', '/api/v1/broadcasts', { key: marketing, body: { text, audience: { kind: 'ids', ids: [CUSTOMER] } } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.status, 'sending');
      await customer.waitForMessage((message) => textOf(message) === text, { timeoutMs: 8000 });
      let state = await call('GET', `/api/v1/broadcasts/${String(sent.body.id)}`, { key: marketing });
      for (let tries = 0; state.body.status !== 'done' && tries < 100; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await call('GET', `/api/v1/broadcasts/${String(sent.body.id)}`, { key: marketing });
      }
      assert.equal(state.body.status, 'done');
      assert.equal((state.body.progress as { sent: number }).sent, 1);

      const later = await call('POST', '/api/v1/broadcasts', { key: marketing, body: { text: 'Later', send_at: new Date(Date.now() + 3600_000).toISOString(), external_id: 'MKT-42' } });
      assert.equal(later.body.status, 'scheduled');
      assert.equal(later.body.external_id, 'MKT-42');
      const found = await call('GET', '/api/v1/broadcasts?external_id=MKT-42', { key: marketing });
      assert.deepEqual((found.body.data as { id: number }[]).map((item) => item.id), [later.body.id], 'found by the id of the business');
      const before = (await call('GET', '/api/v1/broadcasts?limit=100', { key: marketing })).body.data as unknown[];
      const twice = await call('POST', '/api/v1/broadcasts', { key: marketing, body: { text: 'Later again', send_at: new Date(Date.now() + 3600_000).toISOString(), external_id: 'MKT-42' } });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error?.code, 'broadcasts.external_id_taken');
      assert.equal(((await call('GET', '/api/v1/broadcasts?limit=100', { key: marketing })).body.data as unknown[]).length, before.length, 'no second broadcast');
      const firstPage = await call('GET', '/api/v1/broadcasts?limit=1', { key: marketing });
      const secondPage = await call('GET', `/api/v1/broadcasts?limit=1&starting_after=${String(firstPage.body.next_cursor)}`, { key: marketing });
      assert.equal(firstPage.body.has_more, true);
      assert.notDeepEqual(secondPage.body.data, firstPage.body.data, 'cursor pages do not overlap');
      const cancelled = await call('POST', `/api/v1/broadcasts/${String(later.body.id)}/cancel`, { key: marketing });
      assert.equal(cancelled.body.status, 'cancelled');
      const bad = await call('POST', '/api/v1/broadcasts', { key: marketing, body: { text: 'x', audience: { kind: 'planet' } } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error?.code, 'api.invalid_request');
    });

    test('a revoked or expired key is refused at once', async () => {
      const shortLived = await createKey('Temporary', ['orders:read'], Date.now() + 60_000);
      assert.equal((await call('GET', '/api/v1/orders?limit=1', { key: shortLived.secret })).status, 200);
      const revoked = await panel('POST', `/api/integrations/keys/${shortLived.key.id}/revoke`);
      assert.equal(revoked.statusCode, 200);
      const refused = await call('GET', '/api/v1/orders?limit=1', { key: shortLived.secret });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error?.code, 'api.key_revoked');
      const expired = await createKey('Expired', ['orders:read'], Date.now() + 1000);
      await lavka.app.database.db.updateTable('api_keys').set({ expires_at: Date.now() - 1 }).where('id', '=', expired.key.id).execute();
      const late = await call('GET', '/api/v1/orders?limit=1', { key: expired.secret });
      assert.equal(late.status, 401);
      assert.equal(late.body.error?.code, 'api.key_expired');
    });

    test('too many requests with one key get 429 with Retry-After; other keys are not slowed', async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, () => call('GET', '/api/v1/orders?limit=1', { key: reader })));
      const limited = answers.filter((answer) => answer.status === 429);
      assert.ok(limited.length > 0, 'some requests over 40 a second were refused');
      assert.ok(answers.some((answer) => answer.status === 200));
      assert.equal(limited[0]?.body.error?.code, 'api.rate_limited');
      assert.equal(limited[0]?.headers.get('retry-after'), '1');
      assert.equal((await call('GET', '/api/v1/orders?limit=1', { key: writer })).status, 200, 'another key has its own rate');
    });

    test('the OpenAPI document lists every integration route, and every documented route answers', async () => {
      const documentAnswer = await call('GET', '/api/v1/openapi.json');
      assert.equal(documentAnswer.status, 200);
      const paths = documentAnswer.body.paths as Record<string, Record<string, unknown>>;
      const routes = registeredRoutes(lavka.app.http).filter((entry) => entry.scope !== undefined && entry.method !== 'HEAD');
      assert.ok(routes.length >= 5);
      for (const entry of routes) {
        const documented = entry.url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
        assert.ok(paths[documented]?.[entry.method.toLowerCase()], `${entry.method} ${entry.url} is documented`);
      }
      const every = await createKey('Everything', ['orders:write', 'catalog:write', 'customers:write', 'bookings:write', 'payments:write', 'wallet:write', 'messages:write', 'broadcasts:write', 'webhooks:write']);
      for (const [documented, operations] of Object.entries(paths)) {
        for (const method of Object.keys(operations)) {
          if (method !== 'get') continue;
          const answer = await call('GET', concrete(documented.replace(/\{(\w+)\}/g, ':$1')), { key: every.secret });
          // Made-up ids may be refused by the route's schema (400) or not exist (404): the route itself must.
          assert.ok([200, 400, 404].includes(answer.status), `GET ${documented}: ${answer.status}`);
          assert.notEqual(answer.body.error?.code, 'api.not_found', `GET ${documented} exists`);
        }
      }
      const page = await fetch(`${lavka.app.url}/api/v1/docs`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /swagger-ui-bundle\.js/);
      const bundle = await fetch(`${lavka.app.url}/api/v1/docs/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      assert.ok((await bundle.arrayBuffer()).byteLength > 100_000, 'the reference page is served from this server');
    });
  });
}
