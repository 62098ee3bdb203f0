import { z } from 'zod';
import type { LavkaEvent } from '../../platform/events.ts';
import type { PaymentRecord } from './payments.tables.ts';
import { isoTime } from '../../platform/api-values.ts';

/** A payment as the integration API and its webhooks show it. */
export const paymentView = z.object({
  object: z.literal('payment'),
  id: z.number(),
  external_id: z.string().nullable().describe('The payment’s id in your system (PATCH sets it)'),
  status: z.string(),
  provider: z.string().describe('telegram_stars, telegram_card, heleket, qr or manual'),
  variant: z.string().nullable().describe('Which requisites a manual transfer used'),
  purpose: z.string().describe('What it pays for: order, topup, stars, print, booking…'),
  purpose_ref: z.string().describe('Which one (an order id, a pack)'),
  customer_id: z.number().describe("The payer's Telegram user id"),
  amount_minor: z.number().describe('Minor units; Telegram Stars for XTR'),
  currency: z.string(),
  provider_payment_id: z.string().nullable().describe("The provider's charge or invoice id (Telegram charge id, gateway invoice, QR reference)"),
  created_at: z.string(),
  paid_at: z.string().nullable(),
  refunded_at: z.string().nullable(),
});

/** A payment as the integration API and its webhooks show it. */
export function apiPayment(payment: PaymentRecord): z.infer<typeof paymentView> {
  return {
    object: 'payment',
    id: payment.id,
    external_id: payment.backend_ref,
    status: payment.status,
    provider: payment.provider,
    variant: payment.variant,
    purpose: payment.purpose,
    purpose_ref: payment.purpose_ref,
    customer_id: payment.user_id,
    amount_minor: payment.amount_minor,
    currency: payment.currency,
    provider_payment_id: payment.external_id,
    created_at: isoTime(payment.created_at),
    paid_at: isoTime(payment.paid_at),
    refunded_at: isoTime(payment.refunded_at),
  };
}

/** The webhook event of a payment that was paid or refunded. */
export function paymentEvent(type: 'payment.succeeded' | 'payment.refunded', payment: PaymentRecord): LavkaEvent {
  return { type, resource: { type: 'payment', id: payment.id }, data: { payment: apiPayment(payment) } };
}
