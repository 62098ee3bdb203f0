import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/** A custom order: what to print, how, the current price and where it is in its life. */
export interface CustomOrdersTable {
  id: Generated<number>;
  user_id: number;
  /** One of `CUSTOM_ORDER_STATUSES`. */
  status: string;
  currency: string;
  /** The current price in minor units; null while staff have to quote by hand. */
  total_minor: number | null;
  /** Version of the current quote (custom_order_quotes.version); 0 before any quote. */
  quote_version: number;
  technology: string;
  material: string;
  colour: string;
  /** FDM infill in percent; null for solid technologies. */
  infill_percent: number | null;
  quantity: number;
  comment: string | null;
  /** Wanted by, `YYYY-MM-DD` in the business time zone. */
  deadline: string | null;
  contact_name: string;
  /** The customer asked for a manual quote, or a model is larger than every printer. */
  manual_quote: Flag;
  /** Telegram file_id of the coloured preview sent with the summary (re-used in staff alerts). */
  preview_file_id: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * A model file a customer sent. Rows without an order are drafts of an order in progress;
 * they are attached when the order is placed and purged when abandoned.
 */
export interface CustomOrderFilesTable {
  id: Generated<number>;
  order_id: number | null;
  user_id: number;
  file_name: string;
  /** `stl`, `obj` or `3mf`. */
  format: string;
  size_bytes: number;
  telegram_file_id: string;
  telegram_file_unique_id: string | null;
  /** MeshMeasurements as JSON. */
  measurements: string;
  created_at: EpochMs;
}

/** The bytes of a model file and its neutral preview, apart so that listings never read them. */
export interface CustomOrderFileDataTable {
  file_id: number;
  content: Uint8Array;
  thumbnail_png: Uint8Array;
}

/** Every price an order was given: the automatic quote, then each staff adjustment. */
export interface CustomOrderQuotesTable {
  id: Generated<number>;
  order_id: number;
  version: number;
  total_minor: number;
  /** The automatic quote's breakdown (Quote as JSON); null for a price set by staff. */
  breakdown: string | null;
  actor_type: string;
  actor_id: string | null;
  note: string | null;
  created_at: EpochMs;
  accepted_at: EpochMs | null;
}

/** Every status change of an order, with who made it and when. */
export interface CustomOrderStatusHistoryTable {
  id: Generated<number>;
  order_id: number;
  from_status: string | null;
  to_status: string;
  actor_type: string;
  actor_id: string | null;
  note: string | null;
  at: EpochMs;
}

/** A payment received for an order, keyed on the provider's charge id (recorded once). */
export interface CustomOrderPaymentsTable {
  id: Generated<number>;
  order_id: number;
  user_id: number;
  /** `telegram_stars` until the payments module provides providers. */
  provider: string;
  charge_id: string;
  provider_charge_id: string | null;
  currency: string;
  amount: number;
  /** The quote the customer paid for. */
  quote_version: number;
  created_at: EpochMs;
}

/** Which status changes a customer wants to hear about (`/subscribe`); no row = all. */
export interface CustomOrderSubscriptionsTable {
  user_id: number;
  /** JSON array of statuses. */
  statuses: string;
  updated_at: EpochMs;
}

/** An order row as read. */
export type CustomOrderRecord = Selectable<CustomOrdersTable>;
/** A file row as read (without its bytes). */
export type CustomOrderFileRecord = Selectable<CustomOrderFilesTable>;
/** A quote row as read. */
export type CustomOrderQuoteRecord = Selectable<CustomOrderQuotesTable>;
/** A status change as read. */
export type CustomOrderStatusChange = Selectable<CustomOrderStatusHistoryTable>;
/** A payment as read. */
export type CustomOrderPaymentRecord = Selectable<CustomOrderPaymentsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    custom_orders: CustomOrdersTable;
    custom_order_files: CustomOrderFilesTable;
    custom_order_file_data: CustomOrderFileDataTable;
    custom_order_quotes: CustomOrderQuotesTable;
    custom_order_status_history: CustomOrderStatusHistoryTable;
    custom_order_payments: CustomOrderPaymentsTable;
    custom_order_subscriptions: CustomOrderSubscriptionsTable;
  }
}
