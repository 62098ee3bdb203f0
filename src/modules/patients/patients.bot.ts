import { Composer, InlineKeyboard, Keyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowControl, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { formatIsoDate } from './iin.ts';
import { PatientsError, type PatientsErrorCode, type PatientsService } from './patients.service.ts';
import type { PatientRecord } from './patients.tables.ts';


/** Where a finished registration may lead: another module's callback, short and harmless. */
const CONTINUATION = /^[a-z_]{2,16}:[a-z0-9_:]{1,40}$/;

/** The message shown for each refusal. */
const ERROR_TEXT: Record<PatientsErrorCode, string> = {
  'patients.invalid_name': 'patients-error-name',
  'patients.invalid_phone': 'patients-error-phone',
  'patients.invalid_birth_date': 'patients-error-birth-date',
  'patients.iin_taken': 'patients-error-iin-taken',
  'patients.not_registered': 'patients-not-registered',
  'iin.invalid_format': 'patients-error-iin-format',
  'iin.invalid_century': 'patients-error-iin-century',
  'iin.impossible_date': 'patients-error-iin-date',
  'iin.bad_check_digit': 'patients-error-iin-check-digit',
  'iin.birth_date_mismatch': 'patients-error-iin-birth-mismatch',
};

interface RegistrationData extends Record<string, unknown> {
  fullName?: string;
  phone?: string;
  birthDate?: string;
  then?: string;
}

interface EditData extends Record<string, unknown> {
  birthDate?: string;
}

/** The patient's details as the bot shows them to the patient. */
export function profileText(ctx: BotContext, patient: PatientRecord): string {
  return ctx.t('patients-profile', { name: patient.full_name, phone: patient.phone, birth: formatIsoDate(patient.birth_date), iin: patient.iin });
}

/**
 * Registration (full name → phone via the share-contact button → date of birth → IIN, each
 * checked with its own message), the profile screen and editing. Other modules send an
 * unregistered user here with the patients service's `registrationData` and get them back afterwards.
 */
export function createPatientsComposer(deps: { patients: PatientsService }): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { patients } = deps;
  const composer = new Composer<BotContext>();

  const refuse = async (ctx: BotContext, error: unknown) => {
    if (!(error instanceof PatientsError)) throw error;
    // A refused phone is answered with a number of the business country to copy the shape of.
    const args = error.code === 'patients.invalid_phone' ? { example: patients.phoneExample() } : undefined;
    await ctx.reply(ctx.t(ERROR_TEXT[error.code], args));
  };

  const contactKeyboard = (ctx: BotContext) => new Keyboard().requestContact(ctx.t('patients-share-contact')).resized().oneTime();

  /** The phone from a shared contact (only the sender's own) or from typed text. */
  const phoneFrom = async (ctx: BotContext): Promise<string | undefined> => {
    const contact = ctx.message?.contact;
    if (contact) {
      if (contact.user_id !== ctx.from?.id) {
        await ctx.reply(ctx.t('patients-contact-not-yours'), { reply_markup: contactKeyboard(ctx) });
        return undefined;
      }
      return patients.checkContactPhone(contact.phone_number);
    }
    return patients.checkPhone(ctx.message?.text ?? '');
  };

  const profileScreen = async (ctx: BotContext) => {
    const patient = await patients.get(ctx.from?.id ?? 0);
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
  };

  const registration = defineFlow<RegistrationData>({
    name: 'patients.register',
    version: 1,
    steps: {
      name: {
        async onMessage(ctx, flow) {
          try {
            const fullName = patients.checkName(ctx.message?.text ?? '');
            flow.go('phone', { fullName });
            await ctx.reply(ctx.t('patients-ask-phone'), { reply_markup: contactKeyboard(ctx) });
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
      phone: {
        async onMessage(ctx, flow) {
          try {
            const phone = await phoneFrom(ctx);
            if (!phone) return;
            flow.go('birth', { phone });
            await ctx.reply(ctx.t('patients-ask-birth'), { reply_markup: { remove_keyboard: true } });
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
      birth: {
        async onMessage(ctx, flow) {
          try {
            const birthDate = patients.checkBirthDate(ctx.message?.text ?? '');
            flow.go('iin', { birthDate });
            await ctx.reply(ctx.t('patients-ask-iin'));
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
      iin: {
        async onMessage(ctx, flow: FlowControl<RegistrationData>) {
          const { fullName, phone, birthDate, then } = flow.data;
          try {
            const patient = await patients.register(ctx.from?.id as number, {
              fullName: fullName as string,
              phone: phone as string,
              birthDate: birthDate as string,
              iin: ctx.message?.text ?? '',
            });
            flow.leave();
            const keyboard = new InlineKeyboard();
            if (then) keyboard.text(ctx.t('patients-continue'), then).row();
            keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
            await ctx.reply(`${ctx.t('patients-registered')}\n\n${profileText(ctx, patient)}`, { reply_markup: keyboard });
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
    },
  });

  const edit = defineFlow<EditData>({
    name: 'patients.edit',
    version: 1,
    steps: {
      name: {
        async onMessage(ctx, flow) {
          await save(ctx, flow, { fullName: ctx.message?.text ?? '' });
        },
      },
      phone: {
        async onMessage(ctx, flow) {
          try {
            const phone = await phoneFrom(ctx);
            if (phone) await save(ctx, flow, { phone });
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
      birth: {
        async onMessage(ctx, flow) {
          try {
            const birthDate = patients.checkBirthDate(ctx.message?.text ?? '');
            flow.go('iin', { birthDate });
            await ctx.reply(ctx.t('patients-ask-iin'));
          } catch (error) {
            await refuse(ctx, error);
          }
        },
      },
      iin: {
        async onMessage(ctx, flow) {
          await save(ctx, flow, { birthDate: flow.data.birthDate as string, iin: ctx.message?.text ?? '' });
        },
      },
    },
  });

  const save = async (ctx: BotContext, flow: FlowControl, patch: Parameters<PatientsService['update']>[1]) => {
    try {
      await patients.update(ctx.from?.id as number, patch);
      flow.leave();
      await ctx.reply(ctx.t('patients-updated'), { reply_markup: { remove_keyboard: true } });
      const screen = await profileScreen(ctx);
      await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    } catch (error) {
      await refuse(ctx, error);
    }
  };

  const privateChats = composer.chatType('private');

  privateChats.command('profile', async (ctx) => {
    const screen = await profileScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery('patients:profile', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await profileScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery(/^patients:reg(?::(.+))?$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const then = ctx.match[1];
    await startFlow(ctx, registration, 'name', then && CONTINUATION.test(then) ? { then } : {});
    await ctx.reply(`${ctx.t('patients-register-intro')}\n\n${ctx.t('patients-ask-name')}`);
  });

  privateChats.callbackQuery(/^patients:edit:(name|phone|birth)$/, async (ctx, next) => {
    if (!(await patients.get(ctx.from.id))) return next();
    await ctx.answerCallbackQuery();
    const field = ctx.match[1] as 'name' | 'phone' | 'birth';
    await startFlow(ctx, edit, field);
    if (field === 'phone') await ctx.reply(ctx.t('patients-ask-phone'), { reply_markup: contactKeyboard(ctx) });
    else await ctx.reply(ctx.t(field === 'name' ? 'patients-ask-name' : 'patients-ask-birth'));
  });

  return { composer, flows: [registration, edit] };
}
