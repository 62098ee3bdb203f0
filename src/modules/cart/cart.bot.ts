import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import { createCartBotShared, type CartComposerDeps } from './cart.bot.shared.ts';
import { createCheckoutFlow, registerCheckout } from './cart.checkout.bot.ts';
import { createCheckoutScreens } from './cart.checkout.screens.ts';
import { registerCartScreen } from './cart.screen.bot.ts';

export { cartViewData, type CartComposerDeps } from './cart.bot.shared.ts';

/**
 * The cart in the bot (`/cart`, +/−, remove, clear) and the checkout flow: delivery method,
 * pickup point or address, phone (shared contact or typed), comment, summary, confirmation.
 *
 * The parts live in sibling files; they are registered here in a fixed order, because grammY
 * tries handlers in the order they were added.
 */
export function createCartComposer(deps: CartComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  const shared = createCartBotShared(deps);
  const checkoutScreens = createCheckoutScreens(shared);
  const checkoutFlow = createCheckoutFlow(shared, checkoutScreens);

  registerCartScreen(composer, shared);
  registerCheckout(composer, shared, checkoutScreens, checkoutFlow);

  return { composer, flows: [checkoutFlow] };
}
