import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import type { WalletComposerDeps } from './wallet.bot.shared.ts';
import { registerCustomerWallet } from './wallet.customer.bot.ts';
import { registerWalletReports } from './wallet.reports.bot.ts';
import { adjustFlowDefinition, registerStaffWallet } from './wallet.staff.bot.ts';

export { ADJUST_FLOW, type WalletComposerDeps } from './wallet.bot.shared.ts';

/**
 * The wallet in the bot: `/balance`, `/buy` (packs, then the payment methods in the same
 * message), `/pricing`, `/history`; for staff `/adjust`, `/wallet_users` with +/− buttons and a
 * custom amount, `/transactions` (CSV) and `/health`.
 */
export function createWalletComposer(deps: WalletComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  registerCustomerWallet(composer, deps);
  registerStaffWallet(composer, deps);
  registerWalletReports(composer, deps);
  return { composer, flows: [adjustFlowDefinition(deps)] };
}
