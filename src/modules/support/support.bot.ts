import { Composer, InlineKeyboard } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import { afterHoursText, businessHoursLines } from '../../telegram/business-hours.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { MAX_SUPPORT_TEXT, type SupportService } from './support.service.ts';
import { fullName } from '../users/users.names.ts';

/** Dependencies of the support composer. */
export interface SupportComposerDeps {
  support: SupportService;
  /** The live config: the owner may change the hours and the time zone in the panel. */
  config: BusinessConfig;
  now(): number;
}

/** The support entry: the business's contacts and "Write to us", which passes a message to the staff. */
export function createSupportComposer(deps: SupportComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  const { support } = deps;
  // The zone and the hours are read at every use: the owner may change them in the panel.
  const hoursOptions = (ctx: BotContext) => ({ t: ctx.t, locale: ctx.locale, nowMs: deps.now(), timeZone: deps.config.business.timeZone });

  const contactScreen = (ctx: BotContext) => {
    const { contacts } = support;
    const lines = [ctx.t('support-title')];
    const username = contacts.username?.replace(/^@/, '');
    if (username) lines.push(ctx.t('support-telegram', { username: `@${username}` }));
    if (contacts.phone) lines.push(ctx.t('support-phone', { phone: contacts.phone }));
    if (contacts.email) lines.push(ctx.t('support-email', { email: contacts.email }));
    const hours = businessHoursLines(deps.config.business, hoursOptions(ctx));
    if (hours.length > 0) lines.push('', ...hours);
    const keyboard = new InlineKeyboard();
    if (support.canReceive) keyboard.text(ctx.t('support-write'), 'support:write').row();
    if (username) keyboard.url(ctx.t('support-open-chat'), `https://t.me/${username}`).row();
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: lines.join('\n'), keyboard };
  };

  const writeFlow = defineFlow<Record<string, never>>({
    name: 'support.write',
    version: 1,
    steps: {
      message: {
        async onMessage(ctx, flow) {
          const message = ctx.message;
          if (!message || !ctx.from) return;
          const kind = message.text !== undefined ? 'text' : message.photo ? 'photo' : message.document ? 'document' : undefined;
          if (!kind) {
            await ctx.reply(ctx.t('support-unsupported'));
            return;
          }
          const text = message.text ?? message.caption ?? null;
          if (text !== null && text.length > MAX_SUPPORT_TEXT) {
            await ctx.reply(ctx.t('support-too-long', { max: MAX_SUPPORT_TEXT }));
            return;
          }
          await support.forwardToStaff({
            userId: ctx.from.id,
            name: fullName(ctx.from),
            username: ctx.from.username,
            chatId: message.chat.id,
            messageId: message.message_id,
            kind,
            text,
          });
          flow.leave();
          const closed = afterHoursText(deps.config.business, hoursOptions(ctx));
          await ctx.reply(closed ? `${ctx.t('support-sent')}\n${closed}` : ctx.t('support-sent'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
        },
      },
    },
  });

  composer.command('support', async (ctx) => {
    const screen = contactScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery('support:contact', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = contactScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery('support:write', async (ctx, next) => {
    // No staff chat configured any more: the button is out of date.
    if (!support.canReceive || ctx.chat?.type !== 'private') return next();
    await ctx.answerCallbackQuery();
    await startFlow(ctx, writeFlow, 'message');
    await ctx.reply(ctx.t('support-write-prompt'));
  });

  return { composer, flows: [writeFlow] };
}
