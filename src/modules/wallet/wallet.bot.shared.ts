/**
 * What the parts of the wallet bot share: their dependencies, the adjustment flow's name, the
 * business time zone, and how a ledger line and a token pack read.
 */
import type { BusinessConfig } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { formatShortDateTime } from './wallet.dates.ts';
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
export function signed(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}

/** The business time zone. Read at every use: the owner may change it while the bot runs. */
export function timeZoneOf(deps: WalletComposerDeps): string {
  return deps.config.business.timeZone;
}

/** One line of a ledger: date, amount, kind, reason and the balance after it. */
export function entryLine(deps: WalletComposerDeps, ctx: BotContext, entry: LedgerEntry): string {
  return ctx.t('wallet-history-line', {
    date: formatShortDateTime(entry.created_at, timeZoneOf(deps), ctx.locale),
    amount: signed(entry.amount),
    kind: ctx.t(`wallet-kind-${entry.kind}`),
    reason: entry.reason,
    balance: entry.balance_after,
  });
}

/** A token pack with its prices (in Stars and in money, whichever it has). */
export function packLabel(deps: WalletComposerDeps, ctx: BotContext, pack: ResolvedWalletSettings['packs'][number]): string {
  const { settings } = deps;
  const prices = [pack.stars ? formatMoney(pack.stars, 'XTR', ctx.locale) : undefined, pack.priceMinor ? formatMoney(pack.priceMinor, settings.currency, ctx.locale) : undefined]
    .filter(Boolean)
    .join(' / ');
  return ctx.t('wallet-pack-button', { tokens: pack.tokens, prices });
}
