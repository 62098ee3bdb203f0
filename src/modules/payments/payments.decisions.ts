import type { Locale } from '../../config/business.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { PaymentsError } from './payments.errors.ts';
import { createPaymentsRepository } from './payments.repository.ts';
import type { PaymentRecord } from './payments.tables.ts';
import { AWAITING_ADMIN_PROVIDERS, manualLabelOf, type PaymentsActor, type PaymentsCore, type ProcessOutcome } from './payments.core.ts';
import { paymentEvent } from './payments.api.view.ts';

/** Staff decisions: a transfer's receipt, confirming or declining it, refunds and their retries. */
export function createPaymentsDecisions(core: PaymentsCore) {
  const { deps, db, logger, i18n, repository, purposes, providers, money, localeOf, staffChats, processEvent, ingest, refundNotice, finishProviderRefund } = core;
  return {
    /** Attaches the user's transfer receipt and asks the admins to decide. */
    async attachReceipt(paymentId: number, userId: number, fileId: string): Promise<PaymentRecord> {
      const payment = await repository.findPayment(paymentId);
      if (!payment || payment.user_id !== userId || payment.provider !== 'manual') throw new PaymentsError('payments.not_found', 'no such transfer request', { paymentId });
      const purpose = purposes.get(payment.purpose);
      // Each staff chat reads the request in its own language.
      const chats = await staffChats(db);
      const captions = new Map<Locale, { caption: string; card: boolean }>();
      for (const locale of new Set(chats.map((chat) => chat.locale))) {
        const quote = await purpose?.quote(payment.purpose_ref, payment.user_id, locale);
        const method = manualLabelOf(payment, deps.settings(), locale) ?? payment.variant ?? '';
        // A purpose with a card of its own (a Stars order) shows it: its number, the customer, the local time.
        const card = await purpose?.staffCard?.(payment, locale);
        captions.set(locale, {
          card: Boolean(card),
          caption: card
            ? `${i18n.t(locale, 'payments-staff-receipt-card', { id: String(payment.id) })}\n\n${card}`
            : i18n.t(locale, 'payments-staff-receipt', {
                id: String(payment.id),
                user: String(payment.user_id),
                amount: money(payment.amount_minor, payment.currency, locale),
                method,
                title: quote?.title ?? payment.purpose,
              }),
        });
      }
      return db.transaction().execute(async (trx) => {
        const scoped = createPaymentsRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.transition(payment.id, ['pending'], { receipt_file_id: fileId, updated_at: nowMs, expires_at: null }))) {
          throw new PaymentsError('payments.already_handled', 'this request is already decided', { paymentId });
        }
        await enqueueOutbox(
          trx,
          chats.map(({ chatId, locale }) => {
            const { caption, card } = captions.get(locale) as { caption: string; card: boolean };
            const keyboard = {
              inline_keyboard: [[
                { text: i18n.t(locale, 'payments-approve'), callback_data: `pay:ap:${payment.id}` },
                { text: i18n.t(locale, 'payments-decline'), callback_data: `pay:dc:${payment.id}` },
              ]],
            };
            return {
              chatId,
              method: 'sendPhoto' as const,
              payload: { photo: fileId, caption, ...(card ? { parse_mode: 'HTML' } : {}), reply_markup: keyboard },
              priority: 'high' as const,
              dedupeKey: `payment:${payment.id}:receipt:${fileId.slice(-40)}:${chatId}`,
            };
          }),
          nowMs,
        );
        if (deps.audit) await deps.audit.record({ actor: { type: 'user', id: userId }, action: 'payments.receipt_attached', subject: { type: 'payment', id: payment.id } }, trx);
        return { ...payment, receipt_file_id: fileId, updated_at: nowMs, expires_at: null };
      });
    },

    /**
     * An admin confirms a manual transfer or a QR payment. Two admins pressing at once settle
     * it once: both store the same event, only one claims it; the other gets `already_handled`.
     */
    async confirm(paymentId: number, actor: PaymentsActor): Promise<ProcessOutcome> {
      const payment = await repository.findPayment(paymentId);
      if (!payment || !AWAITING_ADMIN_PROVIDERS.has(payment.provider)) throw new PaymentsError('payments.not_found', 'no such request', { paymentId });
      if (payment.status !== 'pending') throw new PaymentsError('payments.already_handled', `the request is ${payment.status}`, { paymentId, status: payment.status });
      const stored = await ingest({
        provider: payment.provider,
        kind: 'paid',
        paymentId: payment.id,
        externalId: payment.external_id ?? `manual-${payment.id}`,
        amountMinor: payment.amount_minor,
        currency: payment.currency,
        confirmedBy: actor.id === undefined ? 'system' : String(actor.id),
        raw: { source: 'admin', actor },
      });
      const outcome = await processEvent(stored.id, { notify: true });
      if (outcome.status === 'duplicate') throw new PaymentsError('payments.already_handled', 'another admin already decided this request', { paymentId });
      if (outcome.status !== 'credited') throw new PaymentsError('payments.already_handled', `the request could not be confirmed (${outcome.code ?? outcome.status})`, { paymentId });
      return outcome;
    },

    /** An admin declines a manual transfer (or QR payment) with a reason the user is told. */
    async decline(paymentId: number, actor: PaymentsActor, reason: string): Promise<PaymentRecord> {
      const payment = await repository.findPayment(paymentId);
      if (!payment || !AWAITING_ADMIN_PROVIDERS.has(payment.provider)) throw new PaymentsError('payments.not_found', 'no such request', { paymentId });
      const text = reason.trim().slice(0, 400);
      if (text.length === 0) throw new PaymentsError('payments.invalid_input', 'a reason is required');
      return db.transaction().execute(async (trx) => {
        const scoped = createPaymentsRepository(trx);
        const nowMs = deps.now();
        const patch = { status: 'declined' as const, decline_reason: text, decided_by: actor.id === undefined ? null : String(actor.id), updated_at: nowMs };
        if (!(await scoped.transition(payment.id, ['pending'], patch))) throw new PaymentsError('payments.already_handled', 'this request is already decided', { paymentId });
        const declined = { ...payment, ...patch };
        await purposes.get(payment.purpose)?.onClosed?.(trx, declined, 'declined');
        const locale = localeOf(payment);
        await enqueueOutbox(trx, {
          chatId: payment.user_id,
          method: 'sendMessage',
          payload: { text: i18n.t(locale, 'payments-declined', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale), reason: text }) },
          priority: 'high',
          dedupeKey: `payment:${payment.id}:declined`,
        }, nowMs);
        if (deps.audit) {
          await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: 'payments.declined', subject: { type: 'payment', id: payment.id }, details: { reason: text } }, trx);
        }
        return declined;
      });
    },

    /**
     * Refunds a paid payment. Stars go back through Telegram (refundStarPayment); other methods
     * have no refund call, so the refund is recorded (the purpose reverses its delivery) and the
     * money is returned by hand. The purpose may refuse (e.g. the tokens were already spent).
     */
    async refund(paymentId: number, actor: PaymentsActor): Promise<{ payment: PaymentRecord; viaProvider: boolean }> {
      const payment = await repository.findPayment(paymentId);
      if (!payment) throw new PaymentsError('payments.not_found', 'no such payment', { paymentId });
      if (payment.status !== 'paid') throw new PaymentsError('payments.not_refundable', `the payment is ${payment.status}`, { paymentId, status: payment.status });
      const provider = providers.get(payment.provider);
      const viaProvider = Boolean(provider?.refund);
      const nextStatus = viaProvider ? ('refunding' as const) : ('refunded' as const);
      await db.transaction().execute(async (trx) => {
        const scoped = createPaymentsRepository(trx);
        const nowMs = deps.now();
        const patch = { status: nextStatus, decided_by: actor.id === undefined ? null : String(actor.id), updated_at: nowMs, ...(viaProvider ? {} : { refunded_at: nowMs }) };
        if (!(await scoped.transition(payment.id, ['paid'], patch))) throw new PaymentsError('payments.already_handled', 'the payment changed meanwhile', { paymentId });
        await purposes.get(payment.purpose)?.onRefunded?.(trx, { ...payment, ...patch }, actor);
        if (deps.audit) {
          await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: viaProvider ? 'payments.refund_started' : 'payments.refund_recorded', subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider, amountMinor: payment.amount_minor, currency: payment.currency } }, trx);
        }
        if (!viaProvider) {
          await enqueueOutbox(trx, refundNotice(payment), nowMs);
          await deps.events.publish(trx, paymentEvent('payment.refunded', { ...payment, ...patch }));
        }
      });
      if (!viaProvider) return { payment: (await repository.findPayment(paymentId)) as PaymentRecord, viaProvider };
      const finished = await finishProviderRefund({ ...payment, status: 'refunding' }, actor);
      return { payment: finished, viaProvider };
    },

    /** Retries Stars refunds left half-way (`refunding`) by a crash or a network failure. */
    async resumeRefunds(): Promise<number> {
      let done = 0;
      for (const payment of await repository.listByStatus('refunding', 20)) {
        try {
          const finished = await finishProviderRefund(payment, { type: 'system' });
          if (finished.status !== 'refunding') done += 1;
        } catch (error) {
          logger.warn({ err: error, paymentId: payment.id }, 'refund still not finished');
        }
      }
      return done;
    },

  };
}
