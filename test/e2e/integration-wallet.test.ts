import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimUser } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { textOf } from '../support/chat.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';

const OWNER = 9601;
const CUSTOMER = 8601;

/** A record of a list, with the fields these tests read. */
interface Listed {
  id: number;
  external_id: string | null;
}

for (const dialect of await testDialects()) {
  describe(`the wallet and payments through the integration API (billing preset, ${dialect.name})`, () => {
    let lavka: TestLavka;
    let dir: string;
    let owner: StaffSession;
    let customer: SimUser;
    let office: string;
    let reader: string;

    const call = async (method: string, url: string, key: string, body?: unknown) => {
      const response = await fetch(`${lavka.app.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
    };
    const keyFor = async (scopes: string[]) => {
      const response = await lavka.app.http.inject({
        method: 'POST',
        url: '/api/integrations/keys',
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: scopes.join(' '), scopes }),
      });
      return (response.json() as { secret: string }).secret;
    };

    /** The ids of every page of a list, following `next_cursor` until `has_more` is false. */
    const pageThrough = async (url: string): Promise<number[][]> => {
      const pages: number[][] = [];
      let cursor: unknown = undefined;
      do {
        const answer = await call('GET', `${url}${cursor === undefined ? '' : `&starting_after=${String(cursor)}`}`, reader);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const ids = (answer.body.data as Listed[]).map((item) => item.id);
        assert.ok(ids.length <= 2 && ids.length > 0, `a page of at most the limit: ${ids.join(',')}`);
        pages.push(ids);
        cursor = answer.body.next_cursor;
        assert.equal(answer.body.has_more, cursor !== null, 'a cursor exactly when more follow');
      } while (cursor !== null && pages.length < 20);
      return pages;
    };

    before(async () => {
      // A back office reconciling pages through quickly: a rate the tests do not hit.
      dir = mkdtempSync(path.join(tmpdir(), 'lavka-billing-api-'));
      const config = path.join(dir, 'config.yaml');
      writeFileSync(config, 'settings:\n  integrations:\n    requestsPerSecond: 500\n');
      lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER], database: await dialect.create(), env: { LAVKA_CONFIG: config } });
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Дана', language_code: 'ru' });
      await customer.send('/start');
      await customer.waitForMessage();
      office = await keyFor(['wallet:write', 'payments:write']);
      reader = await keyFor(['wallet:read', 'payments:read']);
    });
    after(async () => {
      await lavka?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('an adjustment is posted with its reason, told to the customer in their language, and an overdraft is refused', async () => {
      const credited = await call('POST', `/api/v1/wallets/${CUSTOMER}/adjustments`, office, { amount: 50, reason: 'бонус за отзыв' });
      assert.equal(credited.status, 201, JSON.stringify(credited.body));
      assert.equal(credited.body.balance, 50);
      const notice = await customer.waitForMessage((message) => textOf(message).includes('бонус за отзыв'), { timeoutMs: 8000 });
      assert.match(textOf(notice), /Вам начислено токенов: 50/);
      const overdraft = await call('POST', `/api/v1/wallets/${CUSTOMER}/adjustments`, office, { amount: -100, reason: 'too much' });
      assert.equal(overdraft.status, 409);
      assert.equal(overdraft.body.error?.code, 'wallet.insufficient_funds');
      assert.equal((await call('GET', `/api/v1/wallets/${CUSTOMER}`, reader)).body.balance, 50, 'nothing changed');
      const ledger = await call('GET', `/api/v1/wallets/${CUSTOMER}/ledger`, reader);
      assert.deepEqual((ledger.body.data as { amount: number; reason: string }[]).map((entry) => [entry.amount, entry.reason]), [[50, 'бонус за отзыв']]);
      assert.equal((await call('POST', `/api/v1/wallets/${CUSTOMER}/adjustments`, reader, { amount: 1, reason: 'x' })).status, 403);
      assert.equal((await call('GET', '/api/v1/wallets/424242', reader)).body.error?.code, 'users.not_found');
    });

    test('a transfer the back office saw arrive is confirmed (tokens credited) and then refunded (tokens taken back)', async () => {
      const { payment } = await lavka.app.services.payments!.start({ userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'manual.bank_transfer', locale: 'ru' });
      const listed = await call('GET', `/api/v1/payments?customer_id=${CUSTOMER}&status=pending`, reader);
      assert.deepEqual((listed.body.data as { id: number }[]).map((item) => item.id), [payment.id]);
      assert.equal((await call('POST', `/api/v1/payments/${payment.id}/confirm`, reader)).status, 403, 'reading is not confirming');
      const confirmed = await call('POST', `/api/v1/payments/${payment.id}/confirm`, office);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.status, 'paid');
      assert.equal((await call('GET', `/api/v1/wallets/${CUSTOMER}`, reader)).body.balance, 150);
      const again = await call('POST', `/api/v1/payments/${payment.id}/confirm`, office);
      assert.equal(again.status, 409, 'a payment is confirmed once');
      const refunded = await call('POST', `/api/v1/payments/${payment.id}/refund`, office);
      assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
      assert.deepEqual([refunded.body.status, refunded.body.via_provider], ['refunded', false]);
      assert.equal((await call('GET', `/api/v1/wallets/${CUSTOMER}`, reader)).body.balance, 50);
      assert.equal((await call('GET', '/api/v1/payments/999999', reader)).body.error?.code, 'payments.not_found');
    });

    test('payments page by a cursor, newest first, with no overlap and no gap, and carry the back office’s own id apart from the provider’s', async () => {
      const started = [];
      for (const ref of ['p100', 'p100', 'p100']) {
        started.push((await lavka.app.services.payments!.start({ userId: CUSTOMER, purpose: 'topup', ref, method: 'manual.bank_transfer', locale: 'ru' })).payment.id);
      }
      const all = ((await call('GET', `/api/v1/payments?customer_id=${CUSTOMER}&limit=100`, reader)).body.data as Listed[]).map((item) => item.id);
      assert.ok(all.length >= 4, `every payment of the customer: ${all.join(',')}`);
      assert.deepEqual(all, [...all].sort((a, b) => b - a), 'newest first');
      const first = await call('GET', `/api/v1/payments?customer_id=${CUSTOMER}&limit=2`, reader);
      assert.deepEqual([first.body.has_more, first.body.next_cursor], [true, all[1]]);
      assert.equal(first.body.page, undefined, 'no page numbers: one paging style across the API');
      const pages = await pageThrough(`/api/v1/payments?customer_id=${CUSTOMER}&limit=2`);
      assert.ok(pages.length >= 2, 'two pages at least');
      assert.deepEqual(pages.flat(), all, 'the pages together are the list, each payment once');
      assert.equal((await call('GET', `/api/v1/payments?limit=2&page=2`, reader)).status, 200, 'an old page parameter is ignored, not an error');

      const [a, b] = started as [number, number];
      const shown = await call('GET', `/api/v1/payments/${a}`, reader);
      assert.deepEqual([shown.body.external_id, 'provider_payment_id' in shown.body], [null, true], 'the provider’s id has its own field');
      const set = await call('PATCH', `/api/v1/payments/${a}`, office, { external_id: '1C-PAY-0001' });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.external_id, '1C-PAY-0001');
      assert.equal((await call('PATCH', `/api/v1/payments/${a}`, reader, { external_id: '1C-PAY-0009' })).status, 403, 'reading is not writing');
      assert.equal((await call('PATCH', `/api/v1/payments/${b}`, office, { external_id: '1C-PAY-0002' })).status, 200);
      const taken = await call('PATCH', `/api/v1/payments/${b}`, office, { external_id: '1C-PAY-0001' });
      assert.deepEqual([taken.status, taken.body.error?.code], [409, 'payments.external_id_taken']);
      assert.equal((await call('GET', `/api/v1/payments/${b}`, reader)).body.external_id, '1C-PAY-0002', 'the refused change changed nothing');
      const found = await call('GET', '/api/v1/payments?external_id=1C-PAY-0001', reader);
      assert.deepEqual((found.body.data as Listed[]).map((item) => [item.id, item.external_id]), [[a, '1C-PAY-0001']]);
      const stored = await lavka.app.database.db.selectFrom('payments').select(['external_id', 'backend_ref']).where('id', '=', a).executeTakeFirstOrThrow();
      assert.equal(stored.backend_ref, '1C-PAY-0001');
      assert.notEqual(stored.external_id, '1C-PAY-0001', "the provider's id is not touched");
      assert.equal((await call('PATCH', `/api/v1/payments/${a}`, office, { external_id: null })).body.external_id, null);
      assert.deepEqual((await call('GET', '/api/v1/payments?external_id=1C-PAY-0001', reader)).body.data, [], 'a cleared id finds nothing');
      assert.equal((await call('PATCH', '/api/v1/payments/999999', office, { external_id: 'x' })).body.error?.code, 'payments.not_found');
      const audit = await lavka.app.database.db.selectFrom('audit_log').select(['subject_type', 'details']).where('action', '=', 'api.PATCH /api/v1/payments/:id').where('subject_id', '=', String(a)).execute();
      assert.ok(audit.some((entry) => entry.subject_type === 'payment' && entry.details?.includes('"previous_external_id":"1C-PAY-0001"')), 'clearing is audited with the id it had');
    });

    test("a customer's ledger pages by a cursor, newest first, with no overlap and no gap", async () => {
      for (const reason of ['bonus 1', 'bonus 2', 'bonus 3']) assert.equal((await call('POST', `/api/v1/wallets/${CUSTOMER}/adjustments`, office, { amount: 5, reason })).status, 201);
      const all = ((await call('GET', `/api/v1/wallets/${CUSTOMER}/ledger?limit=100`, reader)).body.data as Listed[]).map((item) => item.id);
      assert.ok(all.length >= 5, `every row: ${all.join(',')}`);
      assert.deepEqual(all, [...all].sort((x, y) => y - x), 'newest first');
      const pages = await pageThrough(`/api/v1/wallets/${CUSTOMER}/ledger?limit=2`);
      assert.ok(pages.length >= 3, 'more than two pages of two');
      assert.deepEqual(pages.flat(), all, 'the pages together are the ledger, each row once');
      assert.equal((await call('GET', `/api/v1/wallets/${CUSTOMER}/ledger?starting_after=0`, reader)).status, 400);
    });
  });
}
