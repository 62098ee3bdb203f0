import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { isWalletError } from './wallet.errors.ts';
import type { WalletService } from './wallet.service.ts';

for (const dialect of await testDialects()) {
  describe(`wallet ledger on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let wallet: WalletService;
    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target);
      wallet = billing.services.wallet as WalletService;
    });
    after(async () => {
      await billing?.close();
      await target?.drop();
    });

    test('a debit larger than the balance is refused with wallet.insufficient_funds and changes nothing', async () => {
      await addBillingUser(billing, 101);
      await wallet.postNow({ userId: 101, kind: 'topup', amount: 30, reason: 'test credit', actor: { type: 'system' } });
      await assert.rejects(
        wallet.postNow({ userId: 101, kind: 'spend', amount: -31, reason: 'too much', actor: { type: 'user', id: 101 } }),
        (error: unknown) => {
          assert.ok(isWalletError(error, 'wallet.insufficient_funds'));
          assert.deepEqual(error.details, { balance: 30, required: 31 });
          assert.match(error.message, /balance 30 is less than 31/);
          return true;
        },
      );
      assert.equal(await wallet.balance(101), 30);
      assert.equal((await wallet.history(101, 1, 10)).entries.length, 1, 'the refused debit left no ledger row');
    });

    test('the database itself refuses a negative balance, even when the code is bypassed', async () => {
      await wallet.postNow({ userId: 102, kind: 'bonus', amount: 5, reason: 'bonus', actor: { type: 'system' } });
      await assert.rejects(sql`update wallet_accounts set balance = -1 where user_id = ${102}`.execute(billing.database.db), /check|constraint/i);
      assert.equal(await wallet.balance(102), 5);
    });

    test('ledger rows can be neither edited nor deleted', async () => {
      const { entry } = await wallet.postNow({ userId: 103, kind: 'bonus', amount: 7, reason: 'bonus', actor: { type: 'system' } });
      await assert.rejects(sql`update wallet_ledger set amount = 700 where id = ${entry.id}`.execute(billing.database.db), /append-only/);
      await assert.rejects(sql`delete from wallet_ledger where id = ${entry.id}`.execute(billing.database.db), /append-only/);
      assert.equal(await wallet.ledgerSum(103), 7);
    });

    test('the same idempotency key posts once, however many concurrent attempts there are', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 50 }, () => wallet.postNow({ userId: 104, kind: 'topup', amount: 100, reason: 'payment', actor: { type: 'system' }, idempotencyKey: 'payment:test-104' })),
      );
      assert.equal(attempts.filter((attempt) => attempt.created).length, 1);
      assert.equal(new Set(attempts.map((attempt) => attempt.entry.id)).size, 1);
      assert.equal(await wallet.balance(104), 100);
    });

    test('concurrent debits never overdraw: exactly as many succeed as the balance covers', async () => {
      await wallet.postNow({ userId: 105, kind: 'topup', amount: 100, reason: 'credit', actor: { type: 'system' } });
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, index) => wallet.postNow({ userId: 105, kind: 'spend', amount: -10, reason: `task ${index}`, actor: { type: 'user', id: 105 } })),
      );
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 10);
      for (const result of results) if (result.status === 'rejected') assert.ok(isWalletError(result.reason, 'wallet.insufficient_funds'));
      assert.equal(await wallet.balance(105), 0);
      assert.equal(await wallet.ledgerSum(105), 0, 'the ledger adds up to the balance');
      const { entries } = await wallet.history(105, 1, 50);
      assert.ok(entries.every((entry) => entry.balance_after >= 0));
    });

    test('a reversal is a new row that undoes another once; a second reversal is refused', async () => {
      const { entry } = await wallet.postNow({ userId: 106, kind: 'topup', amount: 40, reason: 'credit', actor: { type: 'system' } });
      const db = billing.database.db;
      const reversal = await db.transaction().execute((trx) => wallet.reverse(trx, entry.id, { type: 'admin', id: 7000 }, 'mistake'));
      assert.equal(reversal.entry.amount, -40);
      assert.equal(reversal.entry.reverses_id, entry.id);
      assert.equal(reversal.entry.balance_after, 0);
      await assert.rejects(db.transaction().execute((trx) => wallet.reverse(trx, entry.id, { type: 'admin', id: 7000 }, 'again')), (error: unknown) => isWalletError(error, 'wallet.already_reversed'));
      const audit = await billing.services.audit?.list({ limit: 5, subject: { type: 'wallet', id: '106' } });
      assert.equal(audit?.[0]?.action, 'wallet.reversal', 'admin movements are audited with their actor');
      assert.equal(audit?.[0]?.actor_id, '7000');
    });

    test('credits must be positive and debits negative', async () => {
      await assert.rejects(wallet.postNow({ userId: 107, kind: 'topup', amount: -5, reason: 'x', actor: { type: 'system' } }), (error: unknown) => isWalletError(error, 'wallet.invalid_amount'));
      await assert.rejects(wallet.postNow({ userId: 107, kind: 'spend', amount: 5, reason: 'x', actor: { type: 'system' } }), (error: unknown) => isWalletError(error, 'wallet.invalid_amount'));
      await assert.rejects(wallet.postNow({ userId: 107, kind: 'adjustment', amount: 0, reason: 'x', actor: { type: 'system' } }), (error: unknown) => isWalletError(error, 'wallet.invalid_amount'));
    });

    test('the CSV export filters by user and period and keeps formulas inert', async () => {
      await wallet.postNow({ userId: 108, kind: 'adjustment', amount: 12, reason: '=HYPERLINK("x")', actor: { type: 'admin', id: 7000 } });
      const { csv, rows } = await wallet.exportCsv({ userId: 108 });
      const text = csv.toString('utf8');
      assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM for spreadsheets');
      assert.equal(rows, 1);
      assert.match(text, /^\ufeffid,created_at_utc,user_id,kind,amount,balance_after,reason,actor_type,actor_id,external_id,reverses_id\r\n/);
      assert.match(text, /,108,adjustment,12,12,"'=HYPERLINK\(""x""\)",admin,7000,,\r\n$/);
      const future = await wallet.exportCsv({ fromMs: Date.now() + 86_400_000 });
      assert.equal(future.rows, 0);
    });
  });
}

describe('wallet prices', () => {
  test('STARS_PACKS replaces the packs and PRICE_BUY_RUB prices them per token; PRICE_SELL_RUB sets the buy-back', async () => {
    const { resolveWalletSettings } = await import('./wallet.settings.ts');
    const fromConfig = resolveWalletSettings({ packs: [{ id: 'p10', tokens: 10, stars: 5, price: 12.5 }], pricing: { buy: 1 } }, {}, 'RUB');
    assert.deepEqual(fromConfig.packs, [{ id: 'p10', tokens: 10, stars: 5, priceMinor: 1250 }]);
    assert.equal(fromConfig.buyPriceMinor, 100);
    const fromEnv = resolveWalletSettings({ packs: [{ id: 'p10', tokens: 10, stars: 5, price: 12.5 }] }, { STARS_PACKS: '100:50, 500:225', PRICE_BUY_RUB: 0.99, PRICE_SELL_RUB: 0.5 }, 'RUB');
    assert.deepEqual(fromEnv.packs, [
      { id: 't100', tokens: 100, stars: 50, priceMinor: 9900 },
      { id: 't500', tokens: 500, stars: 225, priceMinor: 49500 },
    ]);
    assert.equal(fromEnv.sellPriceMinor, 50);
    const starsOnly = resolveWalletSettings({}, { STARS_PACKS: '100:50' }, 'RUB');
    assert.deepEqual(starsOnly.packs, [{ id: 't100', tokens: 100, stars: 50 }], 'without a money price the pack is sold for Stars only');
  });
});
