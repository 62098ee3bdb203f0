import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * One line of a user's cart. Kept in the database, so a cart survives restarts and follows
 * the user to any device. `variant_id` is 0 for products without variants, so that the
 * UNIQUE (user, product, variant) key works the same on both dialects.
 */
export interface CartItemsTable {
  id: Generated<number>;
  user_id: number;
  product_id: number;
  variant_id: number;
  quantity: number;
  /** The unit price the user last saw, to tell them when it changes before they order. */
  price_seen_minor: number;
  added_at: EpochMs;
  updated_at: EpochMs;
}

/** Every "add to cart", kept for the cart → order conversion figure. */
export interface CartAdditionsTable {
  id: Generated<number>;
  user_id: number;
  product_id: number;
  at: EpochMs;
}

/** A cart line as read. */
export type CartItemRecord = Selectable<CartItemsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    cart_items: CartItemsTable;
    cart_additions: CartAdditionsTable;
  }
}
