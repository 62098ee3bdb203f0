// The bare grammY baseline: the shop's screens (see shop-logic.ts) with plain grammY
// handlers and in-memory state. No plugins, sessions, i18n, database, metrics or logs.

import { Bot, InputFile, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { TEXT, createShopLogic, type BaseProduct, type Screen, type ShopLogic } from './shop-logic.ts';

/** What the baseline needs to run. */
export interface BaselineDeps {
  token: string;
  apiRoot: string;
  botInfo: UserFromGetMe;
  logic?: ShopLogic;
}

/** Creates the grammY baseline shop bot; `errors` counts handler errors. */
export function createGrammyShopBot(deps: BaselineDeps): { bot: Bot; errors(): number } {
  const logic = deps.logic ?? createShopLogic();
  const bot = new Bot(deps.token, { client: { apiRoot: deps.apiRoot }, botInfo: deps.botInfo });
  let errors = 0;

  const markup = (screen: Screen) => ({ reply_markup: { inline_keyboard: screen.buttons } });
  const isPhoto = (ctx: Context) => Boolean(ctx.callbackQuery?.message && 'photo' in ctx.callbackQuery.message && ctx.callbackQuery.message.photo);

  /** Edits the pressed text message; a photo message is replaced by a new text message. */
  const showText = async (ctx: Context, screen: Screen) => {
    if (ctx.callbackQuery?.message && !isPhoto(ctx)) {
      await ctx.editMessageText(screen.text, markup(screen));
      return;
    }
    await ctx.reply(screen.text, markup(screen));
    if (ctx.callbackQuery?.message) await ctx.deleteMessage();
  };

  /** Sends the product card as a photo: by file_id once Telegram has the picture. */
  const showCard = async (ctx: Context, screen: Screen, product: BaseProduct) => {
    if (isPhoto(ctx)) {
      const edited = await ctx.editMessageMedia({ type: 'photo', media: product.fileId ?? new InputFile(product.image, `product-${product.id}.png`), caption: screen.text }, markup(screen));
      if (typeof edited === 'object') product.fileId ??= edited.photo?.at(-1)?.file_id;
      return;
    }
    const sent = await ctx.replyWithPhoto(product.fileId ?? new InputFile(product.image, `product-${product.id}.png`), { caption: screen.text, ...markup(screen) });
    product.fileId ??= sent.photo.at(-1)?.file_id;
    if (ctx.callbackQuery?.message) await ctx.deleteMessage();
  };

  const privateChats = bot.chatType('private');

  privateChats.command('start', async (ctx) => {
    await ctx.reply(TEXT.welcome(ctx.from.first_name));
    const menu = logic.mainMenu();
    await ctx.reply(menu.text, markup(menu));
  });

  privateChats.command('cancel', async (ctx) => {
    const state = logic.customer(ctx.from.id);
    const had = state.checkout !== undefined;
    delete state.checkout;
    await ctx.reply(had ? TEXT.cancelled : TEXT.nothingToCancel, { reply_markup: { remove_keyboard: true } });
    if (had) {
      const menu = logic.mainMenu();
      await ctx.reply(menu.text, markup(menu));
    }
  });

  bot.callbackQuery('core:menu', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showText(ctx, logic.mainMenu());
  });

  bot.callbackQuery(['catalog:home', /^catalog:c:(\d{1,12}):(\d{1,4})$/], async (ctx, next) => {
    const match = /^catalog:c:(\d+):(\d+)$/.exec(ctx.callbackQuery.data);
    const screen = logic.categoryScreen(match ? Number(match[1]) : 0, match ? Number(match[2]) : 1);
    if (!screen) return next();
    await ctx.answerCallbackQuery();
    await showText(ctx, screen);
  });

  bot.callbackQuery(/^catalog:p:(\d{1,12}):(\d{1,12}):(\d{1,12}:\d{1,4})$/, async (ctx, next) => {
    const card = logic.productCard(Number(ctx.match[1]), Number(ctx.match[2]), ctx.match[3] as string);
    if (!card) return next();
    await ctx.answerCallbackQuery();
    await showCard(ctx, card.screen, card.product);
  });

  bot.callbackQuery(/^cart:add:(\d{1,12}):(\d{1,12})$/, async (ctx, next) => {
    const toast = logic.addToCart(ctx.from.id, Number(ctx.match[1]), Number(ctx.match[2]));
    if (!toast) return next();
    await ctx.answerCallbackQuery({ text: toast });
  });

  bot.callbackQuery(/^cart:view(?::\d{1,4})?$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.callbackQuery(/^cart:(inc|dec|rm):(\d{1,12}):\d{1,4}$/, async (ctx, next) => {
    const line = logic.customer(ctx.from.id).cart.find((candidate) => candidate.itemId === Number(ctx.match[2]));
    const delta = ctx.match[1] === 'inc' ? 1 : ctx.match[1] === 'dec' ? -1 : -(line?.quantity ?? 0);
    if (!logic.changeQuantity(ctx.from.id, Number(ctx.match[2]), delta)) return next();
    await ctx.answerCallbackQuery();
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.callbackQuery('cart:clear', async (ctx) => {
    logic.clearCart(ctx.from.id);
    await ctx.answerCallbackQuery({ text: TEXT.cartCleared });
    await showText(ctx, logic.cartScreen(ctx.from.id));
  });

  bot.callbackQuery('cart:checkout', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(TEXT.checkoutStart);
    logic.customer(ctx.from.id).checkout = { step: 'delivery' };
    await ctx.reply(TEXT.askDelivery, { reply_markup: { keyboard: [[{ text: TEXT.pickup }, { text: TEXT.courier }]], resize_keyboard: true } });
  });

  bot.callbackQuery(/^orders:my:\d{1,4}$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showText(ctx, logic.ordersScreen());
  });

  privateChats.on('message:text', async (ctx, next) => {
    const checkout = logic.customer(ctx.from.id).checkout;
    if (!checkout || ctx.message.text.startsWith('/')) return next();
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
    await ctx.answerCallbackQuery({ text: TEXT.outdated });
    await showText(ctx, logic.mainMenu());
  });
  privateChats.on('message', async (ctx) => {
    await ctx.reply(TEXT.unknown);
  });

  bot.catch(() => {
    errors += 1;
  });
  return { bot, errors: () => errors };
}
