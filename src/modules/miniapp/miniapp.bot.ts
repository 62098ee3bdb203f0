import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { MiniAppService } from './miniapp.service.ts';

/** `/shop`: a message with the "Open shop" button, or a word that the app is not offered here. */
export function createMiniAppComposer(deps: { miniApp: MiniAppService }): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType('private').command('shop', async (ctx) => {
    const button = deps.miniApp.openButton(ctx.locale);
    if (!button) {
      await ctx.reply(ctx.t('miniapp-unavailable'));
      return;
    }
    await ctx.reply(ctx.t('miniapp-invite'), { reply_markup: new InlineKeyboard().webApp(button.text, button.web_app.url) });
  });
  return composer;
}
