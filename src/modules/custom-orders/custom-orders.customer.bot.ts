/**
 * The customer's side of a job after it was placed: its card (accept a new price, pay,
 * cancel) and the choice of which status changes to be told about. The list of jobs,
 * `/track_order` and `/stats` are the orders module's screens.
 */
import type { Composer} from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { parsePage } from '../../telegram/paginator.ts';
import { answerStale, askToPay, detailScreen, type CustomOrdersBotDeps, type Screen } from './custom-orders.bot.shared.ts';
import { CustomOrdersError } from './custom-orders.service.ts';
import { SUBSCRIBABLE_STATUSES } from './custom-orders.status.ts';

/** The notification choices: one toggle per status, and news when broadcasts are on. */
export async function subscribeScreen(deps: CustomOrdersBotDeps, ctx: BotContext, userId: number): Promise<Screen> {
  const chosen = await deps.service.subscriptionsOf(userId);
  const keyboard = new InlineKeyboard();
  for (const status of SUBSCRIBABLE_STATUSES) {
    keyboard.text(`${chosen.includes(status) ? '✅' : '⬜'} ${deps.messages.statusLabel(status, ctx.locale)}`, `co:sub:${status}`).row();
  }
  if (deps.resubscribeToNews) keyboard.text(ctx.t('co-subscribe-news'), 'co:news').row();
  keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: ctx.t('co-subscribe-title'), keyboard };
}

/** Accepting the studio's price: stale prices are refused, an accepted one asks to pay. */
async function acceptPrice(deps: CustomOrdersBotDeps, ctx: BotContext, orderId: number, quoteVersion: number): Promise<void> {
  if (!ctx.from) return;
  try {
    await deps.service.acceptQuote(orderId, ctx.from.id, quoteVersion);
  } catch (error) {
    if (!(error instanceof CustomOrdersError)) throw error;
    if (error.code === 'custom_orders.not_found') return answerStale(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t(error.code === 'custom_orders.quote_outdated' ? 'co-quote-outdated' : 'co-action-not-possible'), show_alert: true });
    const screen = await detailScreen(deps, ctx, orderId, 1);
    if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    return;
  }
  await ctx.answerCallbackQuery({ text: ctx.t('co-price-accepted') });
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  const accepted = await deps.service.get(orderId);
  if (accepted) await askToPay(deps, ctx, accepted, ctx.t('co-price-accepted-heading', { number: accepted.number }));
}

/** Registers the job's card and the notification choices. */
export function registerCustomerCard(composer: Composer<BotContext>, deps: CustomOrdersBotDeps): void {
  const { service, messages } = deps;

  composer.callbackQuery(/^co:o:(\d{1,12})(?::(\d{1,4}))?$/, async (ctx) => {
    const screen = await detailScreen(deps, ctx, Number(ctx.match[1]), parsePage(ctx.match[2]) ?? 1);
    if (!screen) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^co:acc:(\d{1,12}):(\d{1,6})$/, (ctx) => acceptPrice(deps, ctx, Number(ctx.match[1]), Number(ctx.match[2])));

  composer.callbackQuery(/^co:cx:(\d{1,12})$/, async (ctx) => {
    const orderId = Number(ctx.match[1]);
    try {
      await service.changeStatus(orderId, 'cancelled', { role: 'customer', id: ctx.from.id });
    } catch (error) {
      if (!(error instanceof CustomOrdersError)) throw error;
      if (error.code === 'custom_orders.not_found') return answerStale(ctx);
      await ctx.answerCallbackQuery({ text: ctx.t('co-action-not-possible'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('co-cancelled-by-you') });
    const screen = await detailScreen(deps, ctx, orderId, 1);
    if (screen) await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  // ---------- notification choices ----------

  composer.callbackQuery('co:news', async (ctx) => {
    if (!deps.resubscribeToNews) return answerStale(ctx);
    await deps.resubscribeToNews(ctx.from.id);
    await ctx.answerCallbackQuery({ text: ctx.t('co-subscribe-news-done'), show_alert: true });
  });

  composer.callbackQuery('custom-orders:subscribe', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await subscribeScreen(deps, ctx, ctx.from.id);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^co:sub:([a-z_]{1,16})$/, async (ctx) => {
    const status = ctx.match[1] as string;
    if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(status)) return answerStale(ctx);
    const chosen = await service.toggleSubscription(ctx.from.id, status);
    await ctx.answerCallbackQuery({
      text: ctx.t(chosen.includes(status as never) ? 'co-subscribe-on' : 'co-subscribe-off', { status: messages.statusLabel(status, ctx.locale) }),
    });
    const screen = await subscribeScreen(deps, ctx, ctx.from.id);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });
}
