/** The patients' flows: registration (name → phone → birth date → IIN) and editing one detail. */
import { InlineKeyboard } from 'grammy';
import { defineFlow, type FlowControl, type FlowDefinition, type FlowStep } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { EDIT_FLOW, REGISTRATION_FLOW, contactKeyboard, phoneFrom, profileText, refuse, save, type EditData, type PatientsComposerDeps, type RegistrationData } from './patients.bot.shared.ts';

/** The date of birth, asked alike at registration and when it is corrected: the IIN comes next. */
function birthStep<D extends { birthDate?: string | undefined } & Record<string, unknown>>(deps: PatientsComposerDeps): FlowStep<D> {
  return {
    async onMessage(ctx, flow) {
      try {
        const birthDate = deps.patients.checkBirthDate(ctx.message?.text ?? '');
        flow.go('iin', { birthDate } as Partial<D>);
        await ctx.reply(ctx.t('patients-ask-iin'));
      } catch (error) {
        await refuse(deps, ctx, error);
      }
    },
  };
}

/** Registration, each step checked with its own message. */
export function registrationFlowDefinition(deps: PatientsComposerDeps): FlowDefinition {
  return defineFlow<RegistrationData>({
    ...REGISTRATION_FLOW,
    steps: {
      name: {
        async onMessage(ctx, flow) {
          try {
            const fullName = deps.patients.checkName(ctx.message?.text ?? '');
            flow.go('phone', { fullName });
            await ctx.reply(ctx.t('patients-ask-phone'), { reply_markup: contactKeyboard(ctx) });
          } catch (error) {
            await refuse(deps, ctx, error);
          }
        },
      },
      phone: {
        async onMessage(ctx, flow) {
          try {
            const phone = await phoneFrom(deps, ctx);
            if (!phone) return;
            flow.go('birth', { phone });
            await ctx.reply(ctx.t('patients-ask-birth'), { reply_markup: { remove_keyboard: true } });
          } catch (error) {
            await refuse(deps, ctx, error);
          }
        },
      },
      birth: birthStep(deps),
      iin: {
        async onMessage(ctx, flow: FlowControl<RegistrationData>) {
          const { fullName, phone, birthDate, then } = flow.data;
          try {
            const patient = await deps.patients.register(ctx.from?.id as number, {
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
            await refuse(deps, ctx, error);
          }
        },
      },
    },
  });
}

/** Editing the name, the phone or the birth date (then the IIN again). */
export function editFlowDefinition(deps: PatientsComposerDeps): FlowDefinition {
  return defineFlow<EditData>({
    ...EDIT_FLOW,
    steps: {
      name: {
        async onMessage(ctx, flow) {
          await save(deps, ctx, flow, { fullName: ctx.message?.text ?? '' });
        },
      },
      phone: {
        async onMessage(ctx, flow) {
          try {
            const phone = await phoneFrom(deps, ctx);
            if (phone) await save(deps, ctx, flow, { phone });
          } catch (error) {
            await refuse(deps, ctx, error);
          }
        },
      },
      birth: birthStep(deps),
      iin: {
        async onMessage(ctx, flow) {
          await save(deps, ctx, flow, { birthDate: flow.data.birthDate as string, iin: ctx.message?.text ?? '' });
        },
      },
    },
  });
}
