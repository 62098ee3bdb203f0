import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * An order's life: awaiting_payment → paid → delivering → delivered, or → failed (then
 * retried or refunded); an unpaid order expires. A late payment revives an expired order.
 */
export const STARS_ORDER_STATUSES = ['awaiting_payment', 'paid', 'delivering', 'delivered', 'failed', 'refunded', 'expired'] as const;
/** One of {@link STARS_ORDER_STATUSES}. */
export type StarsOrderStatus = (typeof STARS_ORDER_STATUSES)[number];

/** A customer's purchase of a Telegram Stars package for a recipient. */
export interface StarsOrdersTable {
  id: Generated<number>;
  /**
   * The order of the orders module (kind `stars`) this purchase is: its number (`S-1001`) is
   * the one customers and staff read, and it lists the purchase with every other order.
   * Null for purchases made before Stars orders became orders.
   */
  order_id: number | null;
  order_number: string | null;
  user_id: number;
  /** The Telegram username that receives the Stars, without `@`. */
  recipient: string;
  stars: number;
  price_minor: number;
  currency: string;
  status: StarsOrderStatus;
  /** The payment that paid it (payments module id). */
  payment_id: number | null;
  /** The fulfilment service's reference for the delivery. */
  fulfilment_ref: string | null;
  failure_reason: string | null;
  locale: string;
  created_at: EpochMs;
  updated_at: EpochMs;
  expires_at: EpochMs;
  paid_at: EpochMs | null;
  delivered_at: EpochMs | null;
}

/** Every status change, with who made it. */
export interface StarsOrderHistoryTable {
  id: Generated<number>;
  order_id: number;
  from_status: StarsOrderStatus | null;
  to_status: StarsOrderStatus;
  actor_type: 'user' | 'admin' | 'system';
  actor_id: string | null;
  note: string | null;
  at: EpochMs;
}

/** An order as read. */
export type StarsOrder = Selectable<StarsOrdersTable>;

declare module '../../db/schema.ts' {
  interface Database {
    stars_orders: StarsOrdersTable;
    stars_order_history: StarsOrderHistoryTable;
  }
}
