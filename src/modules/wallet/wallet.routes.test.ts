// The wallet's ledger as accountants read it in the panel: the whole ledger, or one customer's,
// a period's (days in the business's time zone) or some kinds', page by page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { WalletService } from './wallet.service.ts';
import type { LedgerEntry } from './wallet.tables.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';

for (const dialect of await testDialects()) {
  describe(`the wallet ledger API on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let app: FastifyInstance;
    // The billing preset keeps its books in Moscow time (UTC+3): 10:00 on 10 March 2026.
    const clock = { nowMs: Date.parse('2026-03-10T07:00:00Z') };

    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target, { now: () => clock.nowMs });
      const routes = billing.modules.find((item) => item.name === 'wallet')?.instance.routes;
      assert.ok(routes);
      app = Fastify();
      await app.register(moduleRoutes(billing.modules.find((item) => item.name === 'wallet')), { prefix: '/api/wallet' });
      const wallet = billing.services.wallet as WalletService;
      for (const userId of [8301, 8302]) await addBillingUser(billing, userId, 'ru');
      await wallet.postNow({ userId: 8301, kind: 'topup', amount: 100, reason: 'top-up', actor: { type: 'system' } });
      await wallet.postNow({ userId: 8302, kind: 'bonus', amount: 5, reason: 'welcome', actor: { type: 'system' } });
      // 23:30 local on the 10th.
      clock.nowMs = Date.parse('2026-03-10T20:30:00Z');
      await wallet.postNow({ userId: 8301, kind: 'spend', amount: -30, reason: 'generation', actor: { type: 'user', id: 8301 } });
      // 00:30 local on the 11th, while it is still the 10th in UTC.
      clock.nowMs = Date.parse('2026-03-10T21:30:00Z');
      await wallet.postNow({ userId: 8301, kind: 'spend', amount: -20, reason: 'generation', actor: { type: 'user', id: 8301 } });
    });
    after(async () => {
      await app?.close();
      await billing?.close();
      await target?.drop();
    });

    const ledger = async (query: string) => {
      const response = await app.inject({ method: 'GET', url: `/api/wallet/ledger?${query}` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { entries: LedgerEntry[]; total: number; page: number; pages: number };
    };

    test('the ledger is filtered by customer, kind and local days, newest first, page by page', async () => {
      assert.deepEqual((await ledger('')).entries.map((entry) => entry.amount), [-20, -30, 5, 100]);
      assert.deepEqual((await ledger('userId=8302')).entries.map((entry) => entry.reason), ['welcome']);
      assert.deepEqual((await ledger('kind=spend')).entries.map((entry) => entry.amount), [-20, -30]);
      assert.deepEqual((await ledger('kind=topup,bonus')).entries.map((entry) => entry.kind), ['bonus', 'topup']);
      assert.deepEqual((await ledger('from=2026-03-10&to=2026-03-10')).entries.map((entry) => entry.amount), [-30, 5, 100], 'the 00:30 spend belongs to the 11th in Moscow');
      assert.deepEqual((await ledger('from=2026-03-11')).entries.map((entry) => entry.amount), [-20]);
      const second = await ledger('pageSize=3&page=2');
      assert.deepEqual({ total: second.total, page: second.page, pages: second.pages, amounts: second.entries.map((entry) => entry.amount) }, { total: 4, page: 2, pages: 2, amounts: [100] });
    });

    test('a wrong kind or an impossible date is refused in plain words', async () => {
      const kind = await app.inject({ method: 'GET', url: '/api/wallet/ledger?kind=gift' });
      assert.equal(kind.statusCode, 400);
      assert.match(kind.json().message, /kind/);
      const date = await app.inject({ method: 'GET', url: '/api/wallet/ledger?from=2026-02-30' });
      assert.equal(date.statusCode, 400);
      assert.equal(date.json().error, 'wallet.invalid_date');
    });
  });
}
