/** The profile screen and the buttons that start registration or an edit. */
import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { startFlow } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { CONTINUATION, EDIT_FLOW, REGISTRATION_FLOW, contactKeyboard, profileScreen, profileText, type PatientsComposerDeps } from './patients.bot.shared.ts';

/** `/profile`, `patients:profile`, `patients:reg[:<then>]` and `patients:edit:<field>`, in that order. */
export function registerPatientsProfile(composer: Composer<BotContext>, deps: PatientsComposerDeps): void {
  const privateChats = composer.chatType('private');

  privateChats.command('profile', async (ctx) => {
    const screen = await profileScreen(deps, ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery('patients:profile', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await profileScreen(deps, ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  privateChats.callbackQuery(/^patients:reg(?::(.+))?$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const then = ctx.match[1];
    // Known to the clinic's records already (its ERP): no need to register again.
    const known = await deps.patients.recognise(ctx.from.id);
    if (known) {
      const keyboard = new InlineKeyboard();
      if (then && CONTINUATION.test(then)) keyboard.text(ctx.t('patients-continue'), then).row();
      keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
      await ctx.reply(`${ctx.t('patients-recognised')}\n\n${profileText(ctx, known)}`, { reply_markup: keyboard });
      return;
    }
    await startFlow(ctx, REGISTRATION_FLOW, 'name', then && CONTINUATION.test(then) ? { then } : {});
    await ctx.reply(`${ctx.t('patients-register-intro')}\n\n${ctx.t('patients-ask-name')}`);
  });

  privateChats.callbackQuery(/^patients:edit:(name|phone|birth)$/, async (ctx, next) => {
    if (!(await deps.patients.get(ctx.from.id))) return next();
    await ctx.answerCallbackQuery();
    const field = ctx.match[1] as 'name' | 'phone' | 'birth';
    await startFlow(ctx, EDIT_FLOW, field);
    if (field === 'phone') await ctx.reply(ctx.t('patients-ask-phone'), { reply_markup: contactKeyboard(ctx) });
    else await ctx.reply(ctx.t(field === 'name' ? 'patients-ask-name' : 'patients-ask-birth'));
  });
}
