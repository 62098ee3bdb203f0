import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import { explainRefusal } from '../../telegram/refusals.ts';
import { isUsersError } from '../users/users.errors.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { endOfLocalDate, formatShortDateTime, parseLocalDate, startOfLocalDay } from './wallet.dates.ts';
import { isWalletError } from './wallet.errors.ts';
import { TOPUP_PURPOSE } from './wallet.purpose.ts';
import type { WalletService } from './wallet.service.ts';
import type { ResolvedWalletSettings } from './wallet.settings.ts';
import type { LedgerEntry } from './wallet.tables.ts';

/** The staff flow that asks for a custom adjustment. */
export const ADJUST_FLOW = { name: 'wallet-adjust', version: 1 } as const;

/** Dependencies of the wallet composer. */
export interface WalletComposerDeps {
  wallet: WalletService;
  payments: PaymentsService;
  users: UsersService;
  settings: ResolvedWalletSettings;
  config: BusinessConfig;
  i18n: Translator;
  now(): number;
}

/** `+100` / `-20`, for ledger lines. */
function signed(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}

/**
 * The wallet in the bot: `/balance`, `/buy` (packs, then the payment methods in the same
 * message), `/pricing`, `/history`; for staff `/adjust`, `/wallet_users` with +/− buttons and a
 * custom amount, `/transactions` (CSV) and `/health`.
 */
export function createWalletComposer(deps: WalletComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { wallet, settings, i18n } = deps;
  // Read at every use: the owner may change the time zone while the bot runs.
  const timeZone = () => deps.config.business.timeZone;
  const composer = new Composer<BotContext>();

  const entryLine = (ctx: BotContext, entry: LedgerEntry) =>
    ctx.t('wallet-history-line', {
      date: formatShortDateTime(entry.created_at, timeZone(), ctx.locale),
      amount: signed(entry.amount),
      kind: ctx.t(`wallet-kind-${entry.kind}`),
      reason: entry.reason,
      balance: entry.balance_after,
    });

  const packLabel = (ctx: BotContext, pack: ResolvedWalletSettings['packs'][number]) => {
    const prices = [pack.stars ? formatMoney(pack.stars, 'XTR', ctx.locale) : undefined, pack.priceMinor ? formatMoney(pack.priceMinor, settings.currency, ctx.locale) : undefined]
      .filter(Boolean)
      .join(' / ');
    return ctx.t('wallet-pack-button', { tokens: pack.tokens, prices });
  };

  // Customers

  const balanceScreen = async (ctx: BotContext) => {
    const balance = await wallet.balance(ctx.from?.id as number);
    const keyboard = new InlineKeyboard()
      .text(ctx.t('wallet-buy-button'), 'wallet:buy')
      .text(ctx.t('wallet-history-button'), 'wallet:h:1')
      .row()
      .text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: ctx.t('wallet-balance', { balance }), keyboard };
  };

  const buyScreen = (ctx: BotContext) => {
    const keyboard = new InlineKeyboard();
    for (const pack of settings.packs) keyboard.text(packLabel(ctx, pack), paymentMethodsData(TOPUP_PURPOSE, pack.id)).row();
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: ctx.t('wallet-buy-title'), keyboard };
  };

  const pricingText = (ctx: BotContext) => {
    const lines = [ctx.t('wallet-pricing-title'), '', ...settings.packs.map((pack) => `• ${packLabel(ctx, pack)}`)];
    if (settings.buyPriceMinor !== undefined) lines.push('', ctx.t('wallet-pricing-buy', { price: formatMoney(settings.buyPriceMinor, settings.currency, ctx.locale) }));
    if (settings.sellPriceMinor !== undefined) lines.push(ctx.t('wallet-pricing-sell', { price: formatMoney(settings.sellPriceMinor, settings.currency, ctx.locale) }));
    return lines.join('\n');
  };

  const historyScreen = async (ctx: BotContext, page: number) => {
    const { window, entries } = await wallet.history(ctx.from?.id as number, page, settings.historyPageSize);
    const keyboard = new InlineKeyboard();
    addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `wallet:h:${target}`, back: { label: ctx.t('menu-back-to-main'), data: MAIN_MENU_ACTION } });
    const text = entries.length === 0 ? ctx.t('wallet-history-empty') : [ctx.t('wallet-history-title'), '', ...entries.map((entry) => entryLine(ctx, entry))].join('\n');
    return { text, keyboard };
  };

  composer.command('balance', async (ctx) => {
    const screen = await balanceScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery('wallet:balance', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await balanceScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.command('buy', async (ctx) => {
    const screen = buyScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery('wallet:buy', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = buyScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.command('pricing', async (ctx) => {
    await ctx.reply(pricingText(ctx), { reply_markup: new InlineKeyboard().text(ctx.t('wallet-buy-button'), 'wallet:buy') });
  });
  composer.callbackQuery('wallet:pricing', async (ctx) => {
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, pricingText(ctx), { reply_markup: new InlineKeyboard().text(ctx.t('wallet-buy-button'), 'wallet:buy').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
  });

  composer.command('history', async (ctx) => {
    const screen = await historyScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:(?:history|h:(\d{1,4}))$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await historyScreen(ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  // Staff

  const adjust = async (ctx: BotContext, userId: number, amount: number, reason: string) => {
    const result = await wallet.adjust({ userId, amount, reason, actor: { type: 'admin', id: ctx.from?.id } });
    return result.entry;
  };

  composer.command('adjust', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const match = /^\s*(\d{1,16})\s+([+-]?\d{1,9})\s+(\S.{1,300})$/s.exec(typeof ctx.match === 'string' ? ctx.match : '');
    if (!match || Number(match[2]) === 0) {
      await ctx.reply(ctx.t('wallet-adjust-usage'));
      return;
    }
    const [userId, amount, reason] = [Number(match[1]), Number(match[2]), (match[3] as string).trim()];
    try {
      const entry = await adjust(ctx, userId, amount, reason);
      await ctx.reply(ctx.t('wallet-adjusted', { user: String(userId), amount: signed(amount), balance: entry.balance_after }));
    } catch (error) {
      if (!isWalletError(error) && !isUsersError(error)) throw error;
      await ctx.reply(explainRefusal(i18n, ctx, error, 'payments-error-unexpected'));
    }
  });

  const usersScreen = async (ctx: BotContext, page: number) => {
    const { window, accounts } = await wallet.accounts(page, settings.staffPageSize);
    const keyboard = new InlineKeyboard();
    for (const account of accounts) {
      const user = await deps.users.get(account.user_id);
      const name = user ? `${user.first_name}${user.username ? ` @${user.username}` : ''}` : String(account.user_id);
      keyboard.text(ctx.t('wallet-staff-user-button', { name: name.slice(0, 40), balance: account.balance }), `wallet:u:${account.user_id}:${window.page}`).row();
    }
    addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `wallet:users:${target}` });
    return { text: window.total === 0 ? ctx.t('wallet-staff-users-empty') : ctx.t('wallet-staff-users-title', { count: window.total }), keyboard };
  };

  const userCard = async (ctx: BotContext, userId: number, page: number) => {
    const [user, balance, recent] = [await deps.users.get(userId), await wallet.balance(userId), await wallet.listEntries({ userId }, 5)];
    const keyboard = new InlineKeyboard();
    for (const step of settings.quickAdjustments) keyboard.text(`+${step}`, `wallet:adj:${userId}:${step}`);
    keyboard.row();
    for (const step of settings.quickAdjustments) keyboard.text(`−${step}`, `wallet:adj:${userId}:-${step}`);
    keyboard.row().text(ctx.t('wallet-staff-custom'), `wallet:cu:${userId}`).row().text(ctx.t('wallet-staff-back'), `wallet:users:${page}`);
    const lines = [
      ctx.t('wallet-staff-user-card', { name: user ? user.first_name : String(userId), id: String(userId), balance }),
      ...(recent.length > 0 ? ['', ...recent.map((entry) => entryLine(ctx, entry))] : []),
    ];
    return { text: lines.join('\n'), keyboard };
  };

  composer.command('wallet_users', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const screen = await usersScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:users:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (!ctx.isAdmin || page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await usersScreen(ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^wallet:u:(\d{1,16}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    if (!ctx.isAdmin || page === undefined) return next();
    await ctx.answerCallbackQuery();
    const card = await userCard(ctx, Number(ctx.match[1]), page);
    await editOrReply(ctx, card.text, { reply_markup: card.keyboard });
  });
  composer.callbackQuery(/^wallet:adj:(\d{1,16}):(-?\d{1,9})$/, async (ctx, next) => {
    const amount = Number(ctx.match[2]);
    // Only the configured steps are buttons; anything else is forged callback data.
    if (!ctx.isAdmin || !settings.quickAdjustments.includes(Math.abs(amount))) return next();
    const userId = Number(ctx.match[1]);
    try {
      const entry = await adjust(ctx, userId, amount, ctx.t('wallet-staff-quick-reason'));
      await ctx.answerCallbackQuery({ text: ctx.t('wallet-adjusted', { user: String(userId), amount: signed(amount), balance: entry.balance_after }) });
    } catch (error) {
      if (!isWalletError(error) && !isUsersError(error)) throw error;
      await ctx.answerCallbackQuery({ text: explainRefusal(i18n, ctx, error, 'payments-error-unexpected'), show_alert: true });
      return;
    }
    const card = await userCard(ctx, userId, 1);
    await editOrReply(ctx, card.text, { reply_markup: card.keyboard });
  });
  composer.callbackQuery(/^wallet:cu:(\d{1,16})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    await ctx.answerCallbackQuery();
    await startFlow(ctx, ADJUST_FLOW, 'amount', { userId: Number(ctx.match[1]) });
    await ctx.reply(ctx.t('wallet-staff-custom-ask', { user: ctx.match[1] as string }));
  });

  const adjustFlow = defineFlow<{ userId: number }>({
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
            const entry = await adjust(ctx, flow.data.userId, Number(match[1]), (match[2] as string).trim());
            await ctx.reply(ctx.t('wallet-adjusted', { user: String(flow.data.userId), amount: signed(Number(match[1])), balance: entry.balance_after }));
          } catch (error) {
            if (!isWalletError(error) && !isUsersError(error)) throw error;
            await ctx.reply(explainRefusal(i18n, ctx, error, 'payments-error-unexpected'));
          }
        },
      },
    },
  });

  composer.command('transactions', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const args = (typeof ctx.match === 'string' ? ctx.match : '').trim().split(/\s+/).filter(Boolean);
    const dates = args.filter((arg) => /^\d{4}-\d{2}-\d{2}$/.test(arg));
    const ids = args.filter((arg) => /^\d{1,16}$/.test(arg));
    if (dates.length > 2 || ids.length > 1 || dates.length + ids.length !== args.length) {
      await ctx.reply(ctx.t('wallet-export-usage'));
      return;
    }
    const fromMs = dates[0] ? parseLocalDate(dates[0], timeZone()) : undefined;
    const toMs = dates[1] ? endOfLocalDate(dates[1], timeZone()) : undefined;
    if ((dates[0] && fromMs === undefined) || (dates[1] && toMs === undefined)) {
      await ctx.reply(ctx.t('wallet-export-usage'));
      return;
    }
    const { csv, rows } = await wallet.exportCsv({ fromMs, toMs, userId: ids[0] ? Number(ids[0]) : undefined });
    await ctx.replyWithDocument(new InputFile(csv, 'transactions.csv'), { caption: ctx.t('wallet-export-caption', { rows }) });
  });

  composer.command('health', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const sinceMs = startOfLocalDay(deps.now(), timeZone());
    const [users, accounts, total, paidToday, pending] = [
      await deps.users.countAll(),
      await wallet.countAccounts(),
      await wallet.totalBalance(),
      await deps.payments.paidSince(sinceMs),
      await deps.payments.countAwaitingAdmin(),
    ];
    const paid = paidToday.length === 0 ? '0' : paidToday.map((row) => `${row.count} × ${formatMoney(row.totalMinor, row.currency, ctx.locale)}`).join(', ');
    const gateways = deps.payments
      .methodsStatus()
      .map((item) => `• ${ctx.t(`payments-provider-${item.provider}`)}: ${item.configured ? ctx.t(`wallet-health-circuit-${item.circuit?.state ?? 'closed'}`) : ctx.t('wallet-health-off')}`);
    await ctx.reply([ctx.t('wallet-health', { users, accounts, total, paid, pending }), ...gateways].join('\n'));
  });

  return { composer, flows: [adjustFlow] };
}
