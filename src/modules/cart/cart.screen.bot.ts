/**
 * The cart screen in the bot: `/cart`, its pages, "add to cart" from the catalog, +/−, remove
 * and clear.
 */
import type { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { parsePage } from '../../telegram/paginator.ts';
import type { CartBotShared } from './cart.bot.shared.ts';
import { CartError, type CartView } from './cart.service.ts';

/** Registers the cart screen's command and buttons. */
export function registerCartScreen(composer: Composer<BotContext>, shared: CartBotShared): void {
  const { cart, settings, cartScreen, showCart } = shared;

  composer.command('cart', async (ctx) => {
    const screen = await cartScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^cart:view(?::(\d{1,4}))?$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    await showCart(ctx, page);
  });

  const cartErrorText = (ctx: BotContext, error: CartError) => {
    switch (error.code) {
      case 'cart.not_enough_stock':
        return ctx.t('cart-not-enough-stock', { available: Number(error.details.available ?? 0) });
      case 'cart.quantity_out_of_range':
        return ctx.t('cart-quantity-limit', { max: Number(error.details.max ?? settings.maxQuantityPerLine) });
      case 'cart.too_many_lines':
        return ctx.t('cart-too-many-lines', { max: settings.maxLines });
      default:
        return ctx.t('cart-item-unavailable');
    }
  };

  composer.callbackQuery(/^cart:add:(\d{1,12}):(\d{1,12})$/, async (ctx, next) => {
    const productId = Number(ctx.match[1]);
    const variantId = Number(ctx.match[2]);
    try {
      const added = await cart.add(ctx.from.id, { productId, variantId: variantId === 0 ? null : variantId }, 1, ctx.locale);
      await ctx.answerCallbackQuery({ text: ctx.t('cart-added', { title: added.title, quantity: added.quantity }) });
    } catch (error) {
      if (!(error instanceof CartError)) throw error;
      // A product or variant that no longer exists (or never did): refresh the menu.
      if (error.code === 'cart.item_unavailable') return next();
      await ctx.answerCallbackQuery({ text: cartErrorText(ctx, error), show_alert: true });
    }
  });

  composer.callbackQuery(/^cart:(inc|dec):(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[3]);
    if (page === undefined) return next();
    // The cart read for the change draws the screen too; a refused change re-reads it.
    let view: CartView | undefined;
    try {
      const changed = await cart.changeQuantityAndView(ctx.from.id, Number(ctx.match[2]), ctx.match[1] === 'inc' ? 1 : -1, ctx.locale);
      if (!changed) return next();
      view = changed.view;
      await ctx.answerCallbackQuery();
    } catch (error) {
      if (!(error instanceof CartError)) throw error;
      await ctx.answerCallbackQuery({ text: cartErrorText(ctx, error) });
    }
    await showCart(ctx, page, view);
  });

  composer.callbackQuery(/^cart:rm:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    if (page === undefined || !(await cart.remove(ctx.from.id, Number(ctx.match[1])))) return next();
    await ctx.answerCallbackQuery({ text: ctx.t('cart-removed') });
    await showCart(ctx, page);
  });

  composer.callbackQuery('cart:clear', async (ctx) => {
    await cart.clear(ctx.from.id);
    await ctx.answerCallbackQuery({ text: ctx.t('cart-cleared') });
    await showCart(ctx, 1);
  });
}
