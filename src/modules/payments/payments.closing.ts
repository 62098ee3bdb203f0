import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { PaymentsError } from './payments.errors.ts';
import { createPaymentsRepository } from './payments.repository.ts';
import type { PaymentRecord } from './payments.tables.ts';
import type { PaymentProvider, ProviderEvent } from './payments.types.ts';
import type { PaymentsActor, PaymentsShared, ProcessOutcome } from './payments.shared.ts';
import { paymentEvent } from './payments.api.view.ts';

/** Thrown out of an event's transaction when a purpose refuses to undo what a gateway refund paid back. */
export class RefundNotReversedError extends Error {
  readonly paymentId: number;
  readonly reason: string;
  constructor(paymentId: number, reason: string) {
    super(`payment ${paymentId}: the refund could not be undone (${reason})`);
    this.paymentId = paymentId;
    this.reason = reason;
  }
}

/**
 * Closing paid or open payments: refunds made at the gateway (inside their event's
 * transaction), a refund whose purpose refused the reversal, refunds through the provider,
 * and stale payments nobody paid.
 */
export function createPaymentsClosing(shared: PaymentsShared) {
  const { deps, db, logger, i18n, repository, purposes, purposeOf, money, staffMessages, providerOf, refundNotice } = shared;

  /**
   * A refund made at the gateway (Heleket's `refund_process`, `refund_fail`, `refund_paid`),
   * inside the event's transaction. In process: recorded, nothing moves. Failed: recorded and
   * staff alerted, the payment stays as it was. Paid back: the payment becomes `refunded` and
   * the purpose undoes its delivery (wallet reversal, order refunded), as for a Stars refund;
   * the status guard and the event's UNIQUE key make a repeated delivery change nothing.
   */
  async function applyGatewayRefund(trx: DbExecutor, eventId: number, event: ProviderEvent, payment: PaymentRecord, nowMs: number): Promise<ProcessOutcome> {
    const scoped = createPaymentsRepository(trx);
    const amount = (locale: Locale) => money(payment.amount_minor, payment.currency, locale);
    const audit = (action: string, details: Record<string, unknown> = {}) =>
      deps.audit?.record({ actor: { type: 'system' }, action, subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider, ...details } }, trx);
    const ignore = async (note: string): Promise<ProcessOutcome> => {
      await scoped.markEvent(eventId, 'ignored', note, payment.id, nowMs);
      return { status: 'duplicate', payment };
    };
    // A payment Lavka never settled (its `paid` webhook was lost): nothing was delivered, so
    // nothing is undone; the payment is closed so that polls and expiry stop asking about it.
    const open = payment.status === 'pending';

    if (event.kind === 'refund_pending') {
      if (payment.status !== 'paid') return ignore(`payments.refund_in_progress: payment is ${payment.status}`);
      await scoped.markEvent(eventId, 'processed', 'payments.refund_in_progress', payment.id, nowMs);
      await audit('payments.refund_in_progress');
      return { status: 'recorded', payment, code: 'payments.refund_in_progress' };
    }

    if (event.kind === 'refund_failed') {
      if (open) {
        if (!(await scoped.transition(payment.id, ['pending'], { status: 'failed', updated_at: nowMs }))) return ignore('payments.refund_failed: payment changed meanwhile');
        await purposeOf(payment.purpose).onClosed?.(trx, { ...payment, status: 'failed' }, 'failed');
      } else if (payment.status !== 'paid' && payment.status !== 'refunded') {
        return ignore(`payments.refund_failed: payment is ${payment.status}`);
      }
      await scoped.markEvent(eventId, 'processed', 'payments.refund_failed', payment.id, nowMs);
      await audit('payments.refund_failed');
      await enqueueOutbox(trx, await staffMessages(trx, (locale) => i18n.t(locale, 'payments-staff-refund-failed', { id: String(payment.id), amount: amount(locale), provider: payment.provider }), `payevent:${eventId}:refund_failed`), nowMs);
      return { status: 'recorded', payment: open ? { ...payment, status: 'failed' } : payment, code: 'payments.refund_failed' };
    }

    // Paid back. A refund an admin already recorded in Lavka has been undone once: never again.
    if (payment.status !== 'paid' && !open) return ignore(`payments.already_refunded: payment is ${payment.status}`);
    const patch = { status: 'refunded' as const, refunded_at: nowMs, updated_at: nowMs };
    if (!(await scoped.transition(payment.id, [payment.status], patch))) return ignore('payments.already_refunded: payment changed meanwhile');
    const refunded = { ...payment, ...patch };
    if (open) {
      await purposeOf(payment.purpose).onClosed?.(trx, refunded, 'failed');
    } else {
      try {
        await purposes.get(payment.purpose)?.onRefunded?.(trx, refunded, { type: 'system' });
      } catch (error) {
        // The money is already back with the payer, so the refund stands; the purpose's refusal
        // (tokens spent, Stars delivered) is rolled back and settled by staff instead.
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(code)) throw new RefundNotReversedError(payment.id, `${code}: ${(error as Error).message}`);
        throw error;
      }
    }
    await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
    if (!open) await deps.events.publish(trx, paymentEvent('payment.refunded', refunded));
    await audit('payments.refunded', { via: 'gateway' });
    await enqueueOutbox(trx, refundNotice(payment), nowMs);
    return { status: 'refunded', payment: refunded };
  }

  /**
   * A gateway refund whose purpose refused to undo its delivery: the payment is still marked
   * refunded (the money is gone), without the reversal, and staff are told to settle it.
   */
  async function recordRefundNotReversed(eventId: number, refusal: RefundNotReversedError): Promise<ProcessOutcome> {
    return db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.claimEvent(eventId, nowMs))) return { status: 'duplicate' as const };
      const payment = (await scoped.findPayment(refusal.paymentId)) as PaymentRecord;
      const patch = { status: 'refunded' as const, refunded_at: nowMs, updated_at: nowMs };
      if (!(await scoped.transition(payment.id, ['paid'], patch))) {
        await scoped.markEvent(eventId, 'ignored', `payments.already_refunded: payment is ${payment.status}`, payment.id, nowMs);
        return { status: 'duplicate' as const, payment };
      }
      const note = `payments.refund_not_reversed: ${refusal.reason}`.slice(0, 500);
      await scoped.markEvent(eventId, 'processed', note, payment.id, nowMs);
      await deps.events.publish(trx, paymentEvent('payment.refunded', { ...payment, ...patch }));
      logger.warn({ eventId, paymentId: payment.id, reason: refusal.reason }, 'gateway refund recorded; its purpose refused to undo the delivery');
      if (deps.audit) {
        await deps.audit.record({ actor: { type: 'system' }, action: 'payments.refunded', subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider, via: 'gateway', notReversed: refusal.reason } }, trx);
      }
      await enqueueOutbox(trx, [
        refundNotice(payment),
        ...(await staffMessages(
          trx,
          (locale) => i18n.t(locale, 'payments-staff-refund-not-reversed', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale), provider: payment.provider, reason: refusal.reason.slice(0, 200) }),
          `payevent:${eventId}:not_reversed`,
        )),
      ], nowMs);
      return { status: 'refunded' as const, payment: { ...payment, ...patch }, code: 'payments.refund_not_reversed' };
    });
  }

  async function closeStale(payment: PaymentRecord, outcome: 'expired' | 'failed'): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.transition(payment.id, ['pending'], { status: outcome, updated_at: nowMs }))) return false;
      await purposes.get(payment.purpose)?.onClosed?.(trx, { ...payment, status: outcome }, outcome);
      return true;
    });
  }

  async function finishProviderRefund(payment: PaymentRecord, actor: PaymentsActor): Promise<PaymentRecord> {
    const provider = providerOf(payment.provider);
    const result = await (provider.refund as NonNullable<PaymentProvider['refund']>)(payment);
    if (!result.ok && !result.permanent) {
      logger.warn({ paymentId: payment.id, code: result.code, detail: result.detail }, 'refund not confirmed yet; will retry');
      throw new PaymentsError('payments.refund_failed', result.detail, { paymentId: payment.id, retrying: true });
    }
    await db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (result.ok) {
        if (await scoped.transition(payment.id, ['refunding'], { status: 'refunded', refunded_at: nowMs, updated_at: nowMs })) {
          await enqueueOutbox(trx, refundNotice(payment), nowMs);
          await deps.events.publish(trx, paymentEvent('payment.refunded', { ...payment, status: 'refunded', refunded_at: nowMs, updated_at: nowMs }));
          if (deps.audit) await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: 'payments.refunded', subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider } }, trx);
        }
        return;
      }
      // Telegram refused for good: the payment stays paid and the purpose's reversal is undone.
      if (await scoped.transition(payment.id, ['refunding'], { status: 'paid', updated_at: nowMs })) {
        await purposes.get(payment.purpose)?.onRefundCancelled?.(trx, payment);
        if (deps.audit) await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: 'payments.refund_refused', subject: { type: 'payment', id: payment.id }, details: { code: result.code, detail: result.detail } }, trx);
      }
    });
    if (!result.ok) throw new PaymentsError('payments.refund_failed', result.detail, { paymentId: payment.id, code: result.code });
    return (await repository.findPayment(payment.id)) as PaymentRecord;
  }

  return { applyGatewayRefund, recordRefundNotReversed, closeStale, finishProviderRefund };
}

/** Closing payments, as the settling of events and the use cases call it. */
export type PaymentsClosing = ReturnType<typeof createPaymentsClosing>;
