import type { Logger } from 'pino';
import { createCircuitBreaker, type CircuitBreaker } from '../circuit-breaker.ts';
import { decimalToMinor, minorToDecimal } from '../decimal.ts';
import type { PaymentsSettings } from '../payments.settings.ts';
import type { PaymentRecord } from '../payments.tables.ts';
import type { CallbackRequest, CallbackVerdict, PaymentProvider, ProviderEvent } from '../payments.types.ts';
import { callWithRetry } from '../retry.ts';
import {
  createHeleketClient,
  HELEKET_CLOSED_STATUSES,
  HELEKET_PAID_STATUSES,
  verifyHeleketWebhook,
  type HeleketClient,
  type HeleketInvoice,
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

/** Turns an invoice (from a webhook or a status check) into our event, or nothing while it is open. */
export function heleketEvent(invoice: Pick<HeleketInvoice, 'uuid' | 'order_id' | 'amount' | 'currency'> & { status?: unknown; payment_status?: unknown }, raw: unknown): ProviderEvent | undefined {
  const status = String(invoice.status ?? invoice.payment_status ?? '');
  const base = {
    provider: 'heleket' as const,
    externalId: String(invoice.uuid),
    paymentId: paymentIdFromOrderId(invoice.order_id),
    currency: String(invoice.currency ?? '').toUpperCase(),
    amountMinor: decimalToMinor(String(invoice.amount ?? ''), String(invoice.currency ?? 'USD').toUpperCase() || 'USD'),
    raw,
  };
  if (HELEKET_PAID_STATUSES.has(status)) return { ...base, kind: 'paid' };
  if (status === 'wrong_amount') return { ...base, kind: 'wrong_amount' };
  if (HELEKET_CLOSED_STATUSES.has(status)) return { ...base, kind: status === 'cancel' ? 'expired' : 'failed' };
  return undefined;
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
  const sourceOf = (request: CallbackRequest): string => {
    if (!deps.settings.trustForwardedFor) return request.ip;
    const header = request.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    return first || request.ip;
  };

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
      return heleketEvent(invoice, { source: 'status_check', invoice });
    },

    verifyCallback(request): CallbackVerdict {
      const source = sourceOf(request);
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
      if (typeof body.uuid !== 'string' || typeof body.order_id !== 'string' || typeof body.amount !== 'string' || typeof body.currency !== 'string') {
        return { ok: false, code: 'payments.malformed_callback', detail: 'uuid, order_id, amount or currency missing' };
      }
      // An authentic in-between status (check, process, confirm_check) is acknowledged and needs nothing.
      return { ok: true, event: heleketEvent(body as unknown as HeleketInvoice, { source: 'webhook', body }) };
    },
  };
}
