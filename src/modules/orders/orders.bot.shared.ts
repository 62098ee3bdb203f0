/**
 * What the parts of the orders bot share: their dependencies, the callback data that opens
 * an order's payment screen, how a status reads, the customer's card of an order and which
 * orders a presser may see as their own here.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import type { PaymentScreens } from '../payments/payments.module.ts';
import type { OrderMessages } from './orders.messages.ts';
import type { OrderPayments } from './orders.payments.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import type { Order, OrdersService } from './orders.service.ts';

/** Dependencies of the orders composer. */
export interface OrdersComposerDeps {
  orders: OrdersService;
  messages: OrderMessages;
  /** Paying for orders online; offline (pay on delivery) while the payments module is off. */
  payments: OrderPayments;
  i18n: Translator;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  now(): number;
  /** The kind of order the shop's customers place here (`shop`): the kind paid through the `order` purpose. */
  kind: string;
  /** Screens of the other kinds of order, by kind; filled by their modules as they are set up. */
  screens: ReadonlyMap<string, OrderKindScreens>;
  /** The business currency, for zero amounts. */
  currency: string;
  /** The payments module's payment-method buttons; absent while it is off. */
  methodRows?: PaymentScreens['methodRows'];
}

/** Callback data that opens the payment screen of order `orderId` (from page `page` of the customer's list). */
export function orderPayData(orderId: number, page = 1): string {
  return `orders:pay:${orderId}:${page}`;
}

export function toKeyboard(markup: { inline_keyboard: { text: string; callback_data: string }[][] } | undefined): InlineKeyboard {
  return new InlineKeyboard((markup?.inline_keyboard ?? []) as InlineKeyboardButton[][]);
}

/** How the status of `order` reads: in its kind's own words when its module gives them. */
export function statusOf(deps: Pick<OrdersComposerDeps, 'screens' | 'messages'>, order: Order, locale: Locale): string {
  return deps.screens.get(order.kind)?.statusLabel(order.status, locale) ?? deps.messages.statusLabel(order.status, locale);
}

/** The customer's card of an order: pay and cancel buttons when they apply, back to the list. */
export async function detailScreen(deps: OrdersComposerDeps, ctx: BotContext, order: Order, page: number): Promise<{ text: string; keyboard: InlineKeyboard } | undefined> {
  const { orders, messages } = deps;
  const detail = await orders.detail(order.id);
  if (!detail) return undefined;
  const keyboard = new InlineKeyboard();
  if (detail.user_id === ctx.from?.id && deps.payments.isOnline() && orders.awaitsPayment(detail)) {
    keyboard.text(ctx.t('orders-pay-button', { amount: formatMoney(detail.total_minor, detail.currency, ctx.locale) }), orderPayData(detail.id, page)).row();
  }
  if (detail.user_id === ctx.from?.id && orders.nextStatuses(detail, 'customer').includes('cancelled')) {
    keyboard.text(ctx.t('orders-cancel-button'), `orders:cx:${detail.id}:${page}`).row();
  }
  keyboard.text(ctx.t('orders-back-to-list'), `orders:my:${page}`).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: messages.customerDetailText(detail, ctx.locale), keyboard };
}

/**
 * The order if the presser may see it as a customer here: their own, of a kind these
 * screens move (another module's kind has its own card and buttons).
 */
export async function ownOrder(deps: OrdersComposerDeps, ctx: BotContext, orderId: number): Promise<Order | undefined> {
  const order = await deps.orders.get(orderId);
  return order && order.user_id === ctx.from?.id && !deps.orders.managedBy(order.kind) ? order : undefined;
}
