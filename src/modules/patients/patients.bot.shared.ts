/** What the patients' bot handlers share: flow names, refusals, the phone step, the profile screen and saving an edit. */
import { InlineKeyboard, Keyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { type FlowControl } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { formatIsoDate } from './iin.ts';
import { PatientsError, type PatientsErrorCode, type PatientsService } from './patients.service.ts';
import type { PatientRecord } from './patients.tables.ts';

/** What the patients' bot needs. */
export interface PatientsComposerDeps {
  patients: PatientsService;
}

/** The registration flow. */
export const REGISTRATION_FLOW = { name: 'patients.register', version: 1 } as const;
/** The flow that edits the patient's details. */
export const EDIT_FLOW = { name: 'patients.edit', version: 1 } as const;

/** Where a finished registration may lead: another module's callback, short and harmless. */
export const CONTINUATION = /^[a-z_]{2,16}:[a-z0-9_:]{1,40}$/;

/** The message shown for each refusal. */
export const ERROR_TEXT: Record<PatientsErrorCode, string> = {
  'patients.invalid_name': 'patients-error-name',
  'patients.invalid_phone': 'patients-error-phone',
  'patients.invalid_birth_date': 'patients-error-birth-date',
  'patients.iin_taken': 'patients-error-iin-taken',
  'patients.not_registered': 'patients-not-registered',
  'patients.iin_not_accepted': 'patients-error-iin-not-accepted',
  'iin.invalid_format': 'patients-error-iin-format',
  'iin.invalid_century': 'patients-error-iin-century',
  'iin.impossible_date': 'patients-error-iin-date',
  'iin.bad_check_digit': 'patients-error-iin-check-digit',
  'iin.birth_date_mismatch': 'patients-error-iin-birth-mismatch',
};

export interface RegistrationData extends Record<string, unknown> {
  fullName?: string;
  phone?: string;
  birthDate?: string;
  then?: string;
}

export interface EditData extends Record<string, unknown> {
  birthDate?: string;
}

/** The patient's details as the bot shows them to the patient. */
export function profileText(ctx: BotContext, patient: PatientRecord): string {
  return ctx.t('patients-profile', { name: patient.full_name, phone: patient.phone, birth: formatIsoDate(patient.birth_date), iin: patient.iin });
}

/** Answers a refusal of the patients service with its message; anything else is rethrown. */
export async function refuse(deps: PatientsComposerDeps, ctx: BotContext, error: unknown): Promise<void> {
  if (!(error instanceof PatientsError)) throw error;
  // A refused phone is answered with a number of the business country to copy the shape of.
  const args: Record<string, string> | undefined =
    error.code === 'patients.invalid_phone' ? { example: deps.patients.phoneExample() } : error.code === 'patients.iin_not_accepted' ? { reason: error.message } : undefined;
  await ctx.reply(ctx.t(ERROR_TEXT[error.code], args));
}

/** The reply keyboard with the share-contact button. */
export function contactKeyboard(ctx: BotContext): Keyboard {
  return new Keyboard().requestContact(ctx.t('patients-share-contact')).resized().oneTime();
}

/** The phone from a shared contact (only the sender's own) or from typed text. */
export async function phoneFrom(deps: PatientsComposerDeps, ctx: BotContext): Promise<string | undefined> {
  const contact = ctx.message?.contact;
  if (contact) {
    if (contact.user_id !== ctx.from?.id) {
      await ctx.reply(ctx.t('patients-contact-not-yours'), { reply_markup: contactKeyboard(ctx) });
      return undefined;
    }
    return deps.patients.checkContactPhone(contact.phone_number);
  }
  return deps.patients.checkPhone(ctx.message?.text ?? '');
}

/** The profile screen: the patient's details with edit buttons, or an offer to register. */
export async function profileScreen(deps: PatientsComposerDeps, ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const patient = await deps.patients.get(ctx.from?.id ?? 0);
  if (!patient) {
    return {
      text: ctx.t('patients-not-registered'),
      keyboard: new InlineKeyboard().text(ctx.t('patients-register-button'), 'patients:reg').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION),
    };
  }
  const keyboard = new InlineKeyboard()
    .text(ctx.t('patients-edit-name'), 'patients:edit:name')
    .row()
    .text(ctx.t('patients-edit-phone'), 'patients:edit:phone')
    .row()
    .text(ctx.t('patients-edit-birth'), 'patients:edit:birth')
    .row()
    .text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: profileText(ctx, patient), keyboard };
}

/** Saves an edit, leaves the flow and shows the profile again. */
export async function save(deps: PatientsComposerDeps, ctx: BotContext, flow: FlowControl, patch: Parameters<PatientsService['update']>[1]): Promise<void> {
  try {
    await deps.patients.update(ctx.from?.id as number, patch);
    flow.leave();
    await ctx.reply(ctx.t('patients-updated'), { reply_markup: { remove_keyboard: true } });
    const screen = await profileScreen(deps, ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  } catch (error) {
    await refuse(deps, ctx, error);
  }
}
