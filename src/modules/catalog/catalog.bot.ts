import { Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { CatalogComposerDeps } from './catalog.bot.shared.ts';
import { openProductLink, registerBrowse } from './catalog.browse.bot.ts';
import { registerSearch } from './catalog.search.bot.ts';

export { SEARCH_ARMED_MS, productCardData, type CatalogComposerDeps } from './catalog.bot.shared.ts';

/** The catalogue in the bot: category tree, product cards, search and `p_<id>` deep links. */
export function createCatalogComposer(deps: CatalogComposerDeps): {
  composer: Composer<BotContext>;
  openProductLink: (ctx: BotContext, argument: string) => Promise<void>;
} {
  const composer = new Composer<BotContext>();
  registerBrowse(composer, deps);
  registerSearch(composer, deps);
  return { composer, openProductLink: (ctx: BotContext, argument: string) => openProductLink(deps, ctx, argument) };
}
