// The bare Telegraf baseline: the same screens and in-memory state as the grammY baseline
// (shop-logic.ts), written the way Telegraf bots are written.

import { Input, Telegraf, type Context } from 'telegraf';
import { message } from 'telegraf/filters';
import type { BaselineDeps } from './grammy-bot.ts';
import { TEXT, createShopLogic, type BaseProduct, type Screen } from './shop-logic.ts';

/** Creates the Telegraf baseline shop bot; `errors` counts handler errors. */
export function createTelegrafShopBot(deps: BaselineDeps): { bot: Telegraf; errors(): number } {
  const logic = deps.logic ?? createShopLogic();
  const bot = new Telegraf(deps.token, { telegram: { apiRoot: deps.apiRoot } });
  // Known identity, as the grammY bots get it: no getMe before the first update.
  bot.botInfo = deps.botInfo;
  let errors = 0;

  const markup = (screen: Screen) => ({ reply_markup: { inline_keyboard: screen.buttons } });
  const pressedMessage = (ctx: Context) => (ctx.callbackQuery && 'message' in ctx.callbackQuery ? ctx.callbackQuery.message : undefined);
  const isPhoto = (ctx: Context) => {
    const pressed = pressedMessage(ctx);
    return Boolean(pressed && 'photo' in pressed && pressed.photo);
  };
  const isPrivate = (ctx: Context) => ctx.chat?.type === 'private';

  /** Edits the pressed text message; a photo message is replaced by a new text message. */
  const showText = async (ctx: Context, screen: Screen) => {
    if (pressedMessage(ctx) && !isPhoto(ctx)) {
      await ctx.editMessageText(screen.text, markup(screen));
      return;
    }
    await ctx.reply(screen.text, markup(screen));
    if (pressedMessage(ctx)) await ctx.deleteMessage();
  };

  /** Sends the product card as a photo: by file_id once Telegram has the picture. */
  const showCard = async (ctx: Context, screen: Screen, product: BaseProduct) => {
    const media = product.fileId ?? Input.fromBuffer(product.image, `product-${product.id}.png`);
    if (isPhoto(ctx)) {
      const edited = await ctx.editMessageMedia({ type: 'photo', media, caption: screen.text }, markup(screen));
      if (typeof edited === 'object' && 'photo' in edited) product.fileId ??= edited.photo.at(-1)?.file_id;
      return;
    }
    const sent = await ctx.replyWithPhoto(media, { caption: screen.text, ...markup(screen) });
    product.fileId ??= sent.photo.at(-1)?.file_id;
    if (pressedMessage(ctx)) await ctx.deleteMessage();
  };

  bot.start(async (ctx, next) => {
    if (!isPrivate(ctx)) return next();
    await ctx.reply(TEXT.welcome(ctx.from.first_name));
    const menu = logic.mainMenu();
    await ctx.reply(menu.text, markup(menu));
  });

  bot.command('cancel', async (ctx, next) => {
    if (!isPrivate(ctx)) return next();
    const state = logic.customer(ctx.from.id);
    const had = state.checkout !== undefined;
    delete state.checkout;
    await ctx.reply(had ? TEXT.cancelled : TEXT.nothingToCancel, { reply_markup: { remove_keyboard: true } });
    if (had) {
      const menu = logic.mainMenu();
      await ctx.reply(menu.text, markup(menu));
    }
  });

  bot.action('core:menu', async (ctx) => {
    await ctx.answerCbQuery();
    await showText(ctx, logic.mainMenu());
  });

  bot.action(['catalog:home', /^catalog:c:(\d{1,12}):(\d{1,4})$/], async (ctx, next) => {
    const match = /^catalog:c:(\d+):(\d+)$/.exec(ctx.match[0]);
    const screen = logic.categoryScreen(match ? Number(match[1]) : 0, match ? Number(match[2]) : 1);
    if (!screen) return next();
    await ctx.answerCbQuery();
    await showText(ctx, screen);
  });

  bot.action(/^catalog:p:(\d{1,12}):(\d{1,12}):(\d{1,12}:\d{1,4})$/, async (ctx, next) => {
    const card = logic.productCard(Number(ctx.match[1]), Number(ctx.match[2]), ctx.match[3] as string);
    if (!card) return next();
    await ctx.answerCbQuery();
    await showCard(ctx, card.screen, card.product);
  });

  bot.action(/^cart:add:(\d{1,12}):(\d{1,12})$/, async (ctx, next) => {
    const toast = logic.addToCart(ctx.from.id, Number(ctx.match[1]), Number(ctx.match[2]));
    if (!toast) return next();
    await ctx.answerCbQuery(toast);
  });

  bot.action(/^cart:view(?::\d{1,4})?$/, async (ctx) => {
    await ctx.answerCbQuery();
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.action(/^cart:(inc|dec|rm):(\d{1,12}):\d{1,4}$/, async (ctx, next) => {
    const line = logic.customer(ctx.from.id).cart.find((candidate) => candidate.itemId === Number(ctx.match[2]));
    const delta = ctx.match[1] === 'inc' ? 1 : ctx.match[1] === 'dec' ? -1 : -(line?.quantity ?? 0);
    if (!logic.changeQuantity(ctx.from.id, Number(ctx.match[2]), delta)) return next();
    await ctx.answerCbQuery();
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.action('cart:clear', async (ctx) => {
    logic.clearCart(ctx.from.id);
    await ctx.answerCbQuery(TEXT.cartCleared);
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.action('cart:checkout', async (ctx) => {
    await ctx.answerCbQuery();
    await ctx.reply(TEXT.checkoutStart);
    logic.customer(ctx.from.id).checkout = { step: 'delivery' };
    await ctx.reply(TEXT.askDelivery, { reply_markup: { keyboard: [[{ text: TEXT.pickup }, { text: TEXT.courier }]], resize_keyboard: true } });
  });

  bot.action(/^orders:my:\d{1,4}$/, async (ctx) => {
    await ctx.answerCbQuery();
    await showText(ctx, logic.ordersScreen());
  });

  bot.on(message('text'), async (ctx, next) => {
    const checkout = logic.customer(ctx.from.id).checkout;
    if (!isPrivate(ctx) || !checkout || ctx.message.text.startsWith('/')) return next();
    const text = ctx.message.text.trim();
    if (checkout.step === 'delivery') {
      if (text !== TEXT.courier) {
        await ctx.reply(TEXT.askDelivery, { reply_markup: { keyboard: [[{ text: TEXT.pickup }, { text: TEXT.courier }]], resize_keyboard: true } });
        return;
      }
      checkout.method = 'courier';
      checkout.step = 'address';
      await ctx.reply(TEXT.askAddress, { reply_markup: { remove_keyboard: true } });
      return;
    }
    if (checkout.step === 'address') {
      if (text.length < 5 || text.length > 300) {
        await ctx.reply(TEXT.addressInvalid);
        return;
      }
      checkout.address = text;
      checkout.step = 'phone';
      await ctx.reply(TEXT.askPhone, { reply_markup: { keyboard: [[{ text: TEXT.shareContact, request_contact: true }]], resize_keyboard: true } });
      return;
    }
    await next();
  });

  // Registered last, as in Lavka: stale buttons get a fresh menu, stray text a hint.
  bot.on('callback_query', async (ctx) => {
    await ctx.answerCbQuery(TEXT.outdated);
    await showText(ctx, logic.mainMenu());
  });
  bot.on('message', async (ctx) => {
    if (isPrivate(ctx)) await ctx.reply(TEXT.unknown);
  });

  bot.catch(() => {
    errors += 1;
  });
  return { bot, errors: () => errors };
}
