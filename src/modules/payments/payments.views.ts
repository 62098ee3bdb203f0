import type { PaymentRecord } from './payments.tables.ts';

/**
 * A payment as an order's page shows it (orders, custom orders): what, how much and how it
 * ended, without the gateway's ids and links that only the payments pages need.
 */
export function orderPaymentView(payment: PaymentRecord) {
  return {
    id: payment.id,
    provider: payment.provider,
    variant: payment.variant,
    status: payment.status,
    amountMinor: payment.amount_minor,
    currency: payment.currency,
    declineReason: payment.decline_reason,
    createdAt: payment.created_at,
    paidAt: payment.paid_at,
    refundedAt: payment.refunded_at,
  };
}
