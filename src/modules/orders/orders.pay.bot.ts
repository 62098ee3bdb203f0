/**
 * Paying for an order in the bot: the payment screen of an unpaid order (a button per method,
 * "Pay on delivery" when allowed) and choosing to pay on delivery.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { parsePage } from '../../telegram/paginator.ts';
import type { PaymentScreens } from '../payments/payments.module.ts';
import { detailScreen, ownOrder, type OrdersComposerDeps } from './orders.bot.shared.ts';
import { customerOrderData } from './orders.messages.ts';
import { ORDER_PURPOSE, type OrderPayments } from './orders.payments.ts';
import type { Order } from './orders.service.ts';

/**
 * Asks the customer to pay for their order: its summary, a button per payment method the
 * shop takes (paused gateways marked as such by the payments module's own rule), and
 * "Pay on delivery" when the owner allows it; `extra` rows end the keyboard. Undefined
 * when the order cannot be paid online (payments off, not waiting for payment, no method).
 */
export async function orderPaymentScreen(
  ctx: BotContext,
  order: Order,
  payments: OrderPayments,
  extra: readonly { text: string; data: string }[],
  methodRows: PaymentScreens['methodRows'] | undefined,
): Promise<{ text: string; keyboard: InlineKeyboard } | undefined> {
  const methods = ctx.from ? await payments.methods(order, ctx.from.id, ctx.locale) : undefined;
  if (!methods || methods.length === 0 || !methodRows) return undefined;
  const keyboard = methodRows(new InlineKeyboard(), ctx, ORDER_PURPOSE, String(order.id), methods);
  if (payments.offersOnDelivery()) keyboard.text(ctx.t('orders-pay-on-delivery'), `orders:pod:${order.id}`).row();
  for (const button of extra) keyboard.text(button.text, button.data);
  return { text: `${payments.summary(order, ctx.locale)}\n\n${ctx.t('orders-pay-choose')}`, keyboard };
}

/** Registers the payment screen's and "Pay on delivery" buttons. */
export function registerOrderPayment(composer: Composer<BotContext>, deps: OrdersComposerDeps): void {
  const { orders } = deps;

  composer.callbackQuery(/^orders:pay:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(deps, ctx, Number(ctx.match[1]));
    if (!order || page === undefined || !deps.payments.isOnline()) return next();
    await ctx.answerCallbackQuery();
    const back = [{ text: ctx.t('orders-pay-back'), data: customerOrderData(order.id, page) }];
    const screen = await orderPaymentScreen(ctx, order, deps.payments, back, deps.methodRows);
    if (screen) {
      await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
      return;
    }
    // Paid or cancelled meanwhile, or no method can take it now: say so over the current card.
    const notice = orders.awaitsPayment(order) ? ctx.t('orders-pay-none', { number: order.number }) : ctx.t('orders-pay-not-needed', { number: order.number });
    const card = await detailScreen(deps, ctx, order, page);
    if (card) await editOrReply(ctx, `${notice}\n\n${card.text}`, { reply_markup: card.keyboard });
  });

  composer.callbackQuery(/^orders:pod:(\d{1,12})$/, async (ctx, next) => {
    const order = await ownOrder(deps, ctx, Number(ctx.match[1]));
    if (!order || !deps.payments.offersOnDelivery()) return next();
    await ctx.answerCallbackQuery();
    const keyboard = new InlineKeyboard().text(ctx.t('orders-open'), customerOrderData(order.id)).text(ctx.t('menu-my-orders'), 'orders:my:1');
    if (!(await orders.choosePayOnDelivery(order.id, ctx.from.id))) {
      await editOrReply(ctx, ctx.t('orders-pay-not-needed', { number: order.number }), { reply_markup: keyboard });
      return;
    }
    const total = formatMoney(order.total_minor, order.currency, ctx.locale);
    await editOrReply(ctx, ctx.t('orders-pay-on-delivery-chosen', { number: order.number, total }), { reply_markup: keyboard });
  });
}
