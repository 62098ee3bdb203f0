// The shop's answers from /api/miniapp, as the server sends them, and what its screens share.

import type { SectionProps } from '../section.ts';

export interface Category {
  id: number;
  parent_id: number | null;
  title: string;
  product_count: number;
}

export interface Variant {
  id: number;
  title: string;
  options: Record<string, string>;
  price_minor: number;
  stock: number;
}

export interface Product {
  id: number;
  category_id: number | null;
  title: string;
  description: string;
  price_minor: number;
  price_varies: boolean;
  currency: string;
  stock: number;
  photos: string[];
  variants: Variant[];
}

export interface CartLine {
  id: number;
  product_id: number;
  variant_id: number | null;
  title: string;
  variant_title: string | null;
  quantity: number;
  unit_price_minor: number;
  line_total_minor: number;
  stock: number;
}

export interface Cart {
  lines: CartLine[];
  currency: string;
  total_minor: number;
  units: number;
}

export interface PlacedOrder {
  id: number;
  number: string;
  total_minor: number;
  currency: string;
}

/** Where the shop is: a stack of screens, the last one shown. */
export type Screen = { name: 'store' } | { name: 'product'; id: number } | { name: 'cart' } | { name: 'checkout' } | { name: 'order'; order: PlacedOrder };

/** What every shop screen receives. */
export interface ShopScreenProps extends SectionProps {
  cart: Cart | undefined;
  setCart(cart: Cart): void;
  open(screen: Screen): void;
  /** Replaces the whole stack (after an order: back to the store). */
  reset(screen: Screen): void;
}
