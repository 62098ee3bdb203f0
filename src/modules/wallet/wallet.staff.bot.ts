/**
 * The staff's adjustments of wallets in the bot: `/adjust`, `/wallet_users` with a card per
 * user, its +/− buttons, and a custom amount typed in a flow.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import { explainRefusal } from '../../telegram/refusals.ts';
import { isUsersError } from '../users/users.errors.ts';
import { ADJUST_FLOW, entryLine, signed, type WalletComposerDeps } from './wallet.bot.shared.ts';
import { isWalletError } from './wallet.errors.ts';
import type { LedgerEntry } from './wallet.tables.ts';

async function adjust(deps: WalletComposerDeps, ctx: BotContext, userId: number, amount: number, reason: string): Promise<LedgerEntry> {
  const result = await deps.wallet.adjust({ userId, amount, reason, actor: { type: 'admin', id: ctx.from?.id } });
  return result.entry;
}

async function usersScreen(deps: WalletComposerDeps, ctx: BotContext, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const { window, accounts } = await deps.wallet.accounts(page, deps.settings.staffPageSize);
  const keyboard = new InlineKeyboard();
  for (const account of accounts) {
    const user = await deps.users.get(account.user_id);
    const name = user ? `${user.first_name}${user.username ? ` @${user.username}` : ''}` : String(account.user_id);
    keyboard.text(ctx.t('wallet-staff-user-button', { name: name.slice(0, 40), balance: account.balance }), `wallet:u:${account.user_id}:${window.page}`).row();
  }
  addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `wallet:users:${target}` });
  return { text: window.total === 0 ? ctx.t('wallet-staff-users-empty') : ctx.t('wallet-staff-users-title', { count: window.total }), keyboard };
}

async function userCard(deps: WalletComposerDeps, ctx: BotContext, userId: number, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const { wallet, settings } = deps;
  const [user, balance, recent] = [await deps.users.get(userId), await wallet.balance(userId), await wallet.listEntries({ userId }, 5)];
  const keyboard = new InlineKeyboard();
  for (const step of settings.quickAdjustments) keyboard.text(`+${step}`, `wallet:adj:${userId}:${step}`);
  keyboard.row();
  for (const step of settings.quickAdjustments) keyboard.text(`−${step}`, `wallet:adj:${userId}:-${step}`);
  keyboard.row().text(ctx.t('wallet-staff-custom'), `wallet:cu:${userId}`).row().text(ctx.t('wallet-staff-back'), `wallet:users:${page}`);
  const lines = [
    ctx.t('wallet-staff-user-card', { name: user ? user.first_name : String(userId), id: String(userId), balance }),
    ...(recent.length > 0 ? ['', ...recent.map((entry) => entryLine(deps, ctx, entry))] : []),
  ];
  return { text: lines.join('\n'), keyboard };
}

/** Registers the staff's adjustment commands and buttons. */
export function registerStaffWallet(composer: Composer<BotContext>, deps: WalletComposerDeps): void {
  const { settings, i18n } = deps;

  composer.command('adjust', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const match = /^\s*(\d{1,16})\s+([+-]?\d{1,9})\s+(\S.{1,300})$/s.exec(typeof ctx.match === 'string' ? ctx.match : '');
    if (!match || Number(match[2]) === 0) {
      await ctx.reply(ctx.t('wallet-adjust-usage'));
      return;
    }
    const [userId, amount, reason] = [Number(match[1]), Number(match[2]), (match[3] as string).trim()];
    try {
      const entry = await adjust(deps, ctx, userId, amount, reason);
      await ctx.reply(ctx.t('wallet-adjusted', { user: String(userId), amount: signed(amount), balance: entry.balance_after }));
    } catch (error) {
      if (!isWalletError(error) && !isUsersError(error)) throw error;
      await ctx.reply(explainRefusal(i18n, ctx, error, 'payments-error-unexpected'));
    }
  });

  composer.command('wallet_users', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const screen = await usersScreen(deps, ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:users:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (!ctx.isAdmin || page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await usersScreen(deps, ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:u:(\d{1,16}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    if (!ctx.isAdmin || page === undefined) return next();
    await ctx.answerCallbackQuery();
    const card = await userCard(deps, ctx, Number(ctx.match[1]), page);
    await editOrReply(ctx, card.text, { reply_markup: card.keyboard });
  });
  composer.callbackQuery(/^wallet:adj:(\d{1,16}):(-?\d{1,9})$/, async (ctx, next) => {
    const amount = Number(ctx.match[2]);
    // Only the configured steps are buttons; anything else is forged callback data.
    if (!ctx.isAdmin || !settings.quickAdjustments.includes(Math.abs(amount))) return next();
    const userId = Number(ctx.match[1]);
    try {
      const entry = await adjust(deps, ctx, userId, amount, ctx.t('wallet-staff-quick-reason'));
      await ctx.answerCallbackQuery({ text: ctx.t('wallet-adjusted', { user: String(userId), amount: signed(amount), balance: entry.balance_after }) });
    } catch (error) {
      if (!isWalletError(error) && !isUsersError(error)) throw error;
      await ctx.answerCallbackQuery({ text: explainRefusal(i18n, ctx, error, 'payments-error-unexpected'), show_alert: true });
      return;
    }
    const card = await userCard(deps, ctx, userId, 1);
    await editOrReply(ctx, card.text, { reply_markup: card.keyboard });
  });
  composer.callbackQuery(/^wallet:cu:(\d{1,16})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    await ctx.answerCallbackQuery();
    await startFlow(ctx, ADJUST_FLOW, 'amount', { userId: Number(ctx.match[1]) });
    await ctx.reply(ctx.t('wallet-staff-custom-ask', { user: ctx.match[1] as string }));
  });
}

/** The custom adjustment: the staff member types an amount and a reason. */
export function adjustFlowDefinition(deps: WalletComposerDeps): FlowDefinition {
  const { i18n } = deps;
  return defineFlow<{ userId: number }>({
    ...ADJUST_FLOW,
    steps: {
      amount: {
        async onMessage(ctx, flow) {
          if (!ctx.isAdmin) {
            flow.leave();
            return;
          }
          const match = /^\s*([+-]?\d{1,9})\s+(\S.{1,300})$/s.exec(ctx.message?.text ?? '');
          if (!match || Number(match[1]) === 0) {
            await ctx.reply(ctx.t('wallet-staff-custom-ask', { user: String(flow.data.userId) }));
            return;
          }
          flow.leave();
          try {
            const entry = await adjust(deps, ctx, flow.data.userId, Number(match[1]), (match[2] as string).trim());
            await ctx.reply(ctx.t('wallet-adjusted', { user: String(flow.data.userId), amount: signed(Number(match[1])), balance: entry.balance_after }));
          } catch (error) {
            if (!isWalletError(error) && !isUsersError(error)) throw error;
            await ctx.reply(explainRefusal(i18n, ctx, error, 'payments-error-unexpected'));
          }
        },
      },
    },
  });
}
