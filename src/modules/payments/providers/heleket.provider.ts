import type { Logger } from 'pino';
import { createCircuitBreaker, type CircuitBreaker } from '../circuit-breaker.ts';
import { decimalToMinor, isKnownCurrency, minorToDecimal } from '../decimal.ts';
import type { PaymentsSettings } from '../payments.settings.ts';
import type { PaymentRecord } from '../payments.tables.ts';
import type { CallbackVerdict, PaymentProvider, ProviderEvent } from '../payments.types.ts';
import { callWithRetry } from '../retry.ts';
import {
  createHeleketClient,
  HELEKET_CLOSED_STATUSES,
  HELEKET_PAID_STATUSES,
  verifyHeleketWebhook,
  type HeleketClient,
} from './heleket.client.ts';

/** Our order_id for a payment: stable, so it doubles as the idempotency key of retries. */
export function heleketOrderId(paymentId: number): string {
  return `lavka-${paymentId}`;
}

/** Reads our payment id back from an order_id. */
export function paymentIdFromOrderId(orderId: unknown): number | undefined {
  const match = typeof orderId === 'string' ? /^lavka-(\d{1,15})$/.exec(orderId) : null;
  return match ? Number(match[1]) : undefined;
}

/** What the Heleket provider needs. */
export interface HeleketProviderDeps {
  merchantId: string | undefined;
  apiKey: string | undefined;
  apiUrl: string;
  /** Where Heleket should post webhooks; without it only status polling confirms payments. */
  callbackUrl: string | undefined;
  settings: PaymentsSettings['heleket'];
  gateway: PaymentsSettings['gateway'];
  lifetimeSeconds: number;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Heleket's statuses of a refund the merchant made (dashboard or API), as our event kinds. */
const HELEKET_REFUND_KINDS: ReadonlyMap<string, ProviderEvent['kind']> = new Map([
  ['refund_process', 'refund_pending'],
  ['refund_fail', 'refund_failed'],
  ['refund_paid', 'refunded'],
]);

/** An invoice's fields as {@link heleketEvent} reads them. */
export type HeleketInvoiceFields = { uuid?: unknown; order_id?: unknown; amount?: unknown; currency?: unknown; status?: unknown; payment_status?: unknown };

/**
 * Turns an invoice (from a webhook or a status check) into our event, or none while it is
 * open. Refuses an invoice whose fields are missing or malformed (an unknown currency code, an
 * amount that is not a plain decimal of that currency) instead of guessing.
 */
export function heleketEvent(invoice: HeleketInvoiceFields, raw: unknown): { ok: true; event?: ProviderEvent } | { ok: false; detail: string } {
  const { uuid, order_id: orderId, amount } = invoice;
  if (typeof uuid !== 'string' || uuid.length === 0 || uuid.length > 100 || typeof orderId !== 'string' || typeof amount !== 'string' || typeof invoice.currency !== 'string') {
    return { ok: false, detail: 'uuid, order_id, amount or currency missing' };
  }
  const currency = invoice.currency.toUpperCase();
  if (!isKnownCurrency(currency)) return { ok: false, detail: `unknown currency ${JSON.stringify(invoice.currency.slice(0, 16))}` };
  const amountMinor = decimalToMinor(amount, currency);
  if (amountMinor === undefined) return { ok: false, detail: `amount ${JSON.stringify(amount.slice(0, 32))} is not a decimal amount of ${currency}` };
  const status = String(invoice.status ?? invoice.payment_status ?? '');
  const base = { provider: 'heleket' as const, externalId: uuid, paymentId: paymentIdFromOrderId(orderId), currency, amountMinor, raw };
  if (HELEKET_PAID_STATUSES.has(status)) return { ok: true, event: { ...base, kind: 'paid' } };
  if (status === 'wrong_amount') return { ok: true, event: { ...base, kind: 'wrong_amount' } };
  if (HELEKET_CLOSED_STATUSES.has(status)) return { ok: true, event: { ...base, kind: status === 'cancel' ? 'expired' : 'failed' } };
  const refund = HELEKET_REFUND_KINDS.get(status);
  if (refund) return { ok: true, event: { ...base, kind: refund } };
  return { ok: true };
}

/**
 * Heleket, the crypto gateway: invoices through its signed HTTP API, a payment link for the
 * user, webhooks verified by signature and source address, and status polling as the fallback.
 * Every call goes through a timeout, retries and the circuit breaker.
 */
export function createHeleketProvider(deps: HeleketProviderDeps): PaymentProvider & { breaker: CircuitBreaker; client?: HeleketClient } {
  const configured = Boolean(deps.merchantId && deps.apiKey);
  const client = configured
    ? createHeleketClient({ apiUrl: deps.apiUrl, merchantId: deps.merchantId as string, apiKey: deps.apiKey as string, fetch: deps.fetch })
    : undefined;
  const breaker = createCircuitBreaker({
    name: 'heleket',
    failureThreshold: deps.gateway.failureThreshold,
    openMs: deps.gateway.openSeconds * 1000,
    now: deps.now,
  });
  const guarded = <T>(call: (api: HeleketClient, signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (!client) return Promise.reject(new Error('Heleket is not configured'));
    return breaker.execute(() =>
      callWithRetry((signal) => call(client, signal), { attempts: deps.gateway.attempts, timeoutMs: deps.gateway.timeoutMs, backoffMs: deps.gateway.backoffMs }),
    );
  };

  const trusted = new Set(deps.settings.webhookIps);

  return {
    id: 'heleket',
    configured,
    breaker,
    client,
    supports: (currency) => currency !== 'XTR',

    async create(input) {
      const invoice = await guarded((api, signal) =>
        api.createInvoice(
          {
            amount: minorToDecimal(input.amountMinor, input.currency),
            currency: input.currency,
            order_id: heleketOrderId(input.paymentId),
            lifetime: deps.lifetimeSeconds,
            ...(deps.callbackUrl ? { url_callback: deps.callbackUrl } : {}),
          },
          signal,
        ),
      );
      if (!invoice?.uuid || !invoice.url) throw new Error('Heleket returned an invoice without uuid or url');
      const expiresAtMs = typeof invoice.expired_at === 'number' ? invoice.expired_at * 1000 : undefined;
      return {
        start: { type: 'link', url: invoice.url, expiresAtMs },
        externalId: invoice.uuid,
        expiresAtMs,
        details: { heleket_order_id: invoice.order_id },
      };
    },

    async checkStatus(payment: PaymentRecord) {
      if (!payment.external_id) return undefined;
      const invoice = await guarded((api, signal) => api.invoiceInfo(payment.external_id as string, signal));
      const read = heleketEvent(invoice, { source: 'status_check', invoice });
      if (!read.ok) throw new Error(`Heleket answered a malformed invoice for payment ${payment.id}: ${read.detail}`);
      return read.event;
    },

    verifyCallback(request): CallbackVerdict {
      // The peer as the server's TRUST_PROXY setting resolves it: the socket address, or the
      // address the nearest trusted proxy saw. Never a header the caller wrote itself.
      const source = request.ip;
      if (trusted.size > 0 && !trusted.has(source)) {
        return { ok: false, code: 'payments.untrusted_source', detail: `webhook from ${source}, expected ${[...trusted].join(', ')}` };
      }
      if (!deps.apiKey) return { ok: false, code: 'payments.bad_signature', detail: 'Heleket is not configured' };
      const verified = verifyHeleketWebhook(request.rawBody, deps.apiKey);
      if (!verified.ok) return { ok: false, code: 'payments.bad_signature', detail: verified.reason };
      const body = verified.body;
      if (body.type !== undefined && body.type !== 'payment') {
        return { ok: false, code: 'payments.malformed_callback', detail: `webhook type ${String(body.type)} is not a payment` };
      }
      const read = heleketEvent(body, { source: 'webhook', body });
      if (!read.ok) return { ok: false, code: 'payments.malformed_callback', detail: read.detail };
      // An authentic in-between status (check, process, confirm_check) is acknowledged and needs nothing.
      return { ok: true, event: read.event };
    },
  };
}
