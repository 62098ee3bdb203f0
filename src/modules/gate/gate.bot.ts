import { InlineKeyboard, type MiddlewareFn } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { editOrReply, showMainMenu } from '../../telegram/menu.ts';
import type { GateChannel, GateService } from './gate.service.ts';

/** Callback data of the "Check again" button. */
export const GATE_CHECK_ACTION = 'gate:check';

/** Buttons that work even behind the gate: choosing a language to read the gate in. */
const ALWAYS_ALLOWED = /^core:(language|lang:[a-z]{2})$/;

/**
 * The gate in front of everything else in private chats: a user who has not joined every
 * mandatory channel sees the channels and "Check again" instead of the menu. Staff pass.
 */
export function createGateGuard(deps: { gate: GateService; config: BusinessConfig; enabledModules: ReadonlySet<string> }): MiddlewareFn<BotContext> {
  const { gate } = deps;

  const screen = (ctx: BotContext, missing: readonly GateChannel[]) => {
    const keyboard = new InlineKeyboard();
    for (const channel of missing) keyboard.url(ctx.t('gate-join', { title: channel.title }), channel.url).row();
    keyboard.text(ctx.t('gate-check-again'), GATE_CHECK_ACTION);
    const list = missing.map((channel) => `• ${channel.title}`).join('\n');
    return { text: `${ctx.t('gate-required')}\n\n${list}`, keyboard };
  };

  return async (ctx, next) => {
    if (!gate.enabled || ctx.chat?.type !== 'private' || !ctx.from || ctx.isAdmin) return next();
    if (!ctx.message && !ctx.callbackQuery) return next();
    const data = ctx.callbackQuery?.data;
    if (data !== undefined && ALWAYS_ALLOWED.test(data)) return next();
    if (ctx.message?.text?.startsWith('/language')) return next();

    const force = data === GATE_CHECK_ACTION;
    const missing = await gate.missingChannels(ctx.from.id, (chatId, userId) => ctx.api.getChatMember(chatId, userId), { force });
    if (missing.length === 0) {
      if (!force) return next();
      await ctx.answerCallbackQuery({ text: ctx.t('gate-thanks') });
      await showMainMenu(ctx, deps.config, deps.enabledModules, { edit: true });
      return;
    }
    const { text, keyboard } = screen(ctx, missing);
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery(force ? { text: ctx.t('gate-still-missing') } : {});
      await editOrReply(ctx, text, { reply_markup: keyboard });
      return;
    }
    await ctx.reply(text, { reply_markup: keyboard });
  };
}
