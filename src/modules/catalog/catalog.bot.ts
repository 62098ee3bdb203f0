import { Composer, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import type { InputMediaPhoto } from 'grammy/types';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import type { CatalogService, CategoryPage, PhotoSource, SearchPage } from './catalog.service.ts';
import type { ProductView, VariantView } from './catalog.views.ts';

/** How long after the last catalogue screen plain text is read as a search query. */
export const SEARCH_ARMED_MS = 30 * 60_000;

/** Telegram's limit for a photo caption. */
const CAPTION_LIMIT = 1024;

/** What the catalogue keeps in the session scratch space. */
interface CatalogScratch {
  /** The last search, so that result pages fit in 64-byte callback data. */
  query?: string;
  /** Until when plain text counts as a search (the user is in the catalogue). */
  searchUntil?: number;
}

/** A screen to draw: text, or a photo with a caption. */
interface Screen {
  text: string;
  keyboard: InlineKeyboard;
  photo?: { productId: number; source: PhotoSource };
}

/** Where the card's back button leads: a category page, or the search results. */
type BackTarget = { kind: 'category'; id: number; page: number } | { kind: 'search'; page: number };

function backData(back: BackTarget): string {
  return back.kind === 'category' ? `${back.id}:${back.page}` : `s:${back.page}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Callback data of the card of product `productId` with variant `variantId` (0: default). */
export function productCardData(productId: number, variantId: number | null, back: BackTarget): string {
  return `catalog:p:${productId}:${variantId ?? 0}:${backData(back)}`;
}

/** The catalogue in the bot: category tree, product cards, search and `p_<id>` deep links. */
export function createCatalogComposer(deps: { catalog: CatalogService; now(): number }) {
  const composer = new Composer<BotContext>();
  const { catalog } = deps;

  const scratchOf = async (ctx: BotContext): Promise<CatalogScratch> => {
    const session = await ctx.session;
    session.scratch ??= {};
    const existing = session.scratch.catalog as CatalogScratch | undefined;
    if (existing && typeof existing === 'object') return existing;
    const created: CatalogScratch = {};
    session.scratch.catalog = created;
    return created;
  };

  const armSearch = async (ctx: BotContext, query?: string) => {
    const scratch = await scratchOf(ctx);
    const nowMs = deps.now();
    // Browsing re-arms only once half the window has passed: an unchanged session is not
    // written back, so most catalogue screens cost no session write at all.
    if ((scratch.searchUntil ?? 0) - nowMs < SEARCH_ARMED_MS / 2) scratch.searchUntil = nowMs + SEARCH_ARMED_MS;
    if (query !== undefined && scratch.query !== query) scratch.query = query;
  };

  const price = (ctx: BotContext, product: ProductView) => {
    const amount = formatMoney(product.priceMinor, product.currency, ctx.locale);
    return product.priceVaries ? ctx.t('catalog-price-from', { price: amount }) : amount;
  };

  const productButtonLabel = (ctx: BotContext, product: ProductView) =>
    product.stock > 0 ? `${truncate(product.title, 40)} · ${price(ctx, product)}` : `${truncate(product.title, 40)} · ${ctx.t('catalog-sold-out-short')}`;

  const categoryScreen = (ctx: BotContext, page: CategoryPage): Screen => {
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
  };

  const searchScreen = (ctx: BotContext, result: SearchPage): Screen => {
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
  };

  const cardScreen = async (ctx: BotContext, product: ProductView, variant: VariantView | null, back: BackTarget): Promise<Screen> => {
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
  };

  /** Sends a photo by cached file_id, URL, or upload; a stale file_id falls back to the bytes. */
  const photoInput = async (photo: NonNullable<Screen['photo']>, preferCache: boolean): Promise<InputFile | string | undefined> => {
    if (preferCache && photo.source.fileId) return photo.source.fileId;
    if (photo.source.url) return photo.source.url;
    const stored = await catalog.photoBytes(photo.source.photoId);
    if (!stored?.bytes) return undefined;
    const extension = stored.mime_type === 'image/jpeg' ? 'jpg' : stored.mime_type === 'image/webp' ? 'webp' : 'png';
    return new InputFile(Buffer.from(stored.bytes), `product-${photo.productId}.${extension}`);
  };

  const remember = async (photo: NonNullable<Screen['photo']>, sizes: { file_id: string }[] | undefined) => {
    const largest = sizes?.at(-1);
    if (largest && largest.file_id !== photo.source.fileId) await catalog.rememberPhotoFileId(photo.source.photoId, largest.file_id);
  };

  const isStaleFile = (error: unknown) => error instanceof GrammyError && /file|photo|IMAGE|media/i.test(error.description);

  /**
   * Draws a screen over the pressed message. Text over text and photo over photo are
   * edited in place; a change between text and photo sends the new screen and deletes the
   * old one, so the chat still shows one catalogue message.
   */
  const render = async (ctx: BotContext, screen: Screen): Promise<void> => {
    const message = ctx.callbackQuery?.message;
    const current = !message ? 'none' : 'photo' in message && message.photo ? 'photo' : 'text' in message && message.text !== undefined ? 'text' : 'other';
    if (!screen.photo) {
      if (current === 'text' || current === 'none') return editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
      await ctx.reply(screen.text, { reply_markup: screen.keyboard });
      await ctx.deleteMessage().catch(() => undefined);
      return;
    }
    const photo = screen.photo;
    if (current === 'photo') {
      for (const preferCache of [true, false]) {
        const media = await photoInput(photo, preferCache);
        if (!media) break;
        try {
          const edited = await ctx.editMessageMedia({ type: 'photo', media, caption: screen.text } as InputMediaPhoto, { reply_markup: screen.keyboard });
          if (typeof edited === 'object' && 'photo' in edited) await remember(photo, edited.photo);
          return;
        } catch (error) {
          if (/message is not modified/.test((error as Error).message)) return;
          if (!(preferCache && photo.source.fileId && isStaleFile(error))) break;
        }
      }
    }
    let sent = false;
    for (const preferCache of [true, false]) {
      const media = await photoInput(photo, preferCache);
      if (!media) break;
      try {
        const reply = await ctx.replyWithPhoto(media, { caption: screen.text, reply_markup: screen.keyboard });
        await remember(photo, reply.photo);
        sent = true;
        break;
      } catch (error) {
        if (!(preferCache && photo.source.fileId && isStaleFile(error))) throw error;
        ctx.log.warn({ err: error, photoId: photo.source.photoId }, 'cached photo file_id refused; uploading again');
      }
    }
    if (!sent) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    if (current !== 'none') await ctx.deleteMessage().catch(() => undefined);
  };

  const showCategory = async (ctx: BotContext, categoryId: number | null, page: number): Promise<boolean> => {
    const result = await catalog.categoryPage(categoryId, page, ctx.locale);
    if (!result) return false;
    await armSearch(ctx);
    await render(ctx, categoryScreen(ctx, result));
    return true;
  };

  const showSearch = async (ctx: BotContext, query: string, page: number) => {
    const result = await catalog.search(query, page, ctx.locale);
    await armSearch(ctx, query);
    await render(ctx, searchScreen(ctx, result));
  };

  const showProduct = async (ctx: BotContext, productId: number, variantId: number | null, back: BackTarget): Promise<boolean> => {
    const product = await catalog.product(productId, ctx.locale);
    if (!product) return false;
    let variant: VariantView | null = null;
    if (variantId !== null) {
      variant = product.variants.find((candidate) => candidate.id === variantId) ?? null;
      if (!variant) return false;
    } else if (product.variants.length > 0) {
      // Preselect the first variant that can be bought, so the card always offers "Add to cart".
      variant = product.variants.find((candidate) => candidate.stock > 0) ?? null;
    }
    await render(ctx, await cardScreen(ctx, product, variant, back));
    return true;
  };

  composer.command('catalog', async (ctx) => {
    await showCategory(ctx, null, 1);
  });

  composer.callbackQuery('catalog:home', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showCategory(ctx, null, 1);
  });

  composer.callbackQuery(/^catalog:c:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const id = Number(ctx.match[1]);
    const page = parsePage(ctx.match[2]);
    if (page === undefined) return next();
    // A category deleted or hidden since the button was drawn: the fallback refreshes the menu.
    const result = await catalog.categoryPage(id === 0 ? null : id, page, ctx.locale);
    if (!result) return next();
    await ctx.answerCallbackQuery();
    await armSearch(ctx);
    await render(ctx, categoryScreen(ctx, result));
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
    await showProduct(ctx, productId, variantId === 0 ? null : variantId, back);
  });

  composer.callbackQuery(/^catalog:s:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    const query = (await scratchOf(ctx)).query;
    // Without the stored query the results cannot be rebuilt (an old button): refresh instead.
    if (page === undefined || !query) return next();
    await ctx.answerCallbackQuery();
    await showSearch(ctx, query, page);
  });

  composer.callbackQuery('catalog:find', async (ctx) => {
    await ctx.answerCallbackQuery();
    await armSearch(ctx);
    await ctx.reply(ctx.t('catalog-search-prompt'));
  });

  composer.command('search', async (ctx) => {
    const raw = typeof ctx.match === 'string' ? ctx.match : '';
    if (raw.trim() === '') {
      await armSearch(ctx);
      await ctx.reply(ctx.t('catalog-search-prompt'));
      return;
    }
    const query = catalog.cleanQuery(raw);
    if (!query) {
      await ctx.reply(ctx.t('catalog-search-invalid'));
      return;
    }
    await showSearch(ctx, query, 1);
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
    await showSearch(ctx, query, 1);
  });

  /** `t.me/<bot>?start=p_<id>` opens a product card. */
  const openProductLink = async (ctx: BotContext, argument: string) => {
    const productId = /^\d{1,12}$/.test(argument) ? Number(argument) : undefined;
    const product = productId === undefined ? undefined : await catalog.product(productId, ctx.locale);
    if (!product) {
      await ctx.reply(ctx.t('catalog-product-gone'), { reply_markup: new InlineKeyboard().text(ctx.t('catalog-title'), 'catalog:c:0:1') });
      return;
    }
    await showProduct(ctx, product.id, null, { kind: 'category', id: product.categoryId ?? 0, page: 1 });
  };

  return { composer, openProductLink };
}
