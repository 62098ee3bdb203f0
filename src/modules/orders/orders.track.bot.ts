/**
 * `/track_order <number>` in the bot: a customer sees their own order's card, staff any order's
 * staff card; an order of another module's kind is shown by that module.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { staffReader } from '../../telegram/refusals.ts';
import { detailScreen, toKeyboard, type OrdersComposerDeps } from './orders.bot.shared.ts';

/** Registers `/track_order`. */
export function registerTrackOrder(composer: Composer<BotContext>, deps: OrdersComposerDeps): void {
  const { orders, messages } = deps;

  composer.command('track_order', async (ctx) => {
    const raw = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!raw) {
      await ctx.reply(ctx.t('orders-track-usage'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-my-orders'), 'orders:my:1') });
      return;
    }
    const order = await orders.getByNumber(raw);
    const screens = order ? deps.screens.get(order.kind) : undefined;
    if (order && screens && (ctx.isAdmin || order.user_id === ctx.from?.id)) {
      await screens.track(ctx, order);
      return;
    }
    // Staff may look up any order and act on it; customers only see their own.
    if (order && ctx.isAdmin && order.user_id !== ctx.from?.id) {
      await ctx.reply(messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))) });
      return;
    }
    if (!order || order.user_id !== ctx.from?.id) {
      await ctx.reply(ctx.t('orders-track-not-found', { number: raw.slice(0, 20) }));
      return;
    }
    const screen = await detailScreen(deps, ctx, order, 1);
    if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
}
