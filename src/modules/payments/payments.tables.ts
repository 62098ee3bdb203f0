import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** Payment methods' back ends. */
export const PROVIDER_IDS = ['telegram_stars', 'telegram_card', 'heleket', 'qr', 'manual'] as const;
/** One of {@link PROVIDER_IDS}. */
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * Where a payment is in its life. `refunding` is the short window in which a Stars refund is
 * asked of Telegram after the wallet has been debited; a restart finishes or undoes it.
 */
export type PaymentStatus = 'pending' | 'paid' | 'declined' | 'expired' | 'failed' | 'refunding' | 'refunded';

/**
 * One attempt to pay: created when the user picks a method, settled by the provider's
 * confirmation. `(provider, external_id)` is UNIQUE: a provider's charge is recorded once.
 */
export interface PaymentsTable {
  id: Generated<number>;
  user_id: number;
  provider: ProviderId;
  /** Manual transfers: which requisites the user chose (`card_ru`, `crypto`, …). */
  variant: string | null;
  /** What is being paid for (`topup`, `stars`, `order`) and which one (pack id, order id). */
  purpose: string;
  purpose_ref: string;
  status: PaymentStatus;
  amount_minor: number;
  currency: string;
  /** What the payment buys, in the purpose's unit (tokens, Stars); informational. */
  units: number | null;
  /** The provider's charge or invoice id: Telegram charge id, Heleket uuid, QR reference. */
  external_id: string | null;
  /**
   * The business's own id of the payment (its accounting system's), set through the
   * integration API, which calls it `external_id` (and this table's `external_id` there
   * `provider_payment_id`); unique.
   */
  backend_ref: string | null;
  /** The language the user paid in, for notifications written later. */
  locale: string;
  pay_url: string | null;
  /** Telegram file id of the transfer receipt (manual transfers). */
  receipt_file_id: string | null;
  decline_reason: string | null;
  /** Admin who approved, declined or refunded. */
  decided_by: string | null;
  /** Provider-specific JSON (provider charge id, invoice details). */
  details: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
  expires_at: EpochMs | null;
  paid_at: EpochMs | null;
  refunded_at: EpochMs | null;
}

/** What happened to a received provider event. */
export type PaymentEventStatus = 'received' | 'processed' | 'rejected' | 'ignored' | 'failed';

/**
 * Every confirmation a provider sent (Telegram successful_payment, gateway webhooks, status
 * polls, admin confirmations), stored before it is acted on. Processing marks it and credits
 * in one transaction, so a crash in between leaves a `received` row that recovery completes.
 */
export interface PaymentEventsTable {
  id: Generated<number>;
  provider: string;
  /** `<provider>:<external id>:<kind>`; UNIQUE, so a replay is one row. Rejected events get a random key. */
  event_key: string;
  payment_id: number | null;
  status: PaymentEventStatus;
  /** The normalised event as JSON. */
  payload: string;
  error: string | null;
  attempts: number;
  received_at: EpochMs;
  processed_at: EpochMs | null;
}

/** A payment row as read. */
export type PaymentRecord = Selectable<PaymentsTable>;
/** An event row as read. */
export type PaymentEventRecord = Selectable<PaymentEventsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    payments: PaymentsTable;
    payment_events: PaymentEventsTable;
  }
}
