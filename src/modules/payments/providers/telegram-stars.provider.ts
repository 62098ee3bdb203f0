import { GrammyError, HttpError } from 'grammy';
import type { PaymentProvider, TelegramPaymentsApi } from '../payments.types.ts';

/** Invoice payloads Lavka writes: `pay:<payment id>`. */
export function invoicePayload(paymentId: number): string {
  return `pay:${paymentId}`;
}

/** Reads our payment id back from an invoice payload; undefined for anything else. */
export function paymentIdFromPayload(payload: string): number | undefined {
  const match = /^pay:(\d{1,15})$/.exec(payload);
  return match ? Number(match[1]) : undefined;
}

/** Telegram's invoice titles are 1–32 characters and descriptions 1–255. */
export function fitInvoiceText(title: string, description: string): { title: string; description: string } {
  const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  return { title: cut(title.trim() || '…', 32), description: cut(description.trim() || title.trim() || '…', 255) };
}

/**
 * Telegram Stars (XTR): no provider token, whole Stars, refunds through refundStarPayment.
 * The invoice is sent by the bot (sendInvoice) or turned into a link (createInvoiceLink).
 */
export function createTelegramStarsProvider(deps: { telegram: () => TelegramPaymentsApi | undefined }): PaymentProvider {
  return {
    id: 'telegram_stars',
    // Stars need no credentials.
    configured: true,
    supports: (currency) => currency === 'XTR',
    async create(input) {
      const text = fitInvoiceText(input.title, input.description);
      return {
        start: {
          type: 'telegram_invoice',
          invoice: { ...text, payload: invoicePayload(input.paymentId), currency: 'XTR', prices: [{ label: text.title, amount: input.amountMinor }] },
        },
      };
    },
    async refund(payment) {
      const api = deps.telegram();
      if (!api) return { ok: false, code: 'payments.telegram_unavailable', detail: 'the bot has not connected to Telegram yet', permanent: false };
      if (!payment.external_id) return { ok: false, code: 'payments.no_charge_id', detail: 'the payment has no Telegram charge id', permanent: true };
      try {
        await api.refundStarPayment(payment.user_id, payment.external_id);
        return { ok: true };
      } catch (error) {
        if (error instanceof GrammyError) {
          // Already refunded (a retry after a lost answer): the money is back, which is what we wanted.
          if (/CHARGE_ALREADY_REFUNDED/.test(error.description)) return { ok: true };
          return { ok: false, code: 'payments.telegram_refused', detail: error.description, permanent: true };
        }
        const detail = error instanceof HttpError ? 'network error talking to Telegram' : (error as Error).message;
        return { ok: false, code: 'payments.telegram_unreachable', detail, permanent: false };
      }
    },
  };
}
