import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * An order of any kind: a shop order, a custom print job, a clinic payment. What a kind may
 * do is its status machine's business (see `orders.status.ts`); the row is the same.
 */
export interface OrdersTable {
  id: Generated<number>;
  /** Readable and unique, e.g. `A-1042`. */
  number: string;
  /** Which status machine governs the order: `shop`, `custom`, `clinic`, … */
  kind: string;
  user_id: number;
  status: string;
  currency: string;
  /** Sum of the lines, minor units. */
  total_minor: number;
  /**
   * How the customer pays: `on_delivery`, `online` (to be paid through the payments module,
   * not paid yet), or, once paid online, the payments method that paid (`stars`, `card`,
   * `qr`, `heleket`, `manual.<variant>`).
   */
  payment_method: string;
  /** The payment (payments module) that paid the order; null while unpaid or paid by hand. */
  payment_id: number | null;
  contact_name: string;
  contact_phone: string | null;
  /** `pickup` or `courier` for shop orders; null when nothing is delivered. */
  delivery_method: string | null;
  delivery_address: string | null;
  pickup_point: string | null;
  comment: string | null;
  /** Kind-specific extras as JSON (a model file, an appointment id …). */
  details: string | null;
  /** The business's own id of the order (its ERP's), set through the integration API; UNIQUE. */
  external_id: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * One line of an order: a catalogue product or variant (ids kept for stock and statistics),
 * a free-form item (a custom job), or a fee (delivery). Titles and prices are copied at
 * ordering time, so later catalogue edits never rewrite an order.
 */
export interface OrderLinesTable {
  id: Generated<number>;
  order_id: number;
  position: number;
  line_kind: 'product' | 'item' | 'fee';
  product_id: number | null;
  variant_id: number | null;
  title: string;
  variant_title: string | null;
  /**
   * The line's names in every language as they were when it was ordered (JSON, see
   * `orders.lines.ts`), so each reader sees it in their own language; null for lines ordered
   * before they were kept, which read `title` in every language.
   */
  titles: string | null;
  unit_price_minor: number;
  quantity: number;
  total_minor: number;
}

/** Who changed an order's status and when; the first row records its creation. */
export interface OrderStatusHistoryTable {
  id: Generated<number>;
  order_id: number;
  from_status: string | null;
  to_status: string;
  actor_type: 'customer' | 'staff' | 'system';
  actor_id: string | null;
  note: string | null;
  at: EpochMs;
}

/** A staff note on an order, written in the panel or by another system with an API key; never shown to the customer. */
export interface OrderNotesTable {
  id: Generated<number>;
  order_id: number;
  author_type: 'staff' | 'api_key';
  /** `staff:<id>` or `api_key:<id>`. */
  author_id: string;
  /** The staff member's or the key's name when the note was written. */
  author_name: string;
  text: string;
  at: EpochMs;
}

/** The last order number handed out per prefix. */
export interface OrderCountersTable {
  prefix: string;
  value: number;
}

/** An order row as read. */
export type OrderRecord = Selectable<OrdersTable>;
/** An order line as read. */
export type OrderLineRecord = Selectable<OrderLinesTable>;
/** A status change as read. */
export type OrderStatusChangeRecord = Selectable<OrderStatusHistoryTable>;
/** A staff note as read. */
export type OrderNoteRecord = Selectable<OrderNotesTable>;

declare module '../../db/schema.ts' {
  interface Database {
    orders: OrdersTable;
    order_lines: OrderLinesTable;
    order_status_history: OrderStatusHistoryTable;
    order_notes: OrderNotesTable;
    order_counters: OrderCountersTable;
  }
}
