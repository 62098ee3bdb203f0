/**
 * The customer's orders in the bot: `/my_orders` (every kind in one list), an order's card, and
 * cancelling an order.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import { detailScreen, ownOrder, statusOf, type OrdersComposerDeps } from './orders.bot.shared.ts';
import { customerOrderData } from './orders.messages.ts';
import { OrdersError } from './orders.service.ts';

/** Orders per page of `/my_orders`. */
const MY_ORDERS_PAGE_SIZE = 5;

// Every kind in one list: an order of another module's kind opens that module's card.
async function listScreen(deps: OrdersComposerDeps, ctx: BotContext, userId: number, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const { orders: list, window } = await deps.orders.listForUser(userId, page, MY_ORDERS_PAGE_SIZE);
  const keyboard = new InlineKeyboard();
  for (const order of list) {
    const label = `${order.number} · ${statusOf(deps, order, ctx.locale)} · ${formatMoney(order.total_minor, order.currency, ctx.locale)}`;
    const screens = deps.screens.get(order.kind);
    keyboard.text(label, screens ? screens.customerCardData(order.id, window.page) : customerOrderData(order.id, window.page)).row();
  }
  addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `orders:my:${target}` });
  keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  const text = window.total === 0 ? ctx.t('orders-my-empty') : ctx.t('orders-my-title', { count: window.total });
  return { text, keyboard };
}

/** Registers the customer's list, cards and cancellation. */
export function registerCustomerOrders(composer: Composer<BotContext>, deps: OrdersComposerDeps): void {
  const { orders } = deps;

  const myOrders = async (ctx: BotContext): Promise<void> => {
    if (!ctx.from) return;
    const screen = await listScreen(deps, ctx, ctx.from.id, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  };
  composer.command('my_orders', myOrders);
  // A kind's old command for its own list leads to the one list; kinds register after this composer is built.
  composer.filter((ctx) => [...deps.screens.values()].some((screens) => (screens.listCommands ?? []).some((command) => ctx.hasCommand(command))), myOrders);

  composer.callbackQuery(/^orders:my:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await listScreen(deps, ctx, ctx.from.id, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:o:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(deps, ctx, Number(ctx.match[1]));
    // Someone else's order id (tampered data) or a deleted one: the fallback refreshes the menu.
    if (!order || page === undefined) return next();
    const screen = await detailScreen(deps, ctx, order, page);
    if (!screen) return next();
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:cx:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(deps, ctx, Number(ctx.match[1]));
    if (!order || page === undefined) return next();
    await ctx.answerCallbackQuery();
    if (!orders.nextStatuses(order, 'customer').includes('cancelled')) {
      const screen = await detailScreen(deps, ctx, order, page);
      if (screen) await editOrReply(ctx, `${ctx.t('orders-cancel-too-late')}\n\n${screen.text}`, { reply_markup: screen.keyboard });
      return;
    }
    const keyboard = new InlineKeyboard()
      .text(ctx.t('orders-cancel-yes'), `orders:cxy:${order.id}:${page}`)
      .text(ctx.t('orders-cancel-no'), customerOrderData(order.id, page));
    await editOrReply(ctx, ctx.t(order.payment_id === null ? 'orders-cancel-confirm' : 'orders-cancel-confirm-paid', { number: order.number }), { reply_markup: keyboard });
  });

  composer.callbackQuery(/^orders:cxy:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(deps, ctx, Number(ctx.match[1]));
    if (!order || page === undefined) return next();
    let notice: string;
    try {
      await orders.changeStatus(order.id, 'cancelled', { role: 'customer', id: ctx.from.id });
      notice = ctx.t('orders-cancelled-by-you', { number: order.number });
    } catch (error) {
      if (!(error instanceof OrdersError)) throw error;
      notice = ctx.t('orders-cancel-too-late');
    }
    await ctx.answerCallbackQuery({ text: notice });
    const fresh = (await orders.get(order.id)) ?? order;
    const screen = await detailScreen(deps, ctx, fresh, page);
    if (screen) await editOrReply(ctx, `${notice}\n\n${screen.text}`, { reply_markup: screen.keyboard });
  });
}
