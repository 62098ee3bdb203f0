/**
 * The staff's wallet reports in the bot: `/transactions` (the ledger as a CSV, by dates and
 * user) and `/health` (users, accounts, tokens, today's payments and the gateways' state).
 */
import { InputFile, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { timeZoneOf, type WalletComposerDeps } from './wallet.bot.shared.ts';
import { endOfLocalDate, parseLocalDate, startOfLocalDay } from './wallet.dates.ts';

/** Registers `/transactions` and `/health`. */
export function registerWalletReports(composer: Composer<BotContext>, deps: WalletComposerDeps): void {
  const { wallet } = deps;

  composer.command('transactions', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const args = (typeof ctx.match === 'string' ? ctx.match : '').trim().split(/\s+/).filter(Boolean);
    const dates = args.filter((arg) => /^\d{4}-\d{2}-\d{2}$/.test(arg));
    const ids = args.filter((arg) => /^\d{1,16}$/.test(arg));
    if (dates.length > 2 || ids.length > 1 || dates.length + ids.length !== args.length) {
      await ctx.reply(ctx.t('wallet-export-usage'));
      return;
    }
    const fromMs = dates[0] ? parseLocalDate(dates[0], timeZoneOf(deps)) : undefined;
    const toMs = dates[1] ? endOfLocalDate(dates[1], timeZoneOf(deps)) : undefined;
    if ((dates[0] && fromMs === undefined) || (dates[1] && toMs === undefined)) {
      await ctx.reply(ctx.t('wallet-export-usage'));
      return;
    }
    const { csv, rows } = await wallet.exportCsv({ fromMs, toMs, userId: ids[0] ? Number(ids[0]) : undefined });
    await ctx.replyWithDocument(new InputFile(csv, 'transactions.csv'), { caption: ctx.t('wallet-export-caption', { rows }) });
  });

  composer.command('health', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const sinceMs = startOfLocalDay(deps.now(), timeZoneOf(deps));
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
}
