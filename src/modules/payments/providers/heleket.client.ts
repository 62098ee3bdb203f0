import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { GatewayRejectedError } from '../retry.ts';

/** Heleket's production API. */
export const HELEKET_DEFAULT_API_URL = 'https://api.heleket.com';
/** The address Heleket sends webhooks from, per its documentation. */
export const HELEKET_WEBHOOK_IPS = ['31.133.220.8'] as const;

/**
 * JSON as PHP's `json_encode` writes it by default: `/` escaped as `\/` and every non-ASCII
 * character as `\uXXXX`. Heleket's servers are PHP; sending exactly these bytes means our
 * signature matches whether they hash the raw body or re-encode the parsed one.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON as `json_encode($data, JSON_UNESCAPED_UNICODE)`: slashes escaped, U+2028 and U+2029
 * escaped (PHP escapes them even with that flag), other characters literal. Heleket signs
 * webhook bodies this way (documented verification recipe). Numbers kept as lossless-json's
 * `LosslessNumber` are written exactly as they were received (`1.0` stays `1.0`).
 */
export function phpJsonEncodeUnicode(value: unknown): string {
  return (stringifyLossless(value) ?? '').replace(/\//g, '\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Heleket's signature: `md5(base64(body) + apiKey)`, hex. Requests sign the exact body sent. */
export function heleketSign(body: string, apiKey: string): string {
  return createHash('md5').update(Buffer.from(body, 'utf8').toString('base64') + apiKey).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies a webhook body: the `sign` field is removed and the rest re-encoded the way
 * Heleket's PHP encodes it (key order kept as received, slashes escaped, Unicode literal), then
 * `md5(base64(json) + apiKey)` must equal it. Numbers are re-encoded from their literals in the
 * received body, never from JS numbers: PHP writes the float 1.0 as `1.0`, which a JS number
 * would turn into `1`. Returns the parsed body without `sign` (plain JSON values), or why not.
 */
export function verifyHeleketWebhook(rawBody: Buffer | string, apiKey: string): { ok: true; body: Record<string, unknown> } | { ok: false; reason: string } {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let lossless: unknown;
  try {
    lossless = parseLossless(text);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!lossless || typeof lossless !== 'object' || Array.isArray(lossless)) return { ok: false, reason: 'body is not a JSON object' };
  const { sign, ...signed } = lossless as Record<string, unknown>;
  if (typeof sign !== 'string' || !/^[0-9a-f]{32}$/i.test(sign)) return { ok: false, reason: 'sign is missing or malformed' };
  if (!signaturesEqual(heleketSign(phpJsonEncodeUnicode(signed), apiKey), sign.toLowerCase())) return { ok: false, reason: 'sign does not match' };
  // The rest of Lavka reads plain values; numbers it needs (amounts) come as strings anyway.
  const { sign: _sign, ...body } = JSON.parse(text) as Record<string, unknown>;
  return { ok: true, body };
}

/** An invoice as Heleket returns it (the fields Lavka reads). */
export interface HeleketInvoice {
  uuid: string;
  order_id: string;
  amount: string;
  currency: string;
  url?: string;
  status?: string;
  payment_status?: string;
  is_final?: boolean;
  expired_at?: number;
  [field: string]: unknown;
}

/** What creating an invoice sends. */
export interface HeleketCreateInvoice {
  amount: string;
  currency: string;
  /** Our idempotency key: the same order_id never opens a second invoice. */
  order_id: string;
  url_callback?: string;
  lifetime?: number;
  additional_data?: string;
}

/** Options of {@link createHeleketClient}. */
export interface HeleketClientOptions {
  apiUrl: string;
  merchantId: string;
  apiKey: string;
  fetch?: typeof fetch;
}

/** Heleket's HTTP API: POST JSON, signed with the `merchant` and `sign` headers, answered as `{ state, result }`. */
export function createHeleketClient(options: HeleketClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.apiUrl.replace(/\/+$/, '');

  async function call<T>(path: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const body = phpJsonEncode(payload);
    const response = await doFetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', merchant: options.merchantId, sign: heleketSign(body, options.apiKey) },
      body,
      signal,
    });
    const text = await response.text();
    let envelope: { state?: number; result?: unknown; message?: string; errors?: unknown } | undefined;
    try {
      envelope = JSON.parse(text) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    if (response.status >= 500) throw new Error(`Heleket ${path} answered ${response.status}`);
    if (!response.ok || !envelope || envelope.state !== 0) {
      const message = envelope?.message ?? text.slice(0, 200);
      // 4xx: the request itself is wrong (bad sign, validation); retrying will not help.
      throw new GatewayRejectedError(`Heleket ${path} refused (${response.status}): ${message}`, response.status);
    }
    return envelope.result as T;
  }

  return {
    /** POST /v1/payment: opens an invoice, or returns the open one for the same order_id. */
    createInvoice(input: HeleketCreateInvoice, signal?: AbortSignal): Promise<HeleketInvoice> {
      return call<HeleketInvoice>('/v1/payment', { ...input }, signal);
    },
    /** POST /v1/payment/info: where an invoice stands. */
    invoiceInfo(uuid: string, signal?: AbortSignal): Promise<HeleketInvoice> {
      return call<HeleketInvoice>('/v1/payment/info', { uuid }, signal);
    },
  };
}

/** The Heleket client's shape. */
export type HeleketClient = ReturnType<typeof createHeleketClient>;

/** Statuses after which an invoice is paid (overpaid counts: the invoice amount arrived). */
export const HELEKET_PAID_STATUSES: ReadonlySet<string> = new Set(['paid', 'paid_over']);
/** Statuses after which an invoice will never be paid. */
export const HELEKET_CLOSED_STATUSES: ReadonlySet<string> = new Set(['cancel', 'fail', 'system_fail', 'locked']);
