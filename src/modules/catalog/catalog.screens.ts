/**
 * The catalogue's screens in the bot: a category page, search results and a product card,
 * and showing each of them over the pressed message.
 */
import { InlineKeyboard } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { addPagerRow } from '../../telegram/paginator.ts';
import { armSearch, productCardData, truncate, type BackTarget, type CatalogComposerDeps, type Screen } from './catalog.bot.shared.ts';
import { render } from './catalog.render.ts';
import type { CategoryPage, SearchPage } from './catalog.service.ts';
import type { ProductView, VariantView } from './catalog.views.ts';

/** Telegram's limit for a photo caption. */
const CAPTION_LIMIT = 1024;

function price(ctx: BotContext, product: ProductView): string {
  const amount = formatMoney(product.priceMinor, product.currency, ctx.locale);
  return product.priceVaries ? ctx.t('catalog-price-from', { price: amount }) : amount;
}

function productButtonLabel(ctx: BotContext, product: ProductView): string {
  return product.stock > 0 ? `${truncate(product.title, 40)} · ${price(ctx, product)}` : `${truncate(product.title, 40)} · ${ctx.t('catalog-sold-out-short')}`;
}

export function categoryScreen(ctx: BotContext, page: CategoryPage): Screen {
  const keyboard = new InlineKeyboard();
  const categoryId = page.category?.id ?? 0;
  for (const entry of page.entries) {
    if (entry.kind === 'category') keyboard.text(`📁 ${truncate(entry.category.title, 50)}`, `catalog:c:${entry.category.id}:1`).row();
    else keyboard.text(productButtonLabel(ctx, entry.product), productCardData(entry.product.id, null, { kind: 'category', id: categoryId, page: page.window.page })).row();
  }
  addPagerRow(keyboard, {
    t: ctx.t,
    window: page.window,
    pageData: (target) => `catalog:c:${categoryId}:${target}`,
  });
  keyboard.text(ctx.t('catalog-search-button'), 'catalog:find');
  if (page.category) keyboard.text(ctx.t('catalog-back'), `catalog:c:${page.category.parentId ?? 0}:1`);
  keyboard.row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  const trail = [ctx.t('catalog-title'), ...page.path].join(' › ');
  const hint = page.entries.length === 0 ? ctx.t('catalog-empty') : ctx.t('catalog-hint');
  return { text: `${trail}\n\n${hint}`, keyboard };
}

function searchScreen(ctx: BotContext, result: SearchPage): Screen {
  const keyboard = new InlineKeyboard();
  for (const product of result.products) {
    keyboard.text(productButtonLabel(ctx, product), productCardData(product.id, null, { kind: 'search', page: result.window.page })).row();
  }
  addPagerRow(keyboard, { t: ctx.t, window: result.window, pageData: (target) => `catalog:s:${target}` });
  keyboard.text(ctx.t('catalog-title'), 'catalog:c:0:1').text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  const text =
    result.window.total === 0
      ? ctx.t('catalog-search-none', { query: result.query })
      : ctx.t('catalog-search-results', { query: result.query, count: result.window.total });
  return { text, keyboard };
}

async function cardScreen(deps: CatalogComposerDeps, ctx: BotContext, product: ProductView, variant: VariantView | null, back: BackTarget): Promise<Screen> {
  const { catalog } = deps;
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const option of product.variants) {
    const selected = option.id === variant?.id;
    const mark = selected ? '✓ ' : option.stock === 0 ? '✕ ' : '';
    keyboard.text(`${mark}${truncate(option.title, 28)}`, productCardData(product.id, option.id, back));
    inRow += 1;
    if (inRow === 2) {
      keyboard.row();
      inRow = 0;
    }
  }
  if (inRow > 0) keyboard.row();
  const actions = await catalog.cardActions({ product, variant, userId: ctx.from?.id ?? 0, locale: ctx.locale });
  for (const action of actions) keyboard.text(action.label, action.data);
  if (actions.length > 0) keyboard.row();
  keyboard.text(ctx.t('catalog-back'), back.kind === 'category' ? `catalog:c:${back.id}:${back.page}` : `catalog:s:${back.page}`);
  keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);

  const stock = variant ? variant.stock : product.stock;
  const lines = [
    product.title,
    variant ? `${variant.title} — ${formatMoney(variant.priceMinor, product.currency, ctx.locale)}` : price(ctx, product),
    stock > 0 ? ctx.t('catalog-in-stock', { count: stock }) : ctx.t('catalog-sold-out'),
  ];
  if (product.variants.length > 0 && !variant) lines.push(ctx.t('catalog-choose-variant'));
  const head = lines.join('\n');
  const room = CAPTION_LIMIT - head.length - 2;
  const text = product.description && room > 20 ? `${head}\n\n${truncate(product.description, room)}` : head;
  const source = await catalog.photo(product.id);
  return { text, keyboard, ...(source ? { photo: { productId: product.id, source } } : {}) };
}

/** Shows a page of category `categoryId` (the root when null); false when it is gone or hidden. */
export async function showCategory(deps: CatalogComposerDeps, ctx: BotContext, categoryId: number | null, page: number): Promise<boolean> {
  const result = await deps.catalog.categoryPage(categoryId, page, ctx.locale);
  if (!result) return false;
  await armSearch(deps, ctx);
  await render(deps, ctx, categoryScreen(ctx, result));
  return true;
}

/** Shows a page of the results of searching `query`. */
export async function showSearch(deps: CatalogComposerDeps, ctx: BotContext, query: string, page: number): Promise<void> {
  const result = await deps.catalog.search(query, page, ctx.locale);
  await armSearch(deps, ctx, query);
  await render(deps, ctx, searchScreen(ctx, result));
}

/** Shows the card of a product (with a variant chosen); false when the product or the variant is gone. */
export async function showProduct(deps: CatalogComposerDeps, ctx: BotContext, productId: number, variantId: number | null, back: BackTarget): Promise<boolean> {
  const product = await deps.catalog.product(productId, ctx.locale);
  if (!product) return false;
  let variant: VariantView | null = null;
  if (variantId !== null) {
    variant = product.variants.find((candidate) => candidate.id === variantId) ?? null;
    if (!variant) return false;
  } else if (product.variants.length > 0) {
    // Preselect the first variant that can be bought, so the card always offers "Add to cart".
    variant = product.variants.find((candidate) => candidate.stock > 0) ?? null;
  }
  await render(deps, ctx, await cardScreen(deps, ctx, product, variant, back));
  return true;
}
