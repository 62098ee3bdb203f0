import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import { registerAdminControls } from './broadcasts.admin.bot.ts';
import { createBroadcastsBotScreens, type BroadcastsBotDeps } from './broadcasts.bot.shared.ts';
import { createComposeFlow } from './broadcasts.compose-flow.bot.ts';
import { registerRecipientButtons } from './broadcasts.recipients.bot.ts';

export type { BroadcastsBotDeps } from './broadcasts.bot.shared.ts';
export { parseButtonLines } from './broadcasts.compose-flow.bot.ts';

/**
 * `/broadcast` for admins — compose (text or photo, formatting kept) → buttons → audience →
 * preview → send now or schedule — plus the progress message's pause/resume/cancel buttons,
 * tracked buttons (presses counted once per user) and the unsubscribe button.
 *
 * The parts live in sibling files; they are registered here in a fixed order, because grammY
 * tries handlers in the order they were added.
 */
export function createBroadcastsBot(deps: BroadcastsBotDeps): { composer: Composer<BotContext>; flow: FlowDefinition } {
  const composer = new Composer<BotContext>();
  const screens = createBroadcastsBotScreens(deps);
  const flow = createComposeFlow(deps, screens);

  registerAdminControls(composer, deps, screens);
  registerRecipientButtons(composer, deps.broadcasts);

  return { composer, flow };
}
