/**
 * The customer's side of the wallet in the bot: `/balance`, `/buy` (packs, then the payment
 * methods in the same message), `/pricing` and `/history`.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import { entryLine, packLabel, type WalletComposerDeps } from './wallet.bot.shared.ts';
import { TOPUP_PURPOSE } from './wallet.purpose.ts';

async function balanceScreen(deps: WalletComposerDeps, ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const balance = await deps.wallet.balance(ctx.from?.id as number);
  const keyboard = new InlineKeyboard()
    .text(ctx.t('wallet-buy-button'), 'wallet:buy')
    .text(ctx.t('wallet-history-button'), 'wallet:h:1')
    .row()
    .text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: ctx.t('wallet-balance', { balance }), keyboard };
}

function buyScreen(deps: WalletComposerDeps, ctx: BotContext): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  for (const pack of deps.settings.packs) keyboard.text(packLabel(deps, ctx, pack), paymentMethodsData(TOPUP_PURPOSE, pack.id)).row();
  keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: ctx.t('wallet-buy-title'), keyboard };
}

function pricingText(deps: WalletComposerDeps, ctx: BotContext): string {
  const { settings } = deps;
  const lines = [ctx.t('wallet-pricing-title'), '', ...settings.packs.map((pack) => `• ${packLabel(deps, ctx, pack)}`)];
  if (settings.buyPriceMinor !== undefined) lines.push('', ctx.t('wallet-pricing-buy', { price: formatMoney(settings.buyPriceMinor, settings.currency, ctx.locale) }));
  if (settings.sellPriceMinor !== undefined) lines.push(ctx.t('wallet-pricing-sell', { price: formatMoney(settings.sellPriceMinor, settings.currency, ctx.locale) }));
  return lines.join('\n');
}

async function historyScreen(deps: WalletComposerDeps, ctx: BotContext, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const { window, entries } = await deps.wallet.history(ctx.from?.id as number, page, deps.settings.historyPageSize);
  const keyboard = new InlineKeyboard();
  addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `wallet:h:${target}`, back: { label: ctx.t('menu-back-to-main'), data: MAIN_MENU_ACTION } });
  const text = entries.length === 0 ? ctx.t('wallet-history-empty') : [ctx.t('wallet-history-title'), '', ...entries.map((entry) => entryLine(deps, ctx, entry))].join('\n');
  return { text, keyboard };
}

/** Registers the customer's commands and buttons. */
export function registerCustomerWallet(composer: Composer<BotContext>, deps: WalletComposerDeps): void {
  composer.command('balance', async (ctx) => {
    const screen = await balanceScreen(deps, ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery('wallet:balance', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await balanceScreen(deps, ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.command('buy', async (ctx) => {
    const screen = buyScreen(deps, ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery('wallet:buy', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = buyScreen(deps, ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.command('pricing', async (ctx) => {
    await ctx.reply(pricingText(deps, ctx), { reply_markup: new InlineKeyboard().text(ctx.t('wallet-buy-button'), 'wallet:buy') });
  });
  composer.callbackQuery('wallet:pricing', async (ctx) => {
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, pricingText(deps, ctx), { reply_markup: new InlineKeyboard().text(ctx.t('wallet-buy-button'), 'wallet:buy').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
  });

  composer.command('history', async (ctx) => {
    const screen = await historyScreen(deps, ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:(?:history|h:(\d{1,4}))$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await historyScreen(deps, ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });
}
