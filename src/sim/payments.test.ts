import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ApiMessage, ApiUpdate } from './api-types.ts';
import { createSimulator } from './simulator.ts';
import type { TelegramSimulator } from './simulator.ts';
import { drainUpdates, ok, rejects } from './test-helpers.ts';

let sim: TelegramSimulator;
beforeEach(() => {
  sim = createSimulator({ rateLimits: false, preCheckoutTimeoutMs: 300 });
});
afterEach(async () => {
  await sim.close();
});

const starInvoice = { title: 'Coffee', description: 'A cup of coffee', payload: 'order:17', currency: 'XTR', prices: [{ label: 'Coffee', amount: 50 }] };

/** Plays the bot's part: waits for the pre_checkout_query and answers it. */
async function answerNextPreCheckout(answer: { ok: boolean; error_message?: string }): Promise<{ id: string; invoice_payload: string; total_amount: number }> {
  for (;;) {
    const updates = await ok<ApiUpdate[]>(sim, 'getUpdates', { timeout: 1 });
    const last = updates.at(-1);
    if (last) await ok(sim, 'getUpdates', { offset: last.update_id + 1 });
    const query = updates.find((u) => u.pre_checkout_query)?.pre_checkout_query as { id: string; invoice_payload: string; total_amount: number } | undefined;
    if (query) {
      await ok(sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: query.id, ...answer });
      return query;
    }
  }
}

describe('payments in Telegram Stars', () => {
  test('invoice → pre_checkout → successful_payment yields a unique charge id each time', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann', hasStartedBot: true });
    const chargeIds = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const invoice = await ok<ApiMessage>(sim, 'sendInvoice', { chat_id: 42, ...starInvoice });
      assert.deepEqual(invoice.invoice, { title: 'Coffee', description: 'A cup of coffee', start_parameter: '', currency: 'XTR', total_amount: 50 });
      const [payment, query] = await Promise.all([user.payInvoice(invoice.message_id), answerNextPreCheckout({ ok: true })]);
      assert.equal(query.invoice_payload, 'order:17');
      assert.equal(query.total_amount, 50);
      assert.equal(payment.status, 'paid');
      if (payment.status !== 'paid') return;
      assert.equal(payment.message.successful_payment?.telegram_payment_charge_id, payment.chargeId);
      chargeIds.add(payment.chargeId);
      const [update] = await drainUpdates(sim);
      assert.equal(((update?.message as ApiMessage).successful_payment as { invoice_payload: string }).invoice_payload, 'order:17');
    }
    assert.equal(chargeIds.size, 3);
    const { transactions } = await ok<{ transactions: Array<{ id: string; amount: number }> }>(sim, 'getStarTransactions', {});
    assert.deepEqual(transactions.map((t) => t.id).sort(), [...chargeIds].sort());
    assert.deepEqual(await ok(sim, 'getMyStarBalance', {}), { amount: 150 });
  });

  test('a refund works once; the second is CHARGE_ALREADY_REFUNDED and an unknown charge is CHARGE_NOT_FOUND', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann', hasStartedBot: true });
    const invoice = await ok<ApiMessage>(sim, 'sendInvoice', { chat_id: 42, ...starInvoice });
    const [payment] = await Promise.all([user.payInvoice(invoice.message_id), answerNextPreCheckout({ ok: true })]);
    assert.equal(payment.status, 'paid');
    if (payment.status !== 'paid') return;
    assert.equal(await ok(sim, 'refundStarPayment', { user_id: 42, telegram_payment_charge_id: payment.chargeId }), true);
    await rejects(sim, 'refundStarPayment', { user_id: 42, telegram_payment_charge_id: payment.chargeId }, 400, 'Bad Request: CHARGE_ALREADY_REFUNDED');
    await rejects(sim, 'refundStarPayment', { user_id: 42, telegram_payment_charge_id: 'stxNOPE' }, 400, 'Bad Request: CHARGE_NOT_FOUND');
    assert.ok(user.chat().messages.some((m) => m.refunded_payment), 'the chat shows the refund');
    assert.deepEqual(await ok(sim, 'getMyStarBalance', {}), { amount: 0 });
  });

  test('a declined pre-checkout produces no payment and a silent bot times out', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann', hasStartedBot: true });
    const invoice = await ok<ApiMessage>(sim, 'sendInvoice', { chat_id: 42, ...starInvoice });
    const [declined] = await Promise.all([user.payInvoice(invoice.message_id), answerNextPreCheckout({ ok: false, error_message: 'Sold out' })]);
    assert.deepEqual([declined.status, declined.status === 'declined' && declined.errorMessage], ['declined', 'Sold out']);
    const timedOut = await user.payInvoice(invoice.message_id);
    assert.equal(timedOut.status, 'timeout');
    await rejects(sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: timedOut.preCheckoutQueryId, ok: true }, 400, /query is too old/);
    assert.equal(user.chat().messages.some((m) => m.successful_payment), false);
  });

  test('an invoice link can be paid by any user and a subscription carries its expiration date', async () => {
    const user = sim.user({ id: 43, first_name: 'Bob' });
    const link = await ok<string>(sim, 'createInvoiceLink', { ...starInvoice, subscription_period: 2_592_000 });
    assert.match(link, /^https:\/\/t\.me\/\$\w+$/);
    const [payment] = await Promise.all([user.payInvoice(link), answerNextPreCheckout({ ok: true })]);
    assert.equal(payment.status, 'paid');
    if (payment.status !== 'paid') return;
    const paid = payment.message.successful_payment as { is_recurring?: boolean; subscription_expiration_date?: number };
    assert.equal(paid.is_recurring, true);
    assert.ok((paid.subscription_expiration_date ?? 0) > Date.now() / 1000);
  });

  test('Stars invoices must have exactly one price and no provider token', async () => {
    sim.user({ id: 42, first_name: 'Ann', hasStartedBot: true });
    await rejects(sim, 'sendInvoice', { chat_id: 42, ...starInvoice, prices: [{ label: 'a', amount: 1 }, { label: 'b', amount: 2 }] }, 400, /^Bad Request: STARS_INVOICE_INVALID/);
    await rejects(sim, 'sendInvoice', { chat_id: 42, ...starInvoice, provider_token: 'tok' }, 400, 'Bad Request: PAYMENT_PROVIDER_INVALID');
  });
});

describe('payments in money through a test payment provider', () => {
  const cardInvoice = { title: 'T-shirt', description: 'A Lavka T-shirt, size M', payload: 'pay:7', currency: 'KZT', prices: [{ label: 'T-shirt', amount: 699_000 }] };

  test('an invoice with a test provider token is paid like Telegram’s test providers do: pre-checkout, then a charge with the provider’s own id, and no Stars', async () => {
    const user = sim.user({ id: 44, first_name: 'Dana', hasStartedBot: true });
    const invoice = await ok<ApiMessage>(sim, 'sendInvoice', { chat_id: 44, ...cardInvoice, provider_token: '1877036958:TEST:lavka-sandbox-card' });
    assert.deepEqual(invoice.invoice, { title: 'T-shirt', description: 'A Lavka T-shirt, size M', start_parameter: '', currency: 'KZT', total_amount: 699_000 });
    const [payment, query] = await Promise.all([user.payInvoice(invoice.message_id), answerNextPreCheckout({ ok: true })]);
    assert.deepEqual([query.invoice_payload, query.total_amount], ['pay:7', 699_000]);
    assert.equal(payment.status, 'paid');
    if (payment.status !== 'paid') return;
    const paid = payment.message.successful_payment as { currency: string; total_amount: number; telegram_payment_charge_id: string; provider_payment_charge_id: string };
    assert.deepEqual([paid.currency, paid.total_amount, paid.telegram_payment_charge_id], ['KZT', 699_000, payment.chargeId]);
    assert.match(paid.provider_payment_charge_id, /^sim_provider_\d+$/);
    assert.deepEqual(await ok(sim, 'getMyStarBalance', {}), { amount: 0 }, 'money is not Stars');
    await rejects(sim, 'refundStarPayment', { user_id: 44, telegram_payment_charge_id: payment.chargeId }, 400, 'Bad Request: CHARGE_NOT_FOUND');
  });

  test('an invoice in money without a test provider token is PAYMENT_PROVIDER_INVALID', async () => {
    sim.user({ id: 44, first_name: 'Dana', hasStartedBot: true });
    await rejects(sim, 'sendInvoice', { chat_id: 44, ...cardInvoice }, 400, 'Bad Request: PAYMENT_PROVIDER_INVALID');
    await rejects(sim, 'sendInvoice', { chat_id: 44, ...cardInvoice, provider_token: 'not-a-token' }, 400, 'Bad Request: PAYMENT_PROVIDER_INVALID');
    await rejects(sim, 'sendInvoice', { chat_id: 44, ...cardInvoice, provider_token: '1877036958:LIVE:real-money' }, 400, 'Bad Request: PAYMENT_PROVIDER_INVALID');
    await rejects(sim, 'createInvoiceLink', { ...cardInvoice, provider_token: 'tok' }, 400, 'Bad Request: PAYMENT_PROVIDER_INVALID');
  });
});
