import type { Locale } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import type { Order } from './orders.service.ts';

/**
 * How a module that brings its own kind of order (custom print jobs) shows it on the orders
 * screens: the customer keeps one list of everything they ordered, and each order opens the
 * card of the module that knows it (files, quotes, its own buttons).
 */
export interface OrderKindScreens {
  /** A status of this kind in the reader's language. */
  statusLabel(status: string, locale: Locale): string;
  /** Callback data opening the kind's own card of order `orderId` for its customer, from page `page` of their list. */
  customerCardData(orderId: number, page: number): string;
  /** Answers `/track_order` with the kind's card: the customer's own, or the staff card for staff. */
  track(ctx: BotContext, order: Order): Promise<void>;
  /** Lines the kind adds to `/stats`, in the reader's language. */
  stats?(locale: Locale): Promise<string[]>;
  /** Commands the kind's module used to have for its own list (`my_stars`): they open `/my_orders` now. */
  listCommands?: readonly string[];
}
