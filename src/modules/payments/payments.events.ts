import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createPaymentsRepository } from './payments.repository.ts';
import type { PaymentEventRecord, PaymentRecord } from './payments.tables.ts';
import type { ProviderEvent, PurposeNotice } from './payments.types.ts';
import { RefundNotReversedError, type PaymentsClosing } from './payments.closing.ts';
import type { PaymentsActor, PaymentsShared, ProcessOutcome } from './payments.shared.ts';
import { paymentEvent } from './payments.api.view.ts';

export const MAX_EVENT_ATTEMPTS = 10;

/**
 * Settling payments from provider events, exactly once: claiming a stored event and, in its
 * one transaction, crediting the payment, the purpose's delivery and the notices (or the
 * rejection, the closing, the gateway refund); failures are retried and, at last, staff told.
 */
export function createPaymentsEvents(shared: PaymentsShared, closing: Pick<PaymentsClosing, 'applyGatewayRefund' | 'recordRefundNotReversed'>) {
  const { deps, db, logger, i18n, repository, purposeOf, money, localeOf, staffMessages } = shared;
  const { applyGatewayRefund, recordRefundNotReversed } = closing;

  async function settle(executor: DbExecutor, payment: PaymentRecord, options: { notify: boolean; actor: PaymentsActor }): Promise<PurposeNotice | undefined> {
    const notice = (await purposeOf(payment.purpose).onPaid(executor, payment)) ?? undefined;
    const locale = localeOf(payment);
    const text = notice?.text ?? i18n.t(locale, 'payments-paid', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale) });
    if (deps.audit) {
      await deps.audit.record(
        {
          actor: options.actor.type === 'admin' ? { type: 'admin', id: options.actor.id } : { type: 'system' },
          action: 'payments.paid',
          subject: { type: 'payment', id: payment.id },
          details: { provider: payment.provider, externalId: payment.external_id, amountMinor: payment.amount_minor, currency: payment.currency, purpose: payment.purpose },
        },
        executor,
      );
    }
    if (options.notify) {
      await enqueueOutbox(executor, { chatId: payment.user_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `payment:${payment.id}:paid` }, deps.now());
    }
    await deps.events.publish(executor, paymentEvent('payment.succeeded', payment));
    return { text };
  }

  /** Claims and applies one stored event in a single transaction. */
  async function processEvent(eventId: number, options: { notify: boolean }): Promise<ProcessOutcome> {
    try {
      return await db.transaction().execute(async (trx) => {
        const scoped = createPaymentsRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.claimEvent(eventId, nowMs))) {
          const row = await scoped.findEvent(eventId);
          const payment = row?.payment_id ? await scoped.findPayment(row.payment_id) : undefined;
          return { status: 'duplicate', payment };
        }
        const row = (await scoped.findEvent(eventId)) as PaymentEventRecord;
        const event = JSON.parse(row.payload) as ProviderEvent;
        const reject = async (code: string, detail: string, payment?: PaymentRecord, alert?: (locale: Locale) => string): Promise<ProcessOutcome> => {
          await scoped.markEvent(eventId, 'rejected', `${code}: ${detail}`, payment?.id ?? null, nowMs);
          logger.warn({ eventId, provider: event.provider, externalId: event.externalId, code, detail }, 'payment event rejected: nothing credited');
          if (alert) await enqueueOutbox(trx, await staffMessages(trx, alert, `payevent:${eventId}:alert`), nowMs);
          return { status: 'rejected', code, payment };
        };

        let payment = event.paymentId !== undefined ? await scoped.findPayment(event.paymentId) : undefined;
        payment ??= await scoped.findByExternal(event.provider, event.externalId);
        if (!payment) {
          return reject('payments.unknown_payment', `no payment for ${event.provider} ${event.externalId}`, undefined,
            event.kind === 'paid' && event.provider.startsWith('telegram')
              ? (locale: Locale) => i18n.t(locale, 'payments-staff-unknown-charge', { provider: event.provider, charge: event.externalId })
              : undefined);
        }
        if (payment.provider !== event.provider) return reject('payments.provider_mismatch', `payment ${payment.id} is ${payment.provider}`, payment);
        const isTelegram = event.provider === 'telegram_stars' || event.provider === 'telegram_card';
        if (!isTelegram && payment.external_id && payment.external_id !== event.externalId) {
          return reject('payments.reference_mismatch', `payment ${payment.id} is ${payment.external_id}, event names ${event.externalId}`, payment);
        }

        if (event.kind === 'refund_pending' || event.kind === 'refund_failed' || event.kind === 'refunded') {
          return await applyGatewayRefund(trx, eventId, event, payment, nowMs);
        }

        if (event.kind === 'paid') {
          if (event.amountMinor !== payment.amount_minor || event.currency !== payment.currency) {
            const expected = payment;
            const received = (locale: Locale) => (event.amountMinor === undefined || !event.currency ? '?' : money(event.amountMinor, event.currency, locale));
            return reject('payments.amount_mismatch', `received ${event.amountMinor} ${event.currency}, expected ${payment.amount_minor} ${payment.currency}`, payment, (locale) =>
              i18n.t(locale, 'payments-staff-amount-mismatch', { id: String(expected.id), provider: expected.provider, received: received(locale), expected: money(expected.amount_minor, expected.currency, locale) }));
          }
          const actor: PaymentsActor = event.confirmedBy ? { type: 'admin', id: event.confirmedBy } : { type: 'system' };
          if (isTelegram && payment.external_id && payment.external_id !== event.externalId) {
            // The same invoice paid a second time (an invoice link can be): money received, recorded as its own payment.
            const { id: _id, ...copy } = payment;
            payment = await scoped.insertPayment({ ...copy, status: 'paid', external_id: event.externalId, paid_at: nowMs, created_at: nowMs, updated_at: nowMs });
          } else {
            const patch = {
              status: 'paid' as const,
              external_id: event.externalId,
              paid_at: nowMs,
              updated_at: nowMs,
              decided_by: event.confirmedBy ?? payment.decided_by,
            };
            // A late payment of an expired or failed invoice still arrived, so it still counts.
            if (!(await scoped.transition(payment.id, ['pending', 'expired', 'failed'], patch))) {
              const current = (await scoped.findPayment(payment.id)) as PaymentRecord;
              if (current.status === 'declined') {
                const declinedId = String(payment.id);
                return reject('payments.paid_after_decline', `payment ${payment.id} was declined before this confirmation`, current, (locale) =>
                  i18n.t(locale, 'payments-staff-paid-after-decline', { id: declinedId }));
              }
              await scoped.markEvent(eventId, 'ignored', 'payments.already_paid', payment.id, nowMs);
              return { status: 'duplicate', payment: current };
            }
            payment = { ...payment, ...patch };
          }
          await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
          const notice = await settle(trx, payment, { notify: options.notify, actor });
          return { status: 'credited', payment, notice };
        }

        const outcome = event.kind === 'expired' ? 'expired' : 'failed';
        if (!(await scoped.transition(payment.id, ['pending'], { status: outcome, updated_at: nowMs }))) {
          await scoped.markEvent(eventId, 'ignored', `payment is ${payment.status}`, payment.id, nowMs);
          return { status: 'duplicate', payment };
        }
        payment = { ...payment, status: outcome, updated_at: nowMs };
        await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
        await purposeOf(payment.purpose).onClosed?.(trx, payment, outcome);
        if (event.kind === 'wrong_amount') {
          const locale = localeOf(payment);
          const closed = payment;
          await enqueueOutbox(trx, [
            { chatId: payment.user_id, method: 'sendMessage', payload: { text: i18n.t(locale, 'payments-wrong-amount', { id: String(payment.id) }) }, priority: 'high', dedupeKey: `payment:${payment.id}:wrong_amount` },
            ...(await staffMessages(trx, (staff) => i18n.t(staff, 'payments-staff-wrong-amount', { id: String(closed.id), provider: closed.provider }), `payment:${payment.id}:wrong_amount:staff`)),
          ], nowMs);
          return { status: 'closed', payment, code: 'payments.wrong_amount' };
        }
        return { status: 'closed', payment };
      });
    } catch (error) {
      if (error instanceof RefundNotReversedError) return recordRefundNotReversed(eventId, error);
      const attempts = await repository.countAttempt(eventId, (error as Error).message ?? String(error)).catch(() => 0);
      logger.error({ err: error, eventId, attempts }, 'payment event processing failed; recovery will retry');
      if (attempts >= MAX_EVENT_ATTEMPTS) {
        const nowMs = deps.now();
        await db.transaction().execute(async (trx) => {
          await createPaymentsRepository(trx).markEvent(eventId, 'failed', (error as Error).message ?? 'failed', null, nowMs);
          const reason = String((error as Error).message).slice(0, 200);
          await enqueueOutbox(trx, await staffMessages(trx, (locale) => i18n.t(locale, 'payments-staff-event-failed', { id: String(eventId), attempts, error: reason }), `payevent:${eventId}:failed`), nowMs);
        });
      }
      return { status: 'deferred' };
    }
  }

  return { settle, processEvent };
}
