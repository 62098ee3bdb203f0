import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { registerClinicAccount } from './booking.account.bot.ts';
import { registerBookingFlow } from './booking.booking-flow.bot.ts';
import { createBookingBotShared, type BookingComposerDeps } from './booking.bot.shared.ts';
import { registerReschedule } from './booking.reschedule.bot.ts';
import { registerStaffVisits } from './booking.staff.bot.ts';
import { createVisitScreens, registerBalance, registerMyVisits } from './booking.visits.bot.ts';

export type { BookingComposerDeps } from './booking.bot.shared.ts';

/**
 * Booking in the bot: branch → service → doctor (or any) → a calendar of days with free
 * slots → time → confirm; "My appointments" with reschedule and cancel; reminder answers;
 * the balance (the ERP's account with its invoices, when the clinic has one); and `/visits` for staff (today's visits, completed / no-show). Callback data
 * carries the whole choice (`bk:t:<branch>:<service>:<doctor>:<minute>`), so an old message
 * still works after a restart and forged data is checked like any other input.
 *
 * The parts live in sibling files; they are registered here in a fixed order, because grammY
 * tries handlers in the order they were added.
 */
export function createBookingComposer(deps: BookingComposerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');
  const shared = createBookingBotShared(deps);
  const visitScreens = createVisitScreens(shared);

  registerBookingFlow(privateChats, shared);
  registerMyVisits(privateChats, shared, visitScreens);
  registerReschedule(privateChats, shared, visitScreens);
  // The clinic's ERP keeps the patient's account when there is one; Lavka's visit balance otherwise.
  if (deps.clinicAccount) registerClinicAccount(privateChats, shared, deps.clinicAccount);
  else registerBalance(privateChats, shared);
  registerStaffVisits(composer, shared);

  return composer;
}
