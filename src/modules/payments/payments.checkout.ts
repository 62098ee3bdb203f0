import type { Locale } from '../../config/business.ts';
import { CircuitOpenError } from './circuit-breaker.ts';
import { PaymentsError } from './payments.errors.ts';
import type { PaymentRecord, ProviderId } from './payments.tables.ts';
import type { PaymentQuote, PaymentStart } from './payments.types.ts';
import { paymentIdFromPayload } from './providers/telegram-stars.provider.ts';
import { parseMethod, starsAllowedFor, type MethodOption, type PaymentsCore, type ProcessOutcome } from './payments.core.ts';

/** Checkout: the methods that can pay a purpose, opening a payment with its provider, Telegram's pre-checkout answer and its successful payment, and invoice links. */
export function createPaymentsCheckout(core: PaymentsCore) {
  const { deps, logger, repository, purposes, purposeOf, localeOf, methodOptions, processEvent, ingest, providerOf } = core;
  return {
    /** The quote and the methods that can pay it, or undefined when `ref` cannot be paid now. */
    async offer(purpose: string, ref: string, userId: number, locale: Locale): Promise<{ quote: PaymentQuote; methods: MethodOption[] } | undefined> {
      // An unknown purpose is a stale or forged button: nothing to pay, not an error.
      const registered = purposes.get(purpose);
      const quote = await registered?.quote(ref, userId, locale);
      return registered && quote ? { quote, methods: methodOptions(registered, quote, locale) } : undefined;
    },

    /**
     * Opens a payment for `ref` of `purpose` with `method` and returns what to show the user.
     * A gateway that fails (or whose circuit is open) raises `payments.gateway_unavailable`
     * with the other methods in `details.alternatives`; the payment is then marked failed.
     * A user id that is nobody (the staff API takes one) is refused with `users.not_found`.
     */
    async start(input: { userId: number; purpose: string; ref: string; method: string; locale: Locale }): Promise<{ payment: PaymentRecord; start: PaymentStart }> {
      await deps.users.require(input.userId);
      const purpose = purposeOf(input.purpose);
      const quote = await purpose.quote(input.ref, input.userId, input.locale);
      if (!quote) throw new PaymentsError('payments.not_payable', 'this can no longer be paid for', { purpose: input.purpose, ref: input.ref });
      if (parseMethod(input.method)?.provider === 'telegram_stars' && !starsAllowedFor(purpose, quote)) {
        throw new PaymentsError('payments.stars_not_allowed', 'Telegram Stars pay only for digital goods and services', { purpose: input.purpose, ref: input.ref });
      }
      const options = methodOptions(purpose, quote, input.locale);
      const option = options.find((item) => item.id === input.method);
      if (!option) throw new PaymentsError('payments.method_unavailable', `method ${input.method} cannot pay this`, { method: input.method });
      const alternatives = options.filter((item) => item.id !== option.id && item.available).map((item) => item.id);
      if (!option.available) throw new PaymentsError('payments.gateway_unavailable', `${option.provider} is unavailable`, { alternatives });
      const provider = providerOf(option.provider);
      const isStars = option.provider === 'telegram_stars';
      const amountMinor = isStars ? (quote.stars as number) : (quote.fiat as { amountMinor: number }).amountMinor;
      const currency = isStars ? 'XTR' : (quote.fiat as { currency: string }).currency;
      const nowMs = deps.now();
      let payment = await repository.insertPayment({
        user_id: input.userId,
        provider: option.provider,
        variant: option.variant ?? null,
        purpose: input.purpose,
        purpose_ref: input.ref,
        status: 'pending',
        amount_minor: amountMinor,
        currency,
        units: quote.units ?? null,
        external_id: null,
        locale: input.locale,
        pay_url: null,
        receipt_file_id: null,
        decline_reason: null,
        decided_by: null,
        details: null,
        created_at: nowMs,
        updated_at: nowMs,
        expires_at: nowMs + deps.settings().paymentTtlMinutes * 60_000,
        paid_at: null,
        refunded_at: null,
      });
      try {
        const created = await provider.create({
          paymentId: payment.id,
          userId: input.userId,
          amountMinor,
          currency,
          title: quote.title,
          description: quote.description,
          locale: input.locale,
          variant: option.variant,
        });
        const patch = {
          external_id: created.externalId ?? null,
          pay_url: created.start.type === 'link' ? created.start.url : null,
          expires_at: created.expiresAtMs ?? payment.expires_at,
          details: created.details ? JSON.stringify(created.details) : null,
          updated_at: deps.now(),
        };
        await repository.update(payment.id, patch);
        payment = { ...payment, ...patch };
        return { payment, start: created.start };
      } catch (error) {
        await repository.update(payment.id, { status: 'failed', details: JSON.stringify({ error: String((error as Error).message).slice(0, 300) }), updated_at: deps.now() });
        logger.warn({ err: error, paymentId: payment.id, provider: option.provider }, 'could not open a payment with the provider');
        throw new PaymentsError('payments.gateway_unavailable', error instanceof CircuitOpenError ? error.message : `${option.provider} failed: ${(error as Error).message}`, {
          alternatives,
        });
      }
    },

    /**
     * Re-checks an order before Telegram charges it (pre_checkout_query): the payment is ours,
     * open, for this user, the amount and currency are the invoice's, and the purpose still
     * quotes the same price. Returns the refusal's code, or undefined when it may be charged.
     */
    async preCheckout(input: { payload: string; userId: number; currency: string; totalAmount: number }): Promise<string | undefined> {
      const paymentId = paymentIdFromPayload(input.payload);
      const payment = paymentId === undefined ? undefined : await repository.findPayment(paymentId);
      if (!payment || payment.user_id !== input.userId || !payment.provider.startsWith('telegram')) return 'payments.not_found';
      if (payment.status !== 'pending') return 'payments.already_handled';
      if (payment.expires_at !== null && payment.expires_at < deps.now()) return 'payments.expired';
      if (payment.currency !== input.currency || payment.amount_minor !== input.totalAmount) return 'payments.price_changed';
      const purpose = purposes.get(payment.purpose);
      const quote = await purpose?.quote(payment.purpose_ref, payment.user_id, localeOf(payment));
      if (!quote) return (await purpose?.refusal?.(payment.purpose_ref, payment.user_id)) ?? 'payments.not_payable';
      // Marked physical since the invoice was sent (a product edited in the panel): Stars may not pay it.
      if (payment.currency === 'XTR' && purpose && !starsAllowedFor(purpose, quote)) return 'payments.stars_not_allowed';
      const price = payment.currency === 'XTR' ? quote.stars : quote.fiat?.currency === payment.currency ? quote.fiat.amountMinor : undefined;
      if (price !== payment.amount_minor) return 'payments.price_changed';
      return undefined;
    },

    /**
     * Records a Telegram `successful_payment` and settles it. Keyed on the charge id: however
     * many times (and however concurrently) the same charge arrives, it settles once; the
     * others answer `duplicate`. The caller replies to the user itself (no outbox notice).
     */
    async recordTelegramPayment(input: { userId: number; payload: string; currency: string; totalAmount: number; chargeId: string; providerChargeId?: string }): Promise<ProcessOutcome> {
      const provider: ProviderId = input.currency === 'XTR' ? 'telegram_stars' : 'telegram_card';
      const event = await ingest({
        provider,
        kind: 'paid',
        paymentId: paymentIdFromPayload(input.payload),
        externalId: input.chargeId,
        amountMinor: input.totalAmount,
        currency: input.currency,
        raw: { userId: input.userId, payload: input.payload, providerChargeId: input.providerChargeId ?? null },
      });
      return processEvent(event.id, { notify: false });
    },

    /** A payment link for a Telegram invoice (createInvoiceLink), e.g. for a Mini App. */
    async invoiceLink(payment: PaymentRecord, start: PaymentStart): Promise<string> {
      if (start.type !== 'telegram_invoice') throw new PaymentsError('payments.invalid_input', 'not a Telegram invoice', { paymentId: payment.id });
      const api = deps.telegram();
      if (!api) throw new PaymentsError('payments.gateway_unavailable', 'the bot is not connected to Telegram yet');
      return api.createInvoiceLink(start.invoice);
    },

    get: repository.findPayment,
  };
}
