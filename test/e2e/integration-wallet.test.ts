import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimUser } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { textOf } from '../support/chat.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const OWNER = 9601;
const CUSTOMER = 8601;

describe('the wallet and payments through the integration API (billing preset)', () => {
  let lavka: TestLavka;
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

  before(async () => {
    lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER] });
    owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Дана', language_code: 'ru' });
    await customer.send('/start');
    await customer.waitForMessage();
    office = await keyFor(['wallet:write', 'payments:write']);
    reader = await keyFor(['wallet:read', 'payments:read']);
  });
  after(async () => {
    await lavka?.stop();
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
});
