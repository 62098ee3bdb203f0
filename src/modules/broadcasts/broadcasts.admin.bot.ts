/**
 * The admin side of broadcasts in the bot: `/broadcast`, the composer's buttons (audience,
 * switches, preview, schedule, send, discard) and the progress message's pause / resume /
 * cancel buttons. Admins only.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import type { Locale } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { leaveFlow, startFlow } from '../../telegram/flow.ts';
import { FLOW, type BroadcastsBotDeps, type BroadcastsBotScreens } from './broadcasts.bot.shared.ts';

/** Language names as their speakers write them. */
const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', en: 'English', kk: 'Қазақша' };

/** Registers `/broadcast`, the composer's buttons and the progress message's buttons. */
export function registerAdminControls(composer: Composer<BotContext>, deps: BroadcastsBotDeps, screens: BroadcastsBotScreens): void {
  const { broadcasts } = deps;
  const { errorText, askAudience, confirmScreen, sendPreview, setAudienceAndConfirm } = screens;

  composer.command('broadcast', async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.reply(ctx.t('broadcasts-admins-only'));
      return;
    }
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('broadcasts-private-only'));
      return;
    }
    await startFlow(ctx, FLOW, 'compose', {});
    await ctx.reply(ctx.t('broadcasts-compose-prompt'));
  });

  // The composer's buttons: only admins, only for a broadcast still being composed.
  composer.callbackQuery(/^bc:f:([a-z]+):(\d{1,12})(?::([a-z0-9_]+))?(?::([01]))?$/, async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-admins-only') });
      return;
    }
    const [, action, rawId, argument, flag] = ctx.match;
    const id = Number(rawId);
    const row = await broadcasts.get(id);
    if (!row || row.status !== 'draft') {
      await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
      return;
    }
    await ctx.answerCallbackQuery();
    switch (action) {
      case 'skip':
        await askAudience(ctx, id);
        return;
      case 'aud':
        if (argument === 'everyone') return setAudienceAndConfirm(ctx, id, { kind: 'everyone' });
        if (argument === 'language') {
          const keyboard = new InlineKeyboard();
          for (const locale of deps.config.business.locales) keyboard.text(LANGUAGE_NAMES[locale], `bc:f:lang:${id}:${locale}`);
          await ctx.reply(ctx.t('broadcasts-audience-language-prompt'), { reply_markup: keyboard });
          return;
        }
        if (argument === 'tag') {
          await startFlow(ctx, FLOW, 'audience_tag', { broadcastId: id });
          await ctx.reply(ctx.t('broadcasts-audience-tag-prompt'));
          return;
        }
        if (argument === 'ids') {
          await startFlow(ctx, FLOW, 'audience_ids', { broadcastId: id });
          await ctx.reply(ctx.t('broadcasts-audience-ids-prompt'));
          return;
        }
        return;
      case 'lang':
        if (!argument || !(deps.config.business.locales as readonly string[]).includes(argument)) return;
        return setAudienceAndConfirm(ctx, id, { kind: 'language', locales: [argument as Locale] });
      case 'seg': {
        const segment = broadcasts.segments()[Number(argument)];
        if (!segment) return;
        const negate = flag === '1';
        if (segment.parameter === 'none') return setAudienceAndConfirm(ctx, id, { kind: 'segment', name: segment.name, negate });
        await startFlow(ctx, FLOW, 'audience_param', { broadcastId: id, segment: segment.name, negate });
        await ctx.reply(ctx.t(`broadcasts-audience-param-${segment.parameter}`));
        return;
      }
      case 'unsub':
      case 'paid': {
        const updated = await broadcasts.updateDraft(id, action === 'unsub' ? { unsubscribeButton: row.unsubscribe_button !== 1 } : { paid: row.paid !== 1 });
        const size = await broadcasts.countAudience(JSON.parse(updated.audience));
        const screen = confirmScreen(ctx, updated, size);
        await ctx.editMessageText(screen.text, { reply_markup: screen.reply_markup }).catch(() => undefined);
        return;
      }
      case 'preview':
        await sendPreview(ctx, id);
        return;
      case 'sched':
        await startFlow(ctx, FLOW, 'schedule', { broadcastId: id });
        await ctx.reply(ctx.t('broadcasts-schedule-prompt', { timeZone: broadcasts.timeZone }));
        return;
      case 'send':
        try {
          const started = await broadcasts.start(id, { progressChatId: ctx.chat?.id });
          await leaveFlow(ctx);
          await ctx.editMessageText(ctx.t('broadcasts-started', { id, count: started.audience_size ?? 0 })).catch(() => undefined);
        } catch (error) {
          await ctx.reply(errorText(ctx, error));
        }
        return;
      case 'discard':
        await broadcasts.cancel(id);
        await leaveFlow(ctx);
        await ctx.editMessageText(ctx.t('broadcasts-discarded')).catch(() => undefined);
        return;
    }
  });

  // The progress message's buttons.
  composer.callbackQuery(/^bc:c:(pause|resume|cancel):(\d{1,12})$/, async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-admins-only') });
      return;
    }
    const [, action, rawId] = ctx.match;
    const id = Number(rawId);
    try {
      if (action === 'pause') await broadcasts.pause(id);
      else if (action === 'resume') await broadcasts.resume(id);
      else await broadcasts.cancel(id);
      await ctx.answerCallbackQuery({ text: ctx.t(`broadcasts-${action}-done`) });
    } catch (error) {
      await ctx.answerCallbackQuery({ text: errorText(ctx, error).slice(0, 200) });
    }
  });
}
