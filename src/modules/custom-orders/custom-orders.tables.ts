import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/**
 * What only a print job has, beside its order (`orders.id`, kind `print3d`): the order row
 * holds the number, customer, status, price, contact and comment, its lines and history live
 * with the orders module; this row holds how to print it and which quote is current.
 */
export interface CustomOrdersTable {
  /** The order (orders.id); one row per print job. */
  order_id: number;
  technology: string;
  material: string;
  colour: string;
  /** FDM infill in percent; null for solid technologies. */
  infill_percent: number | null;
  quantity: number;
  /** Wanted by, `YYYY-MM-DD` in the business time zone. */
  deadline: string | null;
  /** The customer asked for a manual quote, or a model is larger than every printer. */
  manual_quote: Flag;
  /** Version of the current price (custom_order_quotes.version); 0 while staff have to quote by hand. */
  quote_version: number;
  /** Telegram file_id of the coloured preview sent with the summary (re-used in staff alerts). */
  preview_file_id: string | null;
}

/**
 * A model file a customer sent. Rows without an order are drafts of an order in progress;
 * they are attached when the order is placed and purged when abandoned.
 */
export interface CustomOrderFilesTable {
  id: Generated<number>;
  /** The order (orders.id) once placed; null for a draft. */
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
  /** The order (orders.id). */
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

/** Which status changes a customer wants to hear about (`/subscribe`); no row = all. */
export interface CustomOrderSubscriptionsTable {
  user_id: number;
  /** JSON array of statuses. */
  statuses: string;
  updated_at: EpochMs;
}

/** A print job's own row as read. */
export type PrintJobRecord = Selectable<CustomOrdersTable>;
/** A file row as read (without its bytes). */
export type CustomOrderFileRecord = Selectable<CustomOrderFilesTable>;
/** A quote row as read. */
export type CustomOrderQuoteRecord = Selectable<CustomOrderQuotesTable>;

declare module '../../db/schema.ts' {
  interface Database {
    custom_orders: CustomOrdersTable;
    custom_order_files: CustomOrderFilesTable;
    custom_order_file_data: CustomOrderFileDataTable;
    custom_order_quotes: CustomOrderQuotesTable;
    custom_order_subscriptions: CustomOrderSubscriptionsTable;
  }
}
