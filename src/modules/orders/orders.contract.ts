import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import type { OrderPayments } from './orders.payments.ts';
import type { Order, OrdersService } from './orders.service.ts';

/**
 * The orders module's service: the orders themselves, paying for them online, and the
 * screens of other modules' kinds of order. Orders sell through payments when it is enabled
 * (`after`), and are paid on delivery otherwise.
 */
export type OrdersModuleService = OrdersService & {
  payments: OrderPayments;
  /**
   * The screen asking a customer to pay for their order (payment methods, pay on delivery),
   * with `extra` buttons at the end; undefined when it cannot be paid online.
   */
  paymentScreen(ctx: BotContext, order: Order, extra: readonly { text: string; data: string }[]): Promise<{ text: string; keyboard: InlineKeyboard } | undefined>;
  /** Shows another module's kind of order in `/my_orders`, `/track_order` and `/stats` through that module's screens. */
  registerScreens(kind: string, screens: OrderKindScreens): void;
};
