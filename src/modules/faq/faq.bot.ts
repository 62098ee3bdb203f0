import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, paginate } from '../../telegram/paginator.ts';
import type { FaqService } from './faq.service.ts';

/** Questions shown per page of the FAQ list. */
const PAGE_SIZE = 8;

/** The FAQ in the bot: `/faq` and the `faq:list` menu button list questions; a press shows the answer. */
export function createFaqComposer(deps: { faq: FaqService }): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const listScreen = async (ctx: BotContext, page: number) => {
    const entries = await deps.faq.questions(ctx.locale);
    if (entries.length === 0) {
      return { text: ctx.t('faq-empty'), keyboard: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) };
    }
    const shown = paginate(entries, page, PAGE_SIZE);
    const keyboard = new InlineKeyboard();
    for (const entry of shown.items) {
      keyboard.text(truncate(entry.question, 60), `faq:q:${entry.ref}:${shown.page}`).row();
    }
    addPagerRow(keyboard, { t: ctx.t, window: shown, pageData: (target) => `faq:list:${target}` });
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: ctx.t('faq-title'), keyboard };
  };

  composer.command('faq', async (ctx) => {
    const screen = await listScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^faq:list(?::(\d{1,4}))?$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await listScreen(ctx, Number(ctx.match[1] ?? 1));
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  // A question of Lavka's table (its id) or of the clinic's ERP (its place and hash).
  composer.callbackQuery(/^faq:q:(\d{1,12}|e\d{1,3}x[0-9a-f]{6}):(\d{1,4})$/, async (ctx, next) => {
    const entry = await deps.faq.question(ctx.locale, ctx.match[1] as string);
    // A deleted or hidden question: let the fallback say the menu is out of date.
    if (!entry) return next();
    await ctx.answerCallbackQuery();
    const keyboard = new InlineKeyboard().text(ctx.t('faq-back'), `faq:list:${ctx.match[2]}`).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    await editOrReply(ctx, `❓ ${entry.question}\n\n${entry.answer}`, { reply_markup: keyboard });
  });

  return composer;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
