import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import { type PatientsComposerDeps } from './patients.bot.shared.ts';
import { editFlowDefinition, registrationFlowDefinition } from './patients.flows.bot.ts';
import { registerPatientsProfile } from './patients.profile.bot.ts';

export { profileText, type PatientsComposerDeps } from './patients.bot.shared.ts';

/**
 * Registration (full name → phone via the share-contact button → date of birth → IIN, each
 * checked with its own message), the profile screen and editing. Other modules send an
 * unregistered user here with the patients service's `registrationData` and get them back afterwards.
 */
export function createPatientsComposer(deps: PatientsComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  registerPatientsProfile(composer, deps);
  return { composer, flows: [registrationFlowDefinition(deps), editFlowDefinition(deps)] };
}
