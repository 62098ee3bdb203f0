import type { PaymentRecord, ProviderId } from './payments.tables.ts';
import type { CallbackRequest } from './payments.types.ts';
import { type PaymentsCore, type ProcessOutcome } from './payments.core.ts';

/** Gateways: their signed callbacks, events recovered after a crash, polling open payments, and closing stale ones. */
export function createPaymentsGateway(core: PaymentsCore) {
  const { deps, logger, repository, providers, processEvent, ingest, recordRejectedCallback, closeStale } = core;
  return {
    /**
     * Handles a gateway's HTTP callback: verifies it (signature, source, freshness), stores
     * it, settles it. Forged or broken callbacks are recorded as rejected and credit nothing.
     */
    async handleCallback(providerId: ProviderId, request: CallbackRequest): Promise<{ httpStatus: number; outcome?: ProcessOutcome; code?: string; detail?: string }> {
      const provider = providers.get(providerId);
      if (!provider?.configured || !provider.verifyCallback) {
        await recordRejectedCallback(providerId, 'payments.method_unavailable', 'provider not configured', request);
        return { httpStatus: 404, code: 'payments.method_unavailable' };
      }
      const verdict = provider.verifyCallback(request);
      if (!verdict.ok) {
        await recordRejectedCallback(providerId, verdict.code, verdict.detail, request);
        // A malformed body is told what is wrong with it; a forged one learns nothing.
        if (verdict.code === 'payments.malformed_callback') return { httpStatus: 400, code: verdict.code, detail: verdict.detail };
        return { httpStatus: verdict.code === 'payments.untrusted_source' ? 403 : 401, code: verdict.code };
      }
      if (!verdict.event) return { httpStatus: 200 };
      const stored = await ingest(verdict.event);
      const outcome = await processEvent(stored.id, { notify: true });
      // A rejected but authentic callback is answered 200: the gateway retrying it cannot change the verdict.
      return { httpStatus: outcome.status === 'deferred' ? 500 : 200, outcome, code: outcome.code };
    },

    ingest,
    processEvent,

    /** Completes events left `received` by a crash or a failed attempt. */
    async recoverEvents(olderThanMs = 2000): Promise<number> {
      const events = await repository.listUnprocessed(deps.now() - olderThanMs, 100);
      let settled = 0;
      for (const event of events) {
        const outcome = await processEvent(event.id, { notify: true });
        if (outcome.status === 'credited' || outcome.status === 'closed') settled += 1;
      }
      if (events.length > 0) logger.info({ found: events.length, settled }, 'payment events recovered');
      return settled;
    },

    /** Asks gateways about open payments whose webhook has not come (the fallback for missed webhooks). */
    async pollOpenPayments(): Promise<number> {
      let settled = 0;
      for (const provider of deps.providers) {
        if (!provider.configured || !provider.checkStatus) continue;
        const open = await repository.listPendingOf(provider.id, deps.now() - deps.settings().heleket.pollAfterSeconds * 1000, 50);
        for (const payment of open) {
          if (provider.breaker && !provider.breaker.allows()) break;
          try {
            const event = await provider.checkStatus(payment);
            if (!event) continue;
            const stored = await ingest(event);
            const outcome = await processEvent(stored.id, { notify: true });
            if (outcome.status === 'credited' || outcome.status === 'closed') settled += 1;
          } catch (error) {
            logger.warn({ err: error, paymentId: payment.id, provider: provider.id }, 'payment status check failed');
          }
        }
      }
      return settled;
    },

    /** Asks the provider about one open payment now (the user's "I have paid" button). */
    async checkNow(paymentId: number): Promise<PaymentRecord | undefined> {
      const payment = await repository.findPayment(paymentId);
      const provider = payment ? providers.get(payment.provider) : undefined;
      if (!payment || payment.status !== 'pending' || !provider?.checkStatus || !provider.configured) return payment;
      if (provider.breaker && !provider.breaker.allows()) return payment;
      const event = await provider.checkStatus(payment);
      if (event) await processEvent((await ingest(event)).id, { notify: true });
      return repository.findPayment(paymentId);
    },

    /**
     * Closes open payments past their expiry. Gateway payments are asked once more first: one
     * paid at the last minute is settled, not expired.
     */
    async expireStale(): Promise<number> {
      let closed = 0;
      for (const payment of await repository.listExpired(deps.now(), 100)) {
        const provider = providers.get(payment.provider);
        if (provider?.checkStatus && provider.configured && payment.external_id) {
          try {
            const event = await provider.checkStatus(payment);
            if (event) {
              const outcome = await processEvent((await ingest(event)).id, { notify: true });
              if (outcome.status !== 'deferred') continue;
            }
          } catch (error) {
            // The gateway is down: keep the payment open rather than expire something that may be paid.
            logger.warn({ err: error, paymentId: payment.id }, 'could not check an expiring payment; trying later');
            continue;
          }
        }
        if (await closeStale(payment, 'expired')) closed += 1;
      }
      return closed;
    },

    /**
     * Closes, as failed, a payment whose invoice or QR code never reached the user (Telegram
     * refused it or could not be reached): nothing stays pending that points at a message that
     * is not there. False when it was no longer pending.
     */
    async closeUnsent(paymentId: number): Promise<boolean> {
      const payment = await repository.findPayment(paymentId);
      return payment ? closeStale(payment, 'failed') : false;
    },

  };
}
