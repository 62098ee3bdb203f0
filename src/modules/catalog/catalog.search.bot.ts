/**
 * Searching the catalogue in the bot: `/search`, the search button, result pages, and plain
 * text typed soon after a catalogue screen, which is read as a search.
 */
import type { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { parsePage } from '../../telegram/paginator.ts';
import { armSearch, scratchOf, type CatalogComposerDeps, type CatalogScratch } from './catalog.bot.shared.ts';
import { showSearch } from './catalog.screens.ts';

/** Registers the search command, buttons and the plain-text search. */
export function registerSearch(composer: Composer<BotContext>, deps: CatalogComposerDeps): void {
  const { catalog } = deps;

  composer.callbackQuery(/^catalog:s:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    const query = (await scratchOf(ctx)).query;
    // Without the stored query the results cannot be rebuilt (an old button): refresh instead.
    if (page === undefined || !query) return next();
    await ctx.answerCallbackQuery();
    await showSearch(deps, ctx, query, page);
  });

  composer.callbackQuery('catalog:find', async (ctx) => {
    await ctx.answerCallbackQuery();
    await armSearch(deps, ctx);
    await ctx.reply(ctx.t('catalog-search-prompt'));
  });

  composer.command('search', async (ctx) => {
    const raw = typeof ctx.match === 'string' ? ctx.match : '';
    if (raw.trim() === '') {
      await armSearch(deps, ctx);
      await ctx.reply(ctx.t('catalog-search-prompt'));
      return;
    }
    const query = catalog.cleanQuery(raw);
    if (!query) {
      await ctx.reply(ctx.t('catalog-search-invalid'));
      return;
    }
    await showSearch(deps, ctx, query, 1);
  });

  // "Typing in the catalogue": plain text soon after a catalogue screen is a search.
  composer.chatType('private').on('message:text', async (ctx, next) => {
    // Commands, and the labels of reply-keyboard buttons (they start with an emoji, product
    // names do not), belong to other handlers.
    if (ctx.message.text.startsWith('/') || /^\p{Extended_Pictographic}/u.test(ctx.message.text)) return next();
    const session = await ctx.session;
    const scratch = session.scratch?.catalog as CatalogScratch | undefined;
    if (!scratch?.searchUntil || scratch.searchUntil < deps.now()) return next();
    const query = catalog.cleanQuery(ctx.message.text);
    if (!query) {
      await ctx.reply(ctx.t('catalog-search-invalid'));
      return;
    }
    await showSearch(deps, ctx, query, 1);
  });
}
