// How catalogue rows become what readers and staff see, and the helpers the catalogue's use
// cases share (texts per language, search text, hidden branches of the tree).

import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { LocalizedTexts } from './catalog.csv.ts';
import { CatalogError } from './catalog.errors.ts';
import { createCatalogRepository, type CatalogRepository, type ProductFilter } from './catalog.repository.ts';
import type { CatalogCache } from './catalog.cache.ts';
import { attachCatalogCache, cachedCatalogRepository } from './catalog.cached.ts';
import type { CategoryRecord, ProductRecord, VariantRecord } from './catalog.tables.ts';

export type Translations = Partial<Record<Locale, { title?: string; description?: string }>>;

/** Most texts of translations kept parsed; past it the memory starts over. */
const PARSED_TRANSLATIONS_KEPT = 5_000;
const parsedTranslations = new Map<string, Translations>();

/**
 * A row's translations. Every screen, card and quote reads them from the cached rows, so each
 * text is parsed once and shared, frozen: a caller cannot change what the next one gets.
 */
export function parseTranslations(json: string | null): Translations {
  if (!json) return {};
  let parsed = parsedTranslations.get(json);
  if (!parsed) {
    try {
      parsed = JSON.parse(json) as Translations;
    } catch {
      parsed = {};
    }
    if (typeof parsed !== 'object' || parsed === null) parsed = {};
    for (const texts of Object.values(parsed)) if (texts && typeof texts === 'object') Object.freeze(texts);
    Object.freeze(parsed);
    if (parsedTranslations.size >= PARSED_TRANSLATIONS_KEPT) parsedTranslations.clear();
    parsedTranslations.set(json, parsed);
  }
  return parsed;
}

/** Lower-cases and folds `ё` so that search ignores case and that spelling difference. */
export function normaliseSearchText(text: string): string {
  return text.toLowerCase().replace(/\u0451/g, '\u0435').replace(/\s+/g, ' ').trim();
}

/** Escapes LIKE wildcards in user input; the repository uses `escape '\'`. */
export function likePattern(query: string): string {
  return `%${normaliseSearchText(query).replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Splits a list into chunks: SQLite limits the bound parameters of one statement. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/** A category as shown to a reader. */
export interface CategoryView {
  id: number;
  parentId: number | null;
  title: string;
}

/** A variant as shown to a reader. */
export interface VariantView {
  id: number;
  title: string;
  options: Record<string, string>;
  priceMinor: number;
  stock: number;
}

/** A product as shown to a reader, in their language. */
export interface ProductView {
  id: number;
  categoryId: number | null;
  title: string;
  description: string;
  /** The product's own price; with variants, the lowest variant price. */
  priceMinor: number;
  /** True when variants have different prices ("from 5 000 ₸"). */
  priceVaries: boolean;
  currency: string;
  /** Units that can be bought: the product's stock, or the variants' together. */
  stock: number;
  variants: VariantView[];
}

/** A category as staff see it: every language, position, hidden flag and how many products it holds. */
export interface StaffCategoryView {
  id: number;
  parentId: number | null;
  title: string;
  titles: LocalizedTexts;
  position: number;
  hidden: boolean;
  productCount: number;
}

/** A variant as staff edit it. */
export interface StaffVariantView extends VariantView {
  titles: LocalizedTexts;
}

/** A product as staff edit it: every language, its own price and stock, hidden flag, photo. */
export interface StaffProductView {
  id: number;
  categoryId: number | null;
  title: string;
  titles: LocalizedTexts;
  description: string;
  descriptions: LocalizedTexts;
  /** The product's own price and stock (used when it has no variants). */
  priceMinor: number;
  stock: number;
  /** What customers see: the lowest variant price, and the stock of all variants together. */
  fromPriceMinor: number;
  priceVaries: boolean;
  totalStock: number;
  currency: string;
  hidden: boolean;
  /** A digital good or service, which Telegram Stars may pay for. */
  digital: boolean;
  /** The back office's id (SKU), set through the integration API or the CSV; read-only in the panel. */
  externalId: string | null;
  photoId: number | null;
  variants: StaffVariantView[];
  updatedAt: number;
}

/** Dependencies of the catalogue service. */
export interface CatalogServiceDeps {
  db: DbExecutor;
  now(): number;
  currency: string;
  defaultLocale: Locale;
  pageSize: number;
  /**
   * The read cache (default: the database's own, see catalog.cached.ts); `false` reads the
   * database every time.
   */
  readCache?: CatalogCache | false;
}

/** The views and shared helpers of one catalogue, over its repository. */
export function createCatalogViews(deps: CatalogServiceDeps) {
  const attachment = deps.readCache === false ? undefined : attachCatalogCache(deps.db, { now: deps.now, ...(deps.readCache ? { cache: deps.readCache } : {}) });
  // Reads through `repository` may come from the cache; a transaction's own repository never does.
  const repository = attachment ? cachedCatalogRepository(createCatalogRepository(deps.db), deps.db, attachment) : createCatalogRepository(deps.db);
  const readCache = attachment?.cache;

  /** Splits a localised input into the default-language text and the translations. */
  const splitLocalized = (value: string | Partial<Record<Locale, string>> | undefined): { text: string; byLocale: Partial<Record<Locale, string>> } => {
    if (value === undefined) return { text: '', byLocale: {} };
    if (typeof value === 'string') return { text: value, byLocale: {} };
    const text = value[deps.defaultLocale] ?? Object.values(value)[0] ?? '';
    return { text, byLocale: value };
  };

  const translationsJson = (title: Partial<Record<Locale, string>>, description: Partial<Record<Locale, string>> = {}): string | null => {
    const result: Translations = {};
    for (const locale of SUPPORTED_LOCALES) {
      const entry: { title?: string; description?: string } = {};
      if (title[locale]) entry.title = title[locale];
      if (description[locale]) entry.description = description[locale];
      if (entry.title || entry.description) result[locale] = entry;
    }
    return Object.keys(result).length > 0 ? JSON.stringify(result) : null;
  };

  const categoryView = (row: CategoryRecord, locale: Locale): CategoryView => ({
    id: row.id,
    parentId: row.parent_id,
    title: parseTranslations(row.translations)[locale]?.title ?? row.title,
  });

  const variantView = (row: VariantRecord, locale: Locale): VariantView => ({
    id: row.id,
    title: parseTranslations(row.translations)[locale]?.title ?? row.title,
    options: row.options ? (JSON.parse(row.options) as Record<string, string>) : {},
    priceMinor: row.price_minor,
    stock: row.stock,
  });

  const productViews = async (rows: readonly ProductRecord[], locale: Locale): Promise<ProductView[]> => {
    const variants = await repository.listVariants(rows.map((row) => row.id));
    return rows.map((row) => {
      const own = variants.filter((variant) => variant.product_id === row.id).map((variant) => variantView(variant, locale));
      const translated = parseTranslations(row.translations)[locale];
      const prices = own.map((variant) => variant.priceMinor);
      return {
        id: row.id,
        categoryId: row.category_id,
        title: translated?.title ?? row.title,
        description: translated?.description ?? row.description,
        priceMinor: own.length > 0 ? Math.min(...prices) : row.price_minor,
        priceVaries: own.length > 0 && new Set(prices).size > 1,
        currency: row.currency,
        stock: own.length > 0 ? own.reduce((sum, variant) => sum + variant.stock, 0) : row.stock,
        variants: own,
      };
    });
  };

  const searchTextOf = (parts: readonly (string | undefined)[]): string => normaliseSearchText(parts.filter(Boolean).join(' ')).slice(0, 4000);

  /** A field's texts per language; the plain column counts as the default language when no translation says otherwise. */
  const textsOf = (text: string, translations: string | null, field: 'title' | 'description'): LocalizedTexts => {
    const parsed = parseTranslations(translations);
    const result: LocalizedTexts = {};
    for (const locale of SUPPORTED_LOCALES) {
      const value = parsed[locale]?.[field];
      if (value) result[locale] = value;
    }
    if (text && !result[deps.defaultLocale] && !Object.values(result).includes(text)) result[deps.defaultLocale] = text;
    return result;
  };

  /** The plain column for texts per language: the default language's, else the first given. */
  const plainText = (texts: LocalizedTexts): string => texts[deps.defaultLocale] ?? SUPPORTED_LOCALES.map((locale) => texts[locale]).find(Boolean) ?? '';

  /** Recomputes a product's search text from its titles, description and live variants. */
  const refreshSearchText = async (scoped: CatalogRepository, productId: number): Promise<void> => {
    const product = await scoped.findProductForStaff(productId);
    if (!product) return;
    const variants = await scoped.listVariants([productId]);
    const parts = [
      ...Object.values(textsOf(product.title, product.translations, 'title')),
      ...Object.values(textsOf(product.description, product.translations, 'description')),
      ...variants.flatMap((variant) => Object.values(textsOf(variant.title, variant.translations, 'title'))),
    ];
    await scoped.updateProduct(productId, { search_text: searchTextOf(parts) }, deps.now());
  };

  /** Ids of hidden categories and everything below them: customers see none of it. */
  const hiddenSubtrees = async (): Promise<number[]> => {
    const categories = await repository.listCategories();
    const byParent = Map.groupBy(categories, (row) => row.parent_id);
    const hidden = new Set<number>();
    // The visited set also ends a cycle someone wrote into the table by hand.
    const walk = (row: CategoryRecord) => {
      if (hidden.has(row.id)) return;
      hidden.add(row.id);
      for (const child of byParent.get(row.id) ?? []) walk(child);
    };
    for (const row of categories) if (row.is_hidden === 1) walk(row);
    return [...hidden];
  };

  const staffProductViews = async (rows: readonly ProductRecord[], locale: Locale): Promise<StaffProductView[]> => {
    const variants = await repository.listVariants(rows.map((row) => row.id));
    const photos = await repository.firstPhotoIds(rows.map((row) => row.id));
    return rows.map((row) => {
      const own = variants.filter((variant) => variant.product_id === row.id);
      const prices = own.map((variant) => variant.price_minor);
      const translated = parseTranslations(row.translations)[locale];
      return {
        id: row.id,
        categoryId: row.category_id,
        title: translated?.title ?? row.title,
        titles: textsOf(row.title, row.translations, 'title'),
        description: translated?.description ?? row.description,
        descriptions: textsOf(row.description, row.translations, 'description'),
        priceMinor: row.price_minor,
        stock: row.stock,
        fromPriceMinor: own.length > 0 ? Math.min(...prices) : row.price_minor,
        priceVaries: own.length > 0 && new Set(prices).size > 1,
        totalStock: own.length > 0 ? own.reduce((sum, variant) => sum + variant.stock, 0) : row.stock,
        currency: row.currency,
        hidden: row.is_hidden === 1,
        digital: row.is_digital === 1,
        externalId: row.external_id,
        photoId: photos.get(row.id) ?? null,
        variants: own.map((variant) => ({ ...variantView(variant, locale), titles: textsOf(variant.title, variant.translations, 'title') })),
        updatedAt: row.updated_at,
      };
    });
  };

  const staffProductOrThrow = async (scoped: CatalogRepository, productId: number): Promise<ProductRecord> => {
    const product = await scoped.findProductForStaff(productId);
    if (!product) throw new CatalogError('catalog.product_not_found', 'This product does not exist or was archived.', { productId });
    return product;
  };

  const categoryOrThrow = async (scoped: CatalogRepository, categoryId: number | null): Promise<void> => {
    if (categoryId !== null && !(await scoped.findCategoryForStaff(categoryId))) {
      throw new CatalogError('catalog.unknown_category', 'This category does not exist.', { categoryId });
    }
  };

  return { deps, repository, readCache, splitLocalized, translationsJson, categoryView, variantView, productViews, searchTextOf, textsOf, plainText, refreshSearchText, hiddenSubtrees, staffProductViews, staffProductOrThrow, categoryOrThrow };
}

/** What the catalogue's use cases share. */
export type CatalogViews = ReturnType<typeof createCatalogViews>;

/** What staff and the admin API filter products by. */
export interface ProductListOptions {
  query?: string;
  categoryId?: number;
  inStockOnly?: boolean;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  visibility?: 'visible' | 'hidden' | 'all';
}

/** The repository's filter for a product listing: the query as a LIKE pattern, hidden products as asked. */
export function productFilterOf(options: ProductListOptions): ProductFilter {
  return {
    categoryId: options.categoryId,
    searchPattern: options.query ? likePattern(options.query) : undefined,
    inStockOnly: options.inStockOnly,
    minPriceMinor: options.minPriceMinor,
    maxPriceMinor: options.maxPriceMinor,
    ...(options.visibility ? { visibility: options.visibility } : {}),
  };
}
