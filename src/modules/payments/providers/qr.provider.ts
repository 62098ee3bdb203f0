import { createHmac } from 'node:crypto';
import { decimalToMinor, minorToDecimal } from '../decimal.ts';
import type { PaymentsSettings } from '../payments.settings.ts';
import type { CallbackVerdict, PaymentProvider } from '../payments.types.ts';
import { encodeQr } from '../qr/qr-code.ts';
import { qrToPng } from '../qr/qr-png.ts';
import { signaturesEqual } from './heleket.client.ts';

/** How old a signed QR confirmation may be; older ones are replays. */
export const QR_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** A short reference the payer's bank shows and the confirmation names: `LV-<id>-<check digit>`. */
export function qrReference(paymentId: number): string {
  const digits = String(paymentId);
  // Luhn check digit: a mistyped reference in a manual confirmation is caught.
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `LV-${digits}-${(10 - (sum % 10)) % 10}`;
}

/** Reads the payment id from a reference, checking its check digit. */
export function paymentIdFromReference(reference: unknown): number | undefined {
  const match = typeof reference === 'string' ? /^LV-(\d{1,15})-\d$/.exec(reference) : null;
  if (!match) return undefined;
  const id = Number(match[1]);
  return qrReference(id) === reference ? id : undefined;
}

/** The signature a QR confirmation carries: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>`. */
export function qrSignature(secret: string, timestampSec: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.`).update(rawBody).digest('hex')}`;
}

/**
 * QR payments in the Kaspi QR style: the bot shows a QR image for the amount and a reference;
 * the payment is confirmed by a signed webhook from the acquirer's integration (or a small
 * relay) or by an admin. Webhook: `POST /api/payments/webhooks/qr`, JSON
 * `{ reference, amount, currency, transaction_id, status: "paid" }`, headers
 * `X-Lavka-Timestamp` (Unix seconds) and `X-Lavka-Signature` ({@link qrSignature}).
 */
export function createQrProvider(deps: { settings: () => PaymentsSettings['qr']; webhookSecret: string | undefined; now?: () => number }): PaymentProvider {
  const now = deps.now ?? Date.now;
  return {
    id: 'qr',
    // Payments opened earlier are still confirmed when the owner stops offering QR codes.
    configured: true,
    supports: (currency) => currency !== 'XTR',
    async create(input) {
      const settings = deps.settings();
      const reference = qrReference(input.paymentId);
      const content = settings.payloadTemplate
        .replaceAll('{amount}', encodeURIComponent(minorToDecimal(input.amountMinor, input.currency)))
        .replaceAll('{reference}', encodeURIComponent(reference))
        .replaceAll('{currency}', encodeURIComponent(input.currency));
      const png = qrToPng(encodeQr(content));
      const receiver = settings.receiver || undefined;
      return { start: { type: 'qr', png, reference, content, receiver }, externalId: reference, ...(receiver ? { details: { receiver } } : {}) };
    },
    verifyCallback(request): CallbackVerdict {
      if (!deps.webhookSecret) return { ok: false, code: 'payments.bad_signature', detail: 'QR_WEBHOOK_SECRET is not set' };
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const timestamp = header('x-lavka-timestamp') ?? '';
      const signature = header('x-lavka-signature') ?? '';
      if (!/^\d{9,11}$/.test(timestamp)) return { ok: false, code: 'payments.bad_signature', detail: 'X-Lavka-Timestamp missing' };
      if (!signaturesEqual(qrSignature(deps.webhookSecret, timestamp, request.rawBody), signature)) {
        return { ok: false, code: 'payments.bad_signature', detail: 'X-Lavka-Signature does not match' };
      }
      if (Math.abs(now() - Number(timestamp) * 1000) > QR_WEBHOOK_TOLERANCE_MS) {
        return { ok: false, code: 'payments.stale_callback', detail: 'timestamp outside the 5-minute window' };
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
      } catch {
        return { ok: false, code: 'payments.malformed_callback', detail: 'body is not JSON' };
      }
      const currency = String(body.currency ?? '').toUpperCase();
      if (typeof body.reference !== 'string' || typeof body.amount !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
        return { ok: false, code: 'payments.malformed_callback', detail: 'reference, amount or currency missing' };
      }
      if (body.status !== 'paid') return { ok: true };
      return {
        ok: true,
        event: {
          provider: 'qr',
          kind: 'paid',
          externalId: body.reference,
          paymentId: paymentIdFromReference(body.reference),
          amountMinor: decimalToMinor(body.amount, currency),
          currency,
          raw: { source: 'webhook', body },
        },
      };
    },
  };
}
