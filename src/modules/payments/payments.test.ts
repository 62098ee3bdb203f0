import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addBillingUser, paymentsServiceOn, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { createWalletService, type WalletService } from '../wallet/wallet.service.ts';
import { isPaymentsError } from './payments.errors.ts';
import type { PaymentsService } from './payments.service.ts';
import { paymentsSettingsSchema } from './payments.settings.ts';
import { invoicePayload } from './providers/telegram-stars.provider.ts';
import { createTelegramStarsProvider } from './providers/telegram-stars.provider.ts';
import { createTopupPurpose } from '../wallet/wallet.purpose.ts';
import { resolveWalletSettings } from '../wallet/wallet.settings.ts';
import { createEvents } from '../../platform/events.ts';

/** Opens a Stars payment for the 100-token pack as the bot would when the user picks Stars. */
async function openStarsPayment(payments: PaymentsService, userId: number) {
  const { payment, start } = await payments.start({ userId, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
  assert.equal(start.type, 'telegram_invoice');
  return payment;
}

for (const dialect of await testDialects()) {
  describe(`payments settle exactly once on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let payments: PaymentsService;
    let wallet: WalletService;
    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target, { adminIds: [7000, 7001] });
      payments = billing.services.payments;
      wallet = billing.services.wallet as WalletService;
    });
    after(async () => {
      await billing?.close();
      await target?.drop();
    });

    test('the same successful_payment delivered 50 times concurrently credits once', async () => {
      await addBillingUser(billing, 201);
      const payment = await openStarsPayment(payments, 201);
      const delivery = { userId: 201, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 50, chargeId: 'stxCHARGE-201' };
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => payments.recordTelegramPayment(delivery)));
      assert.equal(outcomes.filter((outcome) => outcome.status === 'credited').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'duplicate').length, 49);
      assert.equal(await wallet.balance(201), 100);
      assert.equal(await wallet.ledgerSum(201), 100);
      const stored = await payments.get(payment.id);
      assert.equal(stored?.status, 'paid');
      assert.equal(stored?.external_id, 'stxCHARGE-201');
      // Much later, once more (a webhook redelivery after a restart): still nothing.
      assert.equal((await payments.recordTelegramPayment(delivery)).status, 'duplicate');
      assert.equal(await wallet.balance(201), 100);
    });

    test('a second charge for the same invoice is money received and is recorded as its own payment', async () => {
      await addBillingUser(billing, 202);
      const payment = await openStarsPayment(payments, 202);
      const first = await payments.recordTelegramPayment({ userId: 202, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 50, chargeId: 'stx-202-a' });
      const second = await payments.recordTelegramPayment({ userId: 202, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 50, chargeId: 'stx-202-b' });
      assert.equal(first.status, 'credited');
      assert.equal(second.status, 'credited');
      assert.notEqual(second.payment?.id, payment.id);
      assert.equal(await wallet.balance(202), 200);
    });

    test('a payment whose amount differs from the invoice credits nothing and is logged', async () => {
      await addBillingUser(billing, 203);
      const payment = await openStarsPayment(payments, 203);
      const outcome = await payments.recordTelegramPayment({ userId: 203, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 1, chargeId: 'stx-203' });
      assert.equal(outcome.status, 'rejected');
      assert.equal(outcome.code, 'payments.amount_mismatch');
      assert.equal(await wallet.balance(203), 0);
      const rejected = await payments.listEvents({ status: 'rejected' }, 10);
      assert.ok(rejected.some((event) => event.event_key === 'telegram_stars:stx-203:paid' && /amount_mismatch/.test(event.error ?? '')));
      const alerts = await billing.database.db.selectFrom('outbox').select(['chat_id', 'payload']).where('dedupe_key', 'like', 'payevent:%:alert:%').execute();
      assert.deepEqual(alerts.map((row) => row.chat_id).sort(), [7000, 7001], 'both admins are alerted');
    });

    test('a crash between receiving and crediting leaves a received event that recovery completes once', async () => {
      await addBillingUser(billing, 204);
      const payment = await openStarsPayment(payments, 204);
      // The event is stored, then the process "dies" before processing it.
      await payments.ingest({ provider: 'telegram_stars', kind: 'paid', paymentId: payment.id, externalId: 'stx-204', amountMinor: 50, currency: 'XTR' });
      assert.equal(await wallet.balance(204), 0);
      // The next start: a fresh service over the same database runs recovery.
      const settings = paymentsSettingsSchema.parse(billing.config.settings.payments);
      const restarted = paymentsServiceOn(billing, { settings, providers: [createTelegramStarsProvider({ telegram: () => undefined })], staffChatIds: [7000] });
      const freshWallet = createWalletService({ db: billing.database.db, now: Date.now, users: billing.services.users, events: createEvents() });
      restarted.registerPurpose(createTopupPurpose({ wallet: freshWallet, settings: resolveWalletSettings(billing.config.settings.wallet, {}, 'RUB'), i18n: billing.i18n, businessName: 'Test' }));
      assert.equal(await restarted.recoverEvents(0), 1);
      assert.equal(await restarted.recoverEvents(0), 0, 'a second recovery finds nothing left');
      assert.equal(await wallet.balance(204), 100);
      const notice = await billing.database.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', `payment:${payment.id}:paid`).executeTakeFirst();
      assert.match(notice?.payload ?? '', /\+100 tokens/, 'the user is told through the outbox');
    });

    test('a purpose that throws rolls the credit back and leaves the event for a retry', async () => {
      await addBillingUser(billing, 205);
      const payment = await openStarsPayment(payments, 205);
      payments.registerPurpose({ name: 'topup', goods: 'digital', quote: async () => undefined, onPaid: async () => { throw new Error('disk full'); } });
      try {
        const outcome = await payments.recordTelegramPayment({ userId: 205, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 50, chargeId: 'stx-205' });
        assert.equal(outcome.status, 'deferred');
        assert.equal((await payments.get(payment.id))?.status, 'pending', 'the payment row rolled back with the failed credit');
      } finally {
        payments.registerPurpose(createTopupPurpose({ wallet, settings: resolveWalletSettings(billing.config.settings.wallet, {}, 'RUB'), i18n: billing.i18n, businessName: 'Test' }));
      }
      assert.equal(await payments.recoverEvents(0), 1);
      assert.equal(await wallet.balance(205), 100);
    });

    test('two admins approving the same manual request at once credit once', async () => {
      await addBillingUser(billing, 206);
      const { payment } = await payments.start({ userId: 206, purpose: 'topup', ref: 'p500', method: 'manual.card_ru', locale: 'ru' });
      await payments.attachReceipt(payment.id, 206, 'AgACAgIAAxkBAAIBreceipt');
      const results = await Promise.allSettled([
        payments.confirm(payment.id, { type: 'admin', id: 7000 }),
        payments.confirm(payment.id, { type: 'admin', id: 7001 }),
        payments.confirm(payment.id, { type: 'admin', id: 7000 }),
      ]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) if (result.status === 'rejected') assert.ok(isPaymentsError(result.reason, 'payments.already_handled'));
      assert.equal(await wallet.balance(206), 500);
      const entries = (await wallet.history(206, 1, 10)).entries;
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.actor_type, 'admin', 'the credit names the approving admin');
      await assert.rejects(payments.decline(payment.id, { type: 'admin', id: 7001 }, 'late'), (error: unknown) => isPaymentsError(error, 'payments.already_handled'));
    });

    test('a declined request credits nothing, tells the user the reason, and cannot be approved afterwards', async () => {
      await addBillingUser(billing, 207);
      const { payment } = await payments.start({ userId: 207, purpose: 'topup', ref: 'p100', method: 'manual.crypto', locale: 'en' });
      await payments.attachReceipt(payment.id, 207, 'AgACAgIAAxkBAAIBreceipt207');
      const staffPhotos = await billing.database.db.selectFrom('outbox').select(['chat_id', 'method', 'payload']).where('dedupe_key', 'like', `payment:${payment.id}:receipt:%`).execute();
      assert.equal(staffPhotos.length, 2);
      assert.ok(staffPhotos.every((row) => row.method === 'sendPhoto' && row.payload.includes(`pay:ap:${payment.id}`)));
      await payments.decline(payment.id, { type: 'admin', id: 7000 }, 'The receipt is unreadable');
      await assert.rejects(payments.confirm(payment.id, { type: 'admin', id: 7001 }), (error: unknown) => isPaymentsError(error, 'payments.already_handled'));
      assert.equal(await wallet.balance(207), 0);
      const notice = await billing.database.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', `payment:${payment.id}:declined`).executeTakeFirstOrThrow();
      assert.match(notice.payload, /The receipt is unreadable/);
    });

    test('pre-checkout accepts the open invoice and refuses a wrong amount, another user, an unknown payload and a paid invoice', async () => {
      await addBillingUser(billing, 208);
      const payment = await openStarsPayment(payments, 208);
      const query = { payload: invoicePayload(payment.id), userId: 208, currency: 'XTR', totalAmount: 50 };
      assert.equal(await payments.preCheckout(query), undefined);
      assert.equal(await payments.preCheckout({ ...query, totalAmount: 49 }), 'payments.price_changed');
      assert.equal(await payments.preCheckout({ ...query, userId: 209 }), 'payments.not_found');
      assert.equal(await payments.preCheckout({ ...query, payload: 'forged' }), 'payments.not_found');
      await payments.recordTelegramPayment({ ...query, chargeId: 'stx-208' });
      assert.equal(await payments.preCheckout(query), 'payments.already_handled');
    });

    test('refunding a transfer records a reversal; a refund is refused once the tokens are spent', async () => {
      await addBillingUser(billing, 210);
      const { payment } = await payments.start({ userId: 210, purpose: 'topup', ref: 'p100', method: 'manual.bank_transfer', locale: 'en' });
      await payments.confirm(payment.id, { type: 'admin', id: 7000 });
      await wallet.postNow({ userId: 210, kind: 'spend', amount: -60, reason: 'task', actor: { type: 'user', id: 210 } });
      await assert.rejects(payments.refund(payment.id, { type: 'admin', id: 7000 }), /balance 40 is less than 100/);
      assert.equal((await payments.get(payment.id))?.status, 'paid', 'a refused refund changes nothing');
      await wallet.postNow({ userId: 210, kind: 'bonus', amount: 60, reason: 'bonus', actor: { type: 'system' } });
      const refunded = await payments.refund(payment.id, { type: 'admin', id: 7000 });
      assert.equal(refunded.viaProvider, false);
      assert.equal(refunded.payment.status, 'refunded');
      assert.equal(await wallet.balance(210), 0);
      const reversal = (await wallet.history(210, 1, 1)).entries[0];
      assert.equal(reversal?.kind, 'reversal');
      assert.equal(reversal?.actor_id, '7000');
      const audit = await billing.services.audit?.list({ limit: 10, subject: { type: 'payment', id: String(payment.id) } });
      assert.ok(audit?.some((entry) => entry.action === 'payments.refund_recorded' && entry.actor_id === '7000'));
    });

    test('an unpaid payment expires cleanly and a late payment of it still counts', async () => {
      await addBillingUser(billing, 211);
      const payment = await openStarsPayment(payments, 211);
      await billing.database.db.updateTable('payments').set({ expires_at: Date.now() - 1 }).where('id', '=', payment.id).execute();
      assert.ok((await payments.expireStale()) >= 1);
      assert.equal((await payments.get(payment.id))?.status, 'expired');
      const late = await payments.recordTelegramPayment({ userId: 211, payload: invoicePayload(payment.id), currency: 'XTR', totalAmount: 50, chargeId: 'stx-211' });
      assert.equal(late.status, 'credited');
      assert.equal(await wallet.balance(211), 100);
    });
  });
}
