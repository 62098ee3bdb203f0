import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import type { PaymentsComposerDeps } from './payments.bot.shared.ts';
import { registerCheckout } from './payments.checkout.bot.ts';
import { declineFlowDefinition, registerStaffPayments } from './payments.staff.bot.ts';
import { receiptFlowDefinition, registerTelegramPayments } from './payments.telegram.bot.ts';

export { DECLINE_FLOW, RECEIPT_FLOW, addPaymentMethodRows, explainError, type PaymentsComposerDeps } from './payments.bot.shared.ts';

/**
 * Paying in the bot: the method list (`pay:m:<purpose>:<ref>`), opening a payment with the
 * chosen method (invoice, link, QR or requisites, in place of the list), pre-checkout and
 * successful_payment, receipts for manual transfers, `/paysupport`; for admins `/pending`,
 * approve/decline and `/refund`.
 */
export function createPaymentsComposer(deps: PaymentsComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  let apiSeen = false;
  composer.use((ctx, next) => {
    if (!apiSeen) {
      apiSeen = true;
      deps.onApi(ctx.api);
    }
    return next();
  });
  registerCheckout(composer, deps);
  registerTelegramPayments(composer, deps);
  registerStaffPayments(composer, deps);
  return { composer, flows: [receiptFlowDefinition(deps), declineFlowDefinition(deps)] };
}
