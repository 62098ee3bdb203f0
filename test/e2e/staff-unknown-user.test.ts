// Staff actions aimed at a user id that never wrote to the bot: the admin API answers 404
// `users.not_found` and nothing is written, neither an account nor a ledger row, a payment, a
// tag or a queued message. The same refusal reaches staff using /adjust in the bot.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StaffRole } from '../../src/platform/roles.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { textOf } from '../support/chat.ts';

const OWNER = 900;
const CUSTOMER = 7301;
const NOBODY = 99_999;


describe('staff actions on a user id that is nobody (billing)', () => {
  let lavka: TestLavka;
  let sessions: Map<StaffRole, StaffSession>;
  let owner: SimUser;

  before(async () => {
    lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER] });
    sessions = await staffSessions(lavka, OWNER);
    owner = lavka.sim.user({ id: OWNER, first_name: 'Owner', language_code: 'en' });
    const customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aru', language_code: 'en' });
    await customer.send('/start');
    await customer.waitForMessage(() => true, { timeoutMs: 8000 });
  });
  after(async () => {
    await lavka?.stop();
  });

  /** Calls the admin API as `role`, with the CSRF token. */
  const call = async (role: StaffRole, method: 'POST' | 'DELETE', url: string, body: unknown = {}) => {
    const session = sessions.get(role) as StaffSession;
    const response = await lavka.app.http.inject({
      method,
      url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, json: response.json() as { error?: string; message?: string; entry?: { balance_after: number } } };
  };

  const db = () => lavka.app.database.db;
  const walletRows = async (userId: number) => ({
    accounts: (await db().selectFrom('wallet_accounts').select('user_id').where('user_id', '=', userId).execute()).length,
    ledger: (await db().selectFrom('wallet_ledger').select('id').where('user_id', '=', userId).execute()).length,
  });

  test('an adjustment for an unknown user id is 404 users.not_found and opens no account and no ledger row', async () => {
    for (const role of ['owner', 'accountant'] as const) {
      const response = await call(role, 'POST', '/api/wallet/adjust', { userId: NOBODY, amount: 50, reason: 'compensation' });
      assert.equal(response.status, 404, JSON.stringify(response.json));
      assert.equal(response.json.error, 'users.not_found');
      assert.match(response.json.message ?? '', /no user/);
    }
    assert.deepEqual(await walletRows(NOBODY), { accounts: 0, ledger: 0 });
  });

  test('an adjustment for a user of the bot is still posted', async () => {
    const response = await call('accountant', 'POST', '/api/wallet/adjust', { userId: CUSTOMER, amount: 50, reason: 'compensation' });
    assert.equal(response.status, 201, JSON.stringify(response.json));
    assert.equal(response.json.entry?.balance_after, 50);
    assert.deepEqual(await walletRows(CUSTOMER), { accounts: 1, ledger: 1 });
  });

  test('a payment opened through the staff API for an unknown user id is 404 and stores no payment', async () => {
    const response = await call('manager', 'POST', '/api/payments', { userId: NOBODY, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
    assert.equal(response.status, 404, JSON.stringify(response.json));
    assert.equal(response.json.error, 'users.not_found');
    assert.equal((await db().selectFrom('payments').select('id').where('user_id', '=', NOBODY).execute()).length, 0);
    const known = await call('manager', 'POST', '/api/payments', { userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
    assert.equal(known.status, 201, JSON.stringify(known.json));
  });

  test('tags and messages for an unknown user id are 404 and store nothing', async () => {
    const tag = await call('manager', 'POST', `/api/admin/customers/${NOBODY}/tags`, { tag: 'vip' });
    assert.equal(tag.status, 404, JSON.stringify(tag.json));
    const untag = await call('manager', 'DELETE', `/api/admin/customers/${NOBODY}/tags/vip`);
    assert.equal(untag.status, 404, JSON.stringify(untag.json));
    assert.equal(untag.json.error, 'users.not_found');
    const message = await call('manager', 'POST', `/api/admin/customers/${NOBODY}/message`, { text: 'Hello' });
    assert.equal(message.status, 404, JSON.stringify(message.json));
    assert.equal((await db().selectFrom('user_tags').select('tag').where('user_id', '=', NOBODY).execute()).length, 0);
    assert.equal((await db().selectFrom('outbox').select('id').where('chat_id', '=', NOBODY).execute()).length, 0);
  });

  test('/adjust in the bot for an unknown user id says so and changes nothing', async () => {
    await owner.send(`/adjust ${NOBODY} +50 compensation`);
    const answer = await owner.waitForMessage((reply) => textOf(reply).includes('There is no user with this id'), { timeoutMs: 8000 });
    assert.match(textOf(answer), /Nothing was changed/);
    assert.deepEqual(await walletRows(NOBODY), { accounts: 0, ledger: 0 });
  });
});
