/**
 * Browsing the catalogue in the bot: `/catalog`, category pages, product cards with their
 * variants, and `p_<id>` deep links that open a card.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { parsePage } from '../../telegram/paginator.ts';
import { armSearch, type BackTarget, type CatalogComposerDeps } from './catalog.bot.shared.ts';
import { render } from './catalog.render.ts';
import { categoryScreen, showCategory, showProduct } from './catalog.screens.ts';

/** Registers the catalogue command and the category and product buttons. */
export function registerBrowse(composer: Composer<BotContext>, deps: CatalogComposerDeps): void {
  const { catalog } = deps;

  composer.command('catalog', async (ctx) => {
    await showCategory(deps, ctx, null, 1);
  });

  composer.callbackQuery('catalog:home', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showCategory(deps, ctx, null, 1);
  });

  composer.callbackQuery(/^catalog:c:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const id = Number(ctx.match[1]);
    const page = parsePage(ctx.match[2]);
    if (page === undefined) return next();
    // A category deleted or hidden since the button was drawn: the fallback refreshes the menu.
    const result = await catalog.categoryPage(id === 0 ? null : id, page, ctx.locale);
    if (!result) return next();
    await ctx.answerCallbackQuery();
    await armSearch(deps, ctx);
    await render(deps, ctx, categoryScreen(ctx, result));
  });

  composer.callbackQuery(/^catalog:p:(\d{1,12}):(\d{1,12}):(?:(\d{1,12})|s):(\d{1,4})$/, async (ctx, next) => {
    const productId = Number(ctx.match[1]);
    const variantId = Number(ctx.match[2]);
    const page = parsePage(ctx.match[4]);
    if (page === undefined) return next();
    const back: BackTarget = ctx.match[3] === undefined ? { kind: 'search', page } : { kind: 'category', id: Number(ctx.match[3]), page };
    const product = await catalog.product(productId, ctx.locale);
    if (!product || (variantId !== 0 && !product.variants.some((variant) => variant.id === variantId))) return next();
    await ctx.answerCallbackQuery();
    await showProduct(deps, ctx, productId, variantId === 0 ? null : variantId, back);
  });
}

/** `t.me/<bot>?start=p_<id>` opens a product card. */
export async function openProductLink(deps: CatalogComposerDeps, ctx: BotContext, argument: string): Promise<void> {
  const productId = /^\d{1,12}$/.test(argument) ? Number(argument) : undefined;
  const product = productId === undefined ? undefined : await deps.catalog.product(productId, ctx.locale);
  if (!product) {
    await ctx.reply(ctx.t('catalog-product-gone'), { reply_markup: new InlineKeyboard().text(ctx.t('catalog-title'), 'catalog:c:0:1') });
    return;
  }
  await showProduct(deps, ctx, product.id, null, { kind: 'category', id: product.categoryId ?? 0, page: 1 });
}
