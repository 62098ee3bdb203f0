/**
 * The staff's status buttons on order alerts in the bot: moving an order along (a refund of an
 * order paid online refunds its payment), redrawing the card when someone moved it first.
 */
import type { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { explainRefusal, staffReader } from '../../telegram/refusals.ts';
import { isPaymentsError } from '../payments/payments.errors.ts';
import { toKeyboard, type OrdersComposerDeps } from './orders.bot.shared.ts';
import { OrdersError, type Order } from './orders.service.ts';

/** Answers a non-admin who pressed a staff button; true when it did (the presser is not staff). */
async function refuseNonAdmin(ctx: BotContext): Promise<boolean> {
  if (ctx.isAdmin) return false;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('orders-admin-only'), show_alert: true });
  else await ctx.reply(ctx.t('orders-admin-only'));
  return true;
}

/** Registers the staff's status buttons. */
export function registerStaffStatus(composer: Composer<BotContext>, deps: OrdersComposerDeps): void {
  const { orders, messages } = deps;

  composer.callbackQuery(/^orders:st:(\d{1,12}):([a-z_]{1,16}):([a-z_]{1,16})$/, async (ctx, next) => {
    const orderId = Number(ctx.match[1]);
    const from = ctx.match[2] as string;
    const to = ctx.match[3] as string;
    const order = await orders.get(orderId);
    // Another module's kind is moved on its own card, where a move may do more than this one.
    if (!order || orders.managedBy(order.kind)) return next();
    if (await refuseNonAdmin(ctx)) return;
    const redraw = async (current: Order, notice: string): Promise<void> => {
      await ctx.answerCallbackQuery({ text: notice });
      await editOrReply(ctx, messages.staffCardText(current, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(current, staffReader(ctx))) });
    };
    if (order.status !== from) {
      // Another staff member (or the customer) moved it since this card was drawn.
      await redraw(order, ctx.t('orders-status-stale', { status: messages.statusLabel(order.status, ctx.locale) }));
      return;
    }
    if (to === 'refunded' && order.payment_id !== null && deps.payments.isOnline()) {
      // Paid online: refunding the payment returns the money, and its refund moves the order.
      try {
        await deps.payments.refund(order, ctx.from.id);
      } catch (error) {
        if (!isPaymentsError(error) && !(error instanceof OrdersError)) throw error;
        const current = (await orders.get(orderId)) ?? order;
        const retrying = isPaymentsError(error, 'payments.refund_failed') && error.details.retrying === true;
        await redraw(current, retrying ? ctx.t('orders-refund-retrying', { number: order.number }) : explainRefusal(deps.i18n, ctx, error, 'payments-error-unexpected'));
        return;
      }
      const moved = (await orders.get(orderId)) ?? order;
      await redraw(moved, ctx.t('orders-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
      return;
    }
    try {
      const moved = await orders.changeStatus(orderId, to, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
      await redraw(moved, ctx.t('orders-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
    } catch (error) {
      if (!(error instanceof OrdersError)) throw error;
      if (error.code === 'orders.transition_not_allowed') return next();
      const current = (await orders.get(orderId)) ?? order;
      await redraw(current, ctx.t('orders-status-stale', { status: messages.statusLabel(current.status, ctx.locale) }));
    }
  });
}
