/**
 * The recipients' side of broadcasts in the bot: tracked buttons (presses counted once per
 * user), the unsubscribe button and `/subscribe`.
 */
import type { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { TRACKED_BUTTON_PREFIX, UNSUBSCRIBE_PREFIX, type BroadcastsService } from './broadcasts.service.ts';

/** Registers the buttons under a broadcast and `/subscribe`. */
export function registerRecipientButtons(composer: Composer<BotContext>, broadcasts: BroadcastsService): void {
  composer.callbackQuery(new RegExp(`^${TRACKED_BUTTON_PREFIX}(\\d{1,12}):(\\d{1,3})$`), async (ctx, next) => {
    const result = await broadcasts.pressTracked(Number(ctx.match[1]), Number(ctx.match[2]), ctx.from.id);
    // A forged or stale button: the fallback gives a fresh menu.
    if (!result) return next();
    await ctx.answerCallbackQuery({ text: result.answer ?? ctx.t('broadcasts-button-thanks') });
  });

  composer.callbackQuery(new RegExp(`^${UNSUBSCRIBE_PREFIX}(\\d{1,12})$`), async (ctx) => {
    const broadcastId = Number(ctx.match[1]);
    const row = await broadcasts.get(broadcastId);
    await broadcasts.unsubscribe(ctx.from.id, row ? broadcastId : null);
    await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-unsubscribed'), show_alert: true });
  });

  composer.command('subscribe', async (ctx) => {
    if (!ctx.from) return;
    await broadcasts.resubscribe(ctx.from.id);
    await ctx.reply(ctx.t('broadcasts-resubscribed'));
  });
}
