import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { PaymentRecord, ProviderId } from './payments.tables.ts';

/** An invoice as the Bot API's sendInvoice / createInvoiceLink take it. */
export interface TelegramInvoice {
  title: string;
  description: string;
  payload: string;
  currency: string;
  prices: { label: string; amount: number }[];
  /** Absent for Telegram Stars (XTR). */
  providerToken?: string;
}

/** What the user is shown to pay, by kind of method. */
export type PaymentStart =
  | { type: 'telegram_invoice'; invoice: TelegramInvoice }
  | { type: 'link'; url: string; expiresAtMs?: number }
  | { type: 'qr'; png: Buffer; reference: string; content: string; receiver?: string }
  | { type: 'manual'; requisites: string; variant: string };

/** What a provider returns when it has opened a payment. */
export interface ProviderCreateResult {
  start: PaymentStart;
  /** The provider's id for it, when known now (Heleket uuid, QR reference). */
  externalId?: string;
  expiresAtMs?: number;
  details?: Record<string, unknown>;
}

/** Everything a provider needs to open a payment. */
export interface ProviderCreateInput {
  paymentId: number;
  userId: number;
  amountMinor: number;
  currency: string;
  title: string;
  description: string;
  locale: Locale;
  variant?: string;
}

/** A confirmation from a provider, normalised. */
export interface ProviderEvent {
  provider: ProviderId;
  /**
   * `refund_pending`, `refund_failed` and `refunded` report a refund made at the gateway (the
   * merchant returned the money in the gateway's dashboard or API), not one Lavka asked for.
   */
  kind: 'paid' | 'expired' | 'failed' | 'wrong_amount' | 'refund_pending' | 'refund_failed' | 'refunded';
  /** Our payment id when the event names it (invoice payload, order_id, admin confirmation). */
  paymentId?: number;
  /** The provider's charge or invoice id. */
  externalId: string;
  amountMinor?: number;
  currency?: string;
  /** Who confirmed, for admin confirmations. */
  confirmedBy?: string;
  raw?: unknown;
}

/** An incoming HTTP callback, as the route hands it over. */
export interface CallbackRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The peer address (after the proxy setting is applied). */
  ip: string;
}

/** A callback's verification: the event (none for an authentic in-between status), or why it was refused. */
export type CallbackVerdict =
  | { ok: true; event?: ProviderEvent }
  | { ok: false; code: 'payments.bad_signature' | 'payments.untrusted_source' | 'payments.malformed_callback' | 'payments.stale_callback'; detail: string };

/** How a provider refund went. */
export type RefundOutcome = { ok: true } | { ok: false; code: string; detail: string; permanent: boolean };

/**
 * One payment method's back end: open a payment, check its status, verify its callback, and
 * refund where the provider allows it. Gateways call out through their circuit breaker.
 */
export interface PaymentProvider {
  readonly id: ProviderId;
  /**
   * Its credentials are present, so it can open, confirm and refund payments. Whether it is
   * offered for new payments is the live setting (`settings.payments.methods`), checked apart:
   * a method the owner turns off still settles the payments opened with it.
   */
  readonly configured: boolean;
  /** Whether it can charge in `currency` (`XTR` is Telegram Stars). */
  supports(currency: string): boolean;
  /** Present for HTTP gateways; its state decides whether the method is offered. */
  readonly breaker?: CircuitBreaker;
  create(input: ProviderCreateInput): Promise<ProviderCreateResult>;
  /** Asks the provider where a payment stands (the fallback for a missed webhook). */
  checkStatus?(payment: PaymentRecord): Promise<ProviderEvent | undefined>;
  verifyCallback?(request: CallbackRequest): CallbackVerdict;
  /** Returns the money through the provider; absent when only a manual return is possible. */
  refund?(payment: PaymentRecord): Promise<RefundOutcome>;
}

/** What paying for something costs now. */
export interface PaymentQuote {
  /** Invoice title (1–32 characters) and description (1–255), in the payer's language. */
  title: string;
  description: string;
  /** Price in Telegram Stars when payable in Stars. */
  stars?: number;
  /** Price in money when payable by card, gateway, QR or transfer. */
  fiat?: { amountMinor: number; currency: string };
  /** The method ids this purpose accepts (default: every configured one). */
  methods?: readonly string[];
  /** What the payment buys in the purpose's unit (tokens, Stars). */
  units?: number;
  /**
   * For a purpose whose goods are `mixed`: whether this very thing is digital (a shop order
   * whose every product is marked digital). Ignored for `digital` and `physical` purposes.
   */
  digital?: boolean;
}

/**
 * What a purpose sells, as Telegram's payment rules see it: Telegram Stars may pay only for
 * digital goods and services; physical goods and services are paid by card through a payment
 * provider, by local methods (QR, transfer) or in cash. `mixed`: each quote says (`digital`).
 */
export type PurposeGoods = 'digital' | 'physical' | 'mixed';

/** A notice to the payer once a payment settles. */
export interface PurposeNotice {
  text: string;
}

/**
 * A kind of thing that can be paid for (`topup` of the wallet, a `stars` order, a shop
 * `order`). The module that owns it registers it with the payments service; payments never
 * touches that module's tables, it calls these hooks inside its own transaction.
 */
export interface PaymentPurpose {
  /** Short name used in callback data and stored on payments: `[a-z_]{1,12}`. */
  name: string;
  /** Digital or physical: decides whether Telegram Stars may pay for it. */
  goods: PurposeGoods;
  /** The current price of `ref` for `userId`, or undefined when it cannot be paid now. */
  quote(ref: string, userId: number, locale: Locale): Promise<PaymentQuote | undefined>;
  /**
   * Why `ref` cannot be paid when `quote` gave nothing, as pre-checkout tells the payer:
   * `payments.price_changed` when a newer price replaced the one invoiced (a re-priced custom
   * job), else (or without this hook) `payments.not_payable`.
   */
  refusal?(ref: string, userId: number): Promise<'payments.price_changed' | 'payments.not_payable'>;
  /** The payment is confirmed: deliver (credit tokens, mark the order paid). Same transaction. */
  onPaid(trx: DbExecutor, payment: PaymentRecord): Promise<PurposeNotice | void>;
  /** The money goes back: undo the delivery, or throw to refuse the refund. Same transaction. */
  onRefunded?(trx: DbExecutor, payment: PaymentRecord, actor: { type: 'admin' | 'system'; id?: string | number }): Promise<void>;
  /** A provider refund was refused for good after `onRefunded` ran: restore the delivery. Same transaction. */
  onRefundCancelled?(trx: DbExecutor, payment: PaymentRecord): Promise<void>;
  /**
   * The purpose's own card of what `payment` pays for, for staff deciding on a transfer (HTML:
   * the order's number, the customer as a link, the amount, the method, when it was placed).
   * Without it the request shows the invoice title. Called outside any transaction.
   */
  staffCard?(payment: PaymentRecord, locale: Locale): Promise<string | undefined>;
  /** What `payment` pays for in a few words (`Order S-1001 · 250 ⭐ → @friend`), for the panel's lists. */
  staffSubject?(payment: PaymentRecord, locale: Locale): Promise<string | undefined>;
  /** The payment will never complete (expired, declined, failed). Same transaction. */
  onClosed?(trx: DbExecutor, payment: PaymentRecord, outcome: 'expired' | 'declined' | 'failed'): Promise<void>;
}

/** Bot API calls the payments module makes outside of a handler (refunds, invoice links). */
export interface TelegramPaymentsApi {
  refundStarPayment(userId: number, telegramPaymentChargeId: string): Promise<true>;
  createInvoiceLink(invoice: TelegramInvoice): Promise<string>;
}
