import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import type { DbExecutor } from '../../db/database.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { buildCatalogCsv, importIssue, readCatalogCsv, type ExportProduct, type ImportIssue, type ImportPlan, type LocalizedTexts } from './catalog.csv.ts';
import { createCatalogRepository, type CatalogRepository, type ProductFilter, type StockTarget } from './catalog.repository.ts';
import type { CategoryRecord, ProductRecord, VariantRecord } from './catalog.tables.ts';
import { TILE_SHAPES, renderTilePng } from './tile-image.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A catalogue rule was broken; `code` says which (`catalog.out_of_stock`, …). */
export class CatalogError extends LavkaError {
  override readonly name = 'CatalogError';
  get kind(): ErrorKind {
    return CATALOG_KINDS[this.code] ?? 'invalid';
  }
}

/** The kind of each refusal of the catalogue; codes not listed are invalid input. */
const CATALOG_KINDS: Readonly<Record<string, ErrorKind>> = {
  'catalog.product_not_found': 'not_found',
  'catalog.category_not_found': 'not_found',
  'catalog.variant_not_found': 'not_found',
  'catalog.photo_not_found': 'not_found',
  'catalog.category_cycle': 'conflict',
  'catalog.order_mismatch': 'conflict',
  'catalog.photo_too_large': 'too_large',
  'catalog.photo_type': 'unsupported',
  'catalog.import_invalid': 'unprocessable',
};

/** Longest search query; longer text is not a product name. */
export const MAX_QUERY_LENGTH = 64;
/** Shortest search query worth running. */
export const MIN_QUERY_LENGTH = 2;

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** A text in one language, or per language: `"Hoodie"` or `{ ru: "Худи", en: "Hoodie" }`. */
const localizedText = (max: number) =>
  z.union([z.string().trim().min(1).max(max), z.partialRecord(localeSchema, z.string().trim().min(1).max(max))]);

/** Settings under `settings.catalog` in the business config. */
export const catalogSettingsSchema = z
  .object({
    /** Rows per page of a category or search screen. */
    pageSize: z.number().int().min(1).max(20).default(6),
  })
  .default({ pageSize: 6 });

/** A variant as an owner submits it (admin API); money in minor units. */
export const variantInputSchema = z.object({
  title: localizedText(64),
  options: z.record(z.string().max(32), z.string().max(32)).optional(),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000),
});

/** A product as an owner submits it (admin API); money in minor units. */
export const productInputSchema = z.object({
  categoryId: z.number().int().positive().nullable().default(null),
  title: localizedText(120),
  description: localizedText(800).optional(),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000).default(0),
  position: z.number().int().min(0).max(100_000).optional(),
  variants: z.array(variantInputSchema).max(40).default([]),
  /** A digital good or service: the only kind Telegram Stars may pay for. */
  digital: z.boolean().default(false),
});

/** A category as an owner submits it. */
export const categoryInputSchema = z.object({
  parentId: z.number().int().positive().nullable().default(null),
  title: localizedText(64),
  position: z.number().int().min(0).max(100_000).optional(),
});

/** Largest product photo staff may upload (Telegram's own limit for photos). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Texts per language as the panel edits them; an empty text removes that language. */
const staffTexts = (max: number) =>
  z
    .partialRecord(localeSchema, z.string().max(max))
    .transform((value) => Object.fromEntries(Object.entries(value).map(([locale, text]) => [locale, text?.replace(/\s+/g, ' ').trim() ?? '']).filter(([, text]) => text !== '')) as LocalizedTexts);
const requiredTexts = (max: number) => staffTexts(max).refine((value) => Object.keys(value).length > 0, 'give a title in at least one language');

/** A category as staff create it in the panel. */
export const staffCategoryCreateSchema = z.object({ parentId: z.number().int().positive().nullable().default(null), title: requiredTexts(64) });

/** A change to a category: rename (per language), move under another parent, hide or show. */
export const staffCategoryPatchSchema = z
  .object({ title: requiredTexts(64).optional(), parentId: z.number().int().positive().nullable().optional(), hidden: z.boolean().optional() })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

/** A product as staff create it in the panel; money in minor units. */
export const staffProductCreateSchema = z.object({
  categoryId: z.number().int().positive().nullable().default(null),
  title: requiredTexts(120),
  description: staffTexts(800).default({}),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000).default(0),
  hidden: z.boolean().default(false),
  /** A digital good or service: the only kind Telegram Stars may pay for. */
  digital: z.boolean().default(false),
});

/** A change to a product. */
export const staffProductPatchSchema = z
  .object({
    categoryId: z.number().int().positive().nullable().optional(),
    title: requiredTexts(120).optional(),
    description: staffTexts(800).optional(),
    priceMinor: z.number().int().min(0).max(1e13).optional(),
    stock: z.number().int().min(0).max(1_000_000).optional(),
    hidden: z.boolean().optional(),
    digital: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

/** A variant as staff add it. */
export const staffVariantCreateSchema = z.object({
  title: requiredTexts(64),
  options: z.record(z.string().max(32), z.string().max(32)).optional(),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000).default(0),
});

/** A change to a variant. */
export const staffVariantPatchSchema = z
  .object({ title: requiredTexts(64).optional(), priceMinor: z.number().int().min(0).max(1e13).optional(), stock: z.number().int().min(0).max(1_000_000).optional() })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

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
  photoId: number | null;
  variants: StaffVariantView[];
  updatedAt: number;
}

/** What an import did. */
export interface ImportSummary {
  productsCreated: number;
  productsUpdated: number;
  variantsCreated: number;
  variantsUpdated: number;
}

/** The image type of uploaded bytes by their first bytes (not by what the browser claims). */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Splits a list into chunks: SQLite limits the bound parameters of one statement. */
function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

const demoImageSchema = z.object({ colour: z.string().regex(/^#[0-9a-fA-F]{6}$/), shape: z.enum(TILE_SHAPES) });

const demoProductSchema = z.object({
  title: localizedText(120),
  description: localizedText(800).optional(),
  /** Major units as people write prices (tenge, not tiyn). */
  price: z.number().min(0),
  stock: z.number().int().min(0).default(0),
  /** A digital good (payable in Telegram Stars). */
  digital: z.boolean().default(false),
  image: demoImageSchema.optional(),
  variants: z
    .array(
      z.object({
        title: localizedText(64),
        options: z.record(z.string(), z.string()).optional(),
        price: z.number().min(0).optional(),
        stock: z.number().int().min(0),
      }),
    )
    .default([]),
});

/** One demo category with its products and subcategories. */
export interface DemoCategory {
  title: z.infer<ReturnType<typeof localizedText>>;
  products?: z.infer<typeof demoProductSchema>[];
  children?: DemoCategory[];
}

const demoCategorySchema: z.ZodType<DemoCategory> = z.lazy(() =>
  z.object({
    title: localizedText(64),
    products: z.array(demoProductSchema).optional(),
    children: z.array(demoCategorySchema).optional(),
  }),
);

/** Demo data shape in `presets/<name>/preset.yaml` under `demo.catalog`. */
export const catalogDemoSchema = z.object({ categories: z.array(demoCategorySchema) });

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

/** An entry of a category screen: a subcategory or a product. */
export type CategoryEntry = { kind: 'category'; category: CategoryView } | { kind: 'product'; product: ProductView };

/** One page of a category: its subcategories first, then its products. */
export interface CategoryPage {
  category: CategoryView | null;
  /** Titles from the top level down to this category. */
  path: string[];
  entries: CategoryEntry[];
  window: PageWindow;
}

/** One page of search results. */
export interface SearchPage {
  query: string;
  products: ProductView[];
  window: PageWindow;
}

/** What a cart line refers to. */
export interface ItemRef {
  productId: number;
  variantId: number | null;
}

/** The current truth about a sellable item: what it is called, costs and how many are left. */
export interface ItemQuote extends ItemRef {
  title: string;
  variantTitle: string | null;
  unitPriceMinor: number;
  currency: string;
  stock: number;
}

/** A button another module adds to the product card (the cart's "Add to cart"). */
export interface CardAction {
  label: string;
  /** Callback data, `<module>:<action>:<args>`, at most 64 bytes. */
  data: string;
}

/** What a card action provider learns about the card being drawn. */
export interface CardContext {
  product: ProductView;
  variant: VariantView | null;
  userId: number;
  locale: Locale;
}

/** Supplies buttons for the product card; registered by modules set up after the catalogue. */
export type CardActionProvider = (card: CardContext) => Promise<CardAction[]> | CardAction[];

/** Where a product's photo comes from when it is sent. */
export interface PhotoSource {
  photoId: number;
  /** Telegram's id once uploaded; send this instead of the bytes. */
  fileId: string | null;
  url: string | null;
}

type Translations = Partial<Record<Locale, { title?: string; description?: string }>>;

/** Lower-cases and folds `ё` so that search ignores case and that spelling difference. */
export function normaliseSearchText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** Escapes LIKE wildcards in user input; the repository uses `escape '\'`. */
function likePattern(query: string): string {
  return `%${normaliseSearchText(query).replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function parseTranslations(json: string | null): Translations {
  if (!json) return {};
  try {
    return JSON.parse(json) as Translations;
  } catch {
    return {};
  }
}

/** Dependencies of the catalogue service. */
export interface CatalogServiceDeps {
  db: DbExecutor;
  now(): number;
  currency: string;
  defaultLocale: Locale;
  pageSize: number;
}

/** The catalogue: category tree, products with variants and photos, search and stock. */
export function createCatalogService(deps: CatalogServiceDeps) {
  const repository = createCatalogRepository(deps.db);
  const cardActionProviders: CardActionProvider[] = [];

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

  /** Checks a plan's ids against the database; every problem is reported with its row. */
  const checkPlan = async (plan: ImportPlan): Promise<ImportIssue[]> => {
    const issues: ImportIssue[] = [];
    const categoryIds = new Set((await repository.listCategories()).map((row) => row.id));
    const productIds = [...new Set([...plan.products.flatMap((item) => (item.productId === null ? [] : [item.productId])), ...plan.variants.flatMap((item) => (item.productId === null ? [] : [item.productId]))])];
    const live = new Set<number>();
    for (const part of chunks(productIds)) for (const id of await repository.liveProductIds(part)) live.add(id);
    const variantIds = plan.variants.flatMap((item) => (item.variantId === null ? [] : [item.variantId]));
    const variants = new Map<number, VariantRecord>();
    for (const part of chunks(variantIds)) for (const row of await repository.findVariants(part)) variants.set(row.id, row);
    for (const product of plan.products) {
      if (product.productId !== null && !live.has(product.productId)) issues.push(importIssue(product.row, 'import.unknown_product', { column: 'product_id', value: String(product.productId) }));
      if (product.categoryId !== null && !categoryIds.has(product.categoryId)) issues.push(importIssue(product.row, 'import.unknown_category', { column: 'category_id', value: String(product.categoryId) }));
    }
    for (const variant of plan.variants) {
      if (variant.productId !== null && !live.has(variant.productId)) issues.push(importIssue(variant.row, 'import.unknown_product', { column: 'product_id', value: String(variant.productId) }));
      else if (variant.variantId !== null) {
        const found = variants.get(variant.variantId);
        // A known variant listed under a new product, or under another product, is not this one.
        if (!found || variant.productId === null || found.product_id !== variant.productId) {
          issues.push(importIssue(variant.row, 'import.unknown_variant', { column: 'variant_id', value: String(variant.variantId) }));
        }
      }
    }
    return issues.sort((a, b) => a.row - b.row);
  };

  const service = {
    pageSize: deps.pageSize,

    /** A visible category in the reader's language. */
    async category(id: number, locale: Locale): Promise<CategoryView | undefined> {
      const row = await repository.findCategory(id);
      return row ? categoryView(row, locale) : undefined;
    },

    /**
     * One page of a category (or of the top level when `categoryId` is null): its
     * subcategories, then its products. Undefined when the category is gone or hidden.
     */
    async categoryPage(categoryId: number | null, page: number, locale: Locale, pageSize = deps.pageSize): Promise<CategoryPage | undefined> {
      let category: CategoryView | null = null;
      const path: string[] = [];
      if (categoryId !== null) {
        const row = await repository.findCategory(categoryId);
        if (!row) return undefined;
        category = categoryView(row, locale);
        // Walk up for the breadcrumb; a cycle written by hand in the database stops at 20.
        let parentId = row.parent_id;
        path.unshift(category.title);
        for (let depth = 0; parentId !== null && depth < 20; depth += 1) {
          const parent = await repository.findCategory(parentId);
          if (!parent) break;
          path.unshift(categoryView(parent, locale).title);
          parentId = parent.parent_id;
        }
      }
      const children = (await repository.listChildren(categoryId)).map((row) => categoryView(row, locale));
      // The top level lists categories only; uncategorised products are found by search.
      const filter: ProductFilter = { categoryId: categoryId ?? undefined };
      const productCount = categoryId === null ? 0 : await repository.countProducts(filter);
      const window = pageWindow(children.length + productCount, page, pageSize);
      const entries: CategoryEntry[] = children
        .slice(window.offset, window.offset + window.limit)
        .map((child) => ({ kind: 'category', category: child }));
      const productSlots = window.limit - entries.length;
      if (productSlots > 0 && productCount > 0) {
        const offset = Math.max(0, window.offset - children.length);
        const rows = await repository.listProducts(filter, offset, productSlots);
        for (const product of await productViews(rows, locale)) entries.push({ kind: 'product', product });
      }
      return { category, path, entries, window };
    },

    /** A live product with its live variants, in the reader's language. */
    async product(id: number, locale: Locale): Promise<ProductView | undefined> {
      const row = await repository.findProduct(id);
      if (!row) return undefined;
      return (await productViews([row], locale))[0];
    },

    /** Normalises a query; undefined when it is too short or too long to search for. */
    cleanQuery(raw: string): string | undefined {
      const query = raw.replace(/\s+/g, ' ').trim();
      return query.length >= MIN_QUERY_LENGTH && query.length <= MAX_QUERY_LENGTH ? query : undefined;
    },

    /** Products whose title, description or translations contain the query, any case. */
    async search(query: string, page: number, locale: Locale, pageSize = deps.pageSize): Promise<SearchPage> {
      const filter: ProductFilter = { searchPattern: likePattern(query), excludeCategoryIds: await hiddenSubtrees() };
      const window = pageWindow(await repository.countProducts(filter), page, pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { query, products: await productViews(rows, locale), window };
    },

    /** Filtered product listing for the admin API. */
    async listProducts(
      options: { query?: string; categoryId?: number; inStockOnly?: boolean; minPriceMinor?: number; maxPriceMinor?: number; page: number; pageSize: number },
      locale: Locale,
    ): Promise<{ products: ProductView[]; window: PageWindow }> {
      const filter: ProductFilter = {
        categoryId: options.categoryId,
        searchPattern: options.query ? likePattern(options.query) : undefined,
        inStockOnly: options.inStockOnly,
        minPriceMinor: options.minPriceMinor,
        maxPriceMinor: options.maxPriceMinor,
      };
      const window = pageWindow(await repository.countProducts(filter), options.page, options.pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { products: await productViews(rows, locale), window };
    },

    /** Every category (hidden ones too), for the admin API. */
    async listCategories(locale: Locale): Promise<CategoryView[]> {
      return (await repository.listCategories()).map((row) => categoryView(row, locale));
    },

    /**
     * The current name, price and stock of items, keyed `productId:variantId`. An item is
     * missing from the map when it can no longer be sold as referenced: product or variant
     * archived, a variant required but not given, or a variant given that is not the product's.
     */
    async quote(items: readonly ItemRef[], locale: Locale, executor: DbExecutor = deps.db): Promise<Map<string, ItemQuote>> {
      const source = executor === deps.db ? repository : createCatalogRepository(executor);
      const productIds = [...new Set(items.map((item) => item.productId))];
      const products = new Map((await source.findProducts(productIds)).map((row) => [row.id, row]));
      const variants = await source.listVariants(productIds);
      const result = new Map<string, ItemQuote>();
      for (const item of items) {
        const product = products.get(item.productId);
        if (!product) continue;
        const own = variants.filter((variant) => variant.product_id === product.id);
        const translated = parseTranslations(product.translations)[locale];
        const title = translated?.title ?? product.title;
        if (item.variantId === null) {
          if (own.length > 0) continue;
          result.set(itemKey(item), { ...item, title, variantTitle: null, unitPriceMinor: product.price_minor, currency: product.currency, stock: product.stock });
        } else {
          const variant = own.find((candidate) => candidate.id === item.variantId);
          if (!variant) continue;
          result.set(itemKey(item), {
            ...item,
            title,
            variantTitle: variantView(variant, locale).title,
            unitPriceMinor: variant.price_minor,
            currency: product.currency,
            stock: variant.stock,
          });
        }
      }
      return result;
    },

    /**
     * Takes the items out of stock inside the caller's transaction (an order being placed),
     * all or nothing: the first item short of stock throws `catalog.out_of_stock` and the
     * caller's transaction rolls back. Rows are locked in one order to avoid deadlocks.
     */
    async reserveStock(executor: DbExecutor, lines: readonly StockTarget[]): Promise<void> {
      const scoped = createCatalogRepository(executor);
      const sorted = [...lines].sort((a, b) => a.productId - b.productId || (a.variantId ?? 0) - (b.variantId ?? 0));
      for (const line of sorted) {
        if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
          throw new CatalogError('catalog.invalid_quantity', 'quantity must be a positive integer', { ...line });
        }
        if (!(await scoped.decrementStock(line, deps.now()))) {
          throw new CatalogError('catalog.out_of_stock', 'not enough stock', { productId: line.productId, variantId: line.variantId });
        }
      }
    },

    /** Which of `productIds` are digital goods (Stars may pay for an order made only of those). */
    async digitalProductIds(productIds: readonly number[]): Promise<ReadonlySet<number>> {
      const found: number[] = [];
      for (const part of chunks([...new Set(productIds)])) found.push(...(await repository.digitalProductIds(part)));
      return new Set(found);
    },

    /** Returns items to stock inside the caller's transaction (a cancelled order). */
    async releaseStock(executor: DbExecutor, lines: readonly StockTarget[]): Promise<void> {
      const scoped = createCatalogRepository(executor);
      for (const line of lines) await scoped.incrementStock(line, deps.now());
    },

    /** Creates a category from owner input. */
    async createCategory(input: unknown): Promise<CategoryView> {
      const parsed = categoryInputSchema.parse(input);
      if (parsed.parentId !== null && !(await repository.findCategory(parsed.parentId))) {
        throw new CatalogError('catalog.unknown_category', 'the parent category does not exist', { parentId: parsed.parentId });
      }
      const title = splitLocalized(parsed.title);
      const row = await repository.insertCategory(
        { parent_id: parsed.parentId, title: title.text, translations: translationsJson(title.byLocale), position: parsed.position ?? 0 },
        deps.now(),
      );
      return categoryView(row, deps.defaultLocale);
    },

    /** Creates a product (with variants) from owner input; money in minor units of the business currency. */
    async createProduct(input: unknown): Promise<ProductView> {
      const parsed = productInputSchema.parse(input);
      if (parsed.categoryId !== null && !(await repository.findCategory(parsed.categoryId))) {
        throw new CatalogError('catalog.unknown_category', 'the category does not exist', { categoryId: parsed.categoryId });
      }
      const title = splitLocalized(parsed.title);
      const description = splitLocalized(parsed.description);
      const variantTitles = parsed.variants.map((variant) => splitLocalized(variant.title));
      const row = await repository.insertProduct(
        {
          category_id: parsed.categoryId,
          title: title.text,
          description: description.text,
          translations: translationsJson(title.byLocale, description.byLocale),
          price_minor: parsed.priceMinor,
          currency: deps.currency,
          stock: parsed.variants.length > 0 ? 0 : parsed.stock,
          search_text: searchTextOf([
            title.text,
            ...Object.values(title.byLocale),
            description.text,
            ...Object.values(description.byLocale),
            ...variantTitles.flatMap((variant) => [variant.text, ...Object.values(variant.byLocale)]),
          ]),
          position: parsed.position ?? 0,
          is_digital: parsed.digital ? 1 : 0,
        },
        deps.now(),
      );
      for (const [index, variant] of parsed.variants.entries()) {
        const variantTitle = variantTitles[index] as { text: string; byLocale: Partial<Record<Locale, string>> };
        await repository.insertVariant(
          {
            product_id: row.id,
            title: variantTitle.text,
            translations: translationsJson(variantTitle.byLocale),
            options: variant.options ? JSON.stringify(variant.options) : null,
            price_minor: variant.priceMinor,
            stock: variant.stock,
            position: index,
          },
          deps.now(),
        );
      }
      return (await service.product(row.id, deps.defaultLocale)) as ProductView;
    },

    /** Changes a product's or a variant's price (minor units). */
    async setPrice(ref: ItemRef, priceMinor: number): Promise<boolean> {
      if (!Number.isInteger(priceMinor) || priceMinor < 0) throw new CatalogError('catalog.invalid_price', 'price must be a non-negative integer of minor units');
      return ref.variantId === null
        ? repository.updateProduct(ref.productId, { price_minor: priceMinor }, deps.now())
        : repository.updateVariant(ref.variantId, { price_minor: priceMinor }, deps.now());
    },

    /** Sets the stock of a product or a variant. */
    async setStock(ref: ItemRef, stock: number): Promise<boolean> {
      if (!Number.isInteger(stock) || stock < 0) throw new CatalogError('catalog.invalid_stock', 'stock must be a non-negative integer');
      return ref.variantId === null
        ? repository.updateProduct(ref.productId, { stock }, deps.now())
        : repository.updateVariant(ref.variantId, { stock }, deps.now());
    },

    /** Removes a product from sale; carts and old buttons then treat it as gone. */
    archiveProduct(productId: number): Promise<boolean> {
      return repository.archiveProduct(productId, deps.now());
    },

    /** Adds a photo from bytes (PNG or JPEG). */
    async addPhoto(productId: number, bytes: Uint8Array, mimeType: string): Promise<number> {
      const photos = await repository.listPhotos(productId);
      return repository.insertPhoto({ product_id: productId, position: photos.length, mime_type: mimeType, bytes, url: null }, deps.now());
    },

    /** The product's first photo, if it has one. */
    async photo(productId: number): Promise<PhotoSource | undefined> {
      const row = await repository.firstPhoto(productId);
      return row ? { photoId: row.id, fileId: row.file_id, url: row.url } : undefined;
    },

    /** A photo's bytes, for the first upload to Telegram and for the admin panel. */
    photoBytes: repository.photoBytes,

    /** Caches the `file_id` Telegram gave an uploaded photo. */
    rememberPhotoFileId: repository.setPhotoFileId,

    // ── staff (admin panel) ──────────────────────────────────────────────────────────────

    /** Every category with its texts in every language, position, hidden flag and product count. */
    async staffCategories(locale: Locale): Promise<StaffCategoryView[]> {
      const counts = await repository.countProductsByCategory();
      return (await repository.listCategories()).map((row) => ({
        ...categoryView(row, locale),
        titles: textsOf(row.title, row.translations, 'title'),
        position: row.position,
        hidden: row.is_hidden === 1,
        productCount: counts.get(row.id) ?? 0,
      }));
    },

    /** Adds a category at the end of its parent's children. */
    async createStaffCategory(input: z.input<typeof staffCategoryCreateSchema>): Promise<CategoryRecord> {
      const data = staffCategoryCreateSchema.parse(input);
      await categoryOrThrow(repository, data.parentId);
      const position = (await repository.lastChildPosition(data.parentId)) + 1;
      return repository.insertCategory({ parent_id: data.parentId, title: plainText(data.title), translations: translationsJson(data.title), position }, deps.now());
    },

    /**
     * Renames a category (per language), moves it under another parent (at the end there), or
     * hides and shows it. A move under itself or one of its own subcategories would make a
     * cycle that customers could never leave: refused with `catalog.category_cycle`.
     */
    async updateStaffCategory(categoryId: number, input: z.input<typeof staffCategoryPatchSchema>): Promise<CategoryRecord> {
      const data = staffCategoryPatchSchema.parse(input);
      const current = await repository.findCategoryForStaff(categoryId);
      if (!current) throw new CatalogError('catalog.category_not_found', 'This category does not exist.', { categoryId });
      const patch: Parameters<CatalogRepository['updateCategory']>[1] = {};
      if (data.title) Object.assign(patch, { title: plainText(data.title), translations: translationsJson(data.title) });
      if (data.hidden !== undefined) patch.is_hidden = data.hidden ? 1 : 0;
      if (data.parentId !== undefined && data.parentId !== current.parent_id) {
        const all = new Map((await repository.listCategories()).map((row) => [row.id, row]));
        // Walk up from the new parent: meeting the category itself means a cycle.
        for (let id: number | null = data.parentId, depth = 0; id !== null && depth <= all.size; depth += 1) {
          if (id === categoryId) throw new CatalogError('catalog.category_cycle', 'A category cannot be moved into itself or into one of its own subcategories.', { categoryId, parentId: data.parentId });
          const parent = all.get(id);
          if (!parent) throw new CatalogError('catalog.unknown_category', 'The new parent category does not exist.', { parentId: data.parentId });
          id = parent.parent_id;
        }
        patch.parent_id = data.parentId;
        patch.position = (await repository.lastChildPosition(data.parentId)) + 1;
      }
      await repository.updateCategory(categoryId, patch, deps.now());
      return (await repository.findCategoryForStaff(categoryId)) as CategoryRecord;
    },

    /** Puts a parent's children in the given order; `ids` must be exactly its children. */
    async reorderCategories(parentId: number | null, ids: readonly number[]): Promise<void> {
      const children = (await repository.listCategories()).filter((row) => row.parent_id === parentId).map((row) => row.id);
      const given = new Set(ids);
      if (given.size !== ids.length || children.length !== ids.length || children.some((id) => !given.has(id))) {
        throw new CatalogError('catalog.order_mismatch', 'The list does not match the categories at this level; reload the page and try again.', { parentId });
      }
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        for (const [position, id] of ids.entries()) await scoped.updateCategory(id, { position }, deps.now());
      });
    },

    /** Products as staff list them: hidden ones too (filter with `visibility`), with photo ids. */
    async staffProducts(
      options: {
        query?: string;
        categoryId?: number;
        inStockOnly?: boolean;
        minPriceMinor?: number;
        maxPriceMinor?: number;
        visibility?: 'visible' | 'hidden' | 'all';
        page: number;
        pageSize: number;
      },
      locale: Locale,
    ): Promise<{ products: StaffProductView[]; window: PageWindow }> {
      const filter: ProductFilter = {
        categoryId: options.categoryId,
        searchPattern: options.query ? likePattern(options.query) : undefined,
        inStockOnly: options.inStockOnly,
        minPriceMinor: options.minPriceMinor,
        maxPriceMinor: options.maxPriceMinor,
        visibility: options.visibility ?? 'all',
      };
      const window = pageWindow(await repository.countProducts(filter), options.page, options.pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { products: await staffProductViews(rows, locale), window };
    },

    /** One product as staff edit it (hidden ones too), or undefined when it is gone. */
    async staffProduct(productId: number, locale: Locale): Promise<StaffProductView | undefined> {
      const row = await repository.findProductForStaff(productId);
      return row ? (await staffProductViews([row], locale))[0] : undefined;
    },

    /** Adds a product at the end of its category. */
    async createStaffProduct(input: z.input<typeof staffProductCreateSchema>): Promise<StaffProductView> {
      const data = staffProductCreateSchema.parse(input);
      await categoryOrThrow(repository, data.categoryId);
      const row = await repository.insertProduct(
        {
          category_id: data.categoryId,
          title: plainText(data.title),
          description: plainText(data.description),
          translations: translationsJson(data.title, data.description),
          price_minor: data.priceMinor,
          currency: deps.currency,
          stock: data.stock,
          search_text: searchTextOf([...Object.values(data.title), ...Object.values(data.description)]),
          position: (await repository.lastProductPosition(data.categoryId)) + 1,
          is_hidden: data.hidden ? 1 : 0,
          is_digital: data.digital ? 1 : 0,
        },
        deps.now(),
      );
      return (await service.staffProduct(row.id, deps.defaultLocale)) as StaffProductView;
    },

    /** Changes a product's texts, category, price, stock, hidden or digital flag. */
    async updateStaffProduct(productId: number, input: z.input<typeof staffProductPatchSchema>): Promise<StaffProductView> {
      const data = staffProductPatchSchema.parse(input);
      const current = await staffProductOrThrow(repository, productId);
      if (data.categoryId !== undefined) await categoryOrThrow(repository, data.categoryId);
      const titles = data.title ?? textsOf(current.title, current.translations, 'title');
      const descriptions = data.description ?? textsOf(current.description, current.translations, 'description');
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.updateProduct(
          productId,
          {
            ...(data.title || data.description ? { title: plainText(titles), description: plainText(descriptions), translations: translationsJson(titles, descriptions) } : {}),
            ...(data.categoryId !== undefined ? { category_id: data.categoryId } : {}),
            ...(data.priceMinor !== undefined ? { price_minor: data.priceMinor } : {}),
            ...(data.stock !== undefined ? { stock: data.stock } : {}),
            ...(data.hidden !== undefined ? { is_hidden: data.hidden ? 1 : 0 } : {}),
            ...(data.digital !== undefined ? { is_digital: data.digital ? 1 : 0 } : {}),
          },
          deps.now(),
        );
        await refreshSearchText(scoped, productId);
      });
      return (await service.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
    },

    /** Adds a variant with its own price and stock. */
    async addVariant(productId: number, input: z.input<typeof staffVariantCreateSchema>): Promise<StaffProductView> {
      const data = staffVariantCreateSchema.parse(input);
      await staffProductOrThrow(repository, productId);
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.insertVariant(
          {
            product_id: productId,
            title: plainText(data.title),
            translations: translationsJson(data.title),
            options: data.options ? JSON.stringify(data.options) : null,
            price_minor: data.priceMinor,
            stock: data.stock,
            position: (await scoped.lastVariantPosition(productId)) + 1,
          },
          deps.now(),
        );
        await refreshSearchText(scoped, productId);
      });
      return (await service.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
    },

    /** Changes a variant's texts, price or stock. */
    async updateVariant(productId: number, variantId: number, input: z.input<typeof staffVariantPatchSchema>): Promise<StaffProductView> {
      const data = staffVariantPatchSchema.parse(input);
      const variant = await repository.findVariant(variantId);
      if (!variant || variant.product_id !== productId) throw new CatalogError('catalog.variant_not_found', 'This variant does not exist or was removed.', { productId, variantId });
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.updateVariant(
          variantId,
          {
            ...(data.title ? { title: plainText(data.title), translations: translationsJson(data.title) } : {}),
            ...(data.priceMinor !== undefined ? { price_minor: data.priceMinor } : {}),
            ...(data.stock !== undefined ? { stock: data.stock } : {}),
          },
          deps.now(),
        );
        await refreshSearchText(scoped, productId);
      });
      return (await service.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
    },

    /** Removes a variant from sale (archived: old carts and orders keep their reference). */
    async removeVariant(productId: number, variantId: number): Promise<StaffProductView> {
      const variant = await repository.findVariant(variantId);
      if (!variant || variant.product_id !== productId) throw new CatalogError('catalog.variant_not_found', 'This variant does not exist or was removed.', { productId, variantId });
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.archiveVariant(variantId, deps.now());
        await refreshSearchText(scoped, productId);
      });
      return (await service.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
    },

    /**
     * Replaces a product's photo with uploaded bytes: PNG, JPEG or WebP by their first bytes,
     * at most 10 MB. The new photo has no Telegram `file_id` yet, so the bot uploads it on
     * its next showing instead of sending the old picture.
     */
    async setPhoto(productId: number, bytes: Uint8Array): Promise<{ photoId: number; mimeType: string }> {
      if (bytes.byteLength > MAX_PHOTO_BYTES) throw new CatalogError('catalog.photo_too_large', 'The photo is larger than 10 MB.', { sizeBytes: bytes.byteLength });
      const mimeType = sniffImageType(bytes);
      if (!mimeType) throw new CatalogError('catalog.photo_type', 'The file is not a PNG, JPEG or WebP picture.');
      await staffProductOrThrow(repository, productId);
      const photoId = await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.deletePhotos(productId);
        const id = await scoped.insertPhoto({ product_id: productId, position: 0, mime_type: mimeType, bytes, url: null }, deps.now());
        await scoped.updateProduct(productId, {}, deps.now());
        return id;
      });
      return { photoId, mimeType };
    },

    /** Removes a product's photos. */
    async removePhoto(productId: number): Promise<boolean> {
      await staffProductOrThrow(repository, productId);
      return (await repository.deletePhotos(productId)) > 0;
    },

    /** The whole live catalogue (hidden products too) as CSV, one row per product and per variant. */
    async exportCsv(): Promise<{ csv: Buffer; products: number }> {
      const rows = await repository.listAllProducts();
      const variants: VariantRecord[] = [];
      for (const part of chunks(rows.map((row) => row.id))) variants.push(...(await repository.listVariants(part)));
      const byProduct = Map.groupBy(variants, (variant) => variant.product_id);
      const products: ExportProduct[] = rows.map((row) => ({
        id: row.id,
        categoryId: row.category_id,
        titles: textsOf(row.title, row.translations, 'title'),
        descriptions: textsOf(row.description, row.translations, 'description'),
        priceMinor: row.price_minor,
        stock: row.stock,
        hidden: row.is_hidden === 1,
        digital: row.is_digital === 1,
        variants: (byProduct.get(row.id) ?? []).map((variant) => ({ id: variant.id, titles: textsOf(variant.title, variant.translations, 'title'), priceMinor: variant.price_minor, stock: variant.stock })),
      }));
      return { csv: buildCatalogCsv(products, deps.currency), products: products.length };
    },

    /** Checks a CSV without changing anything: every problem, each with its row. */
    async checkImport(text: string): Promise<{ issues: ImportIssue[]; plan: ImportPlan }> {
      const { plan, issues } = readCatalogCsv(text, deps.currency);
      // Rows that read well are checked against the database too, so one pass names every problem.
      const fileWide = issues.some((issue) => issue.row <= 1);
      const all = fileWide ? issues : [...issues, ...(await checkPlan(plan))];
      return { plan, issues: all.sort((a, b) => a.row - b.row) };
    },

    /**
     * Imports a CSV all or nothing: every row is checked first (`catalog.import_invalid` with
     * `details.issues` when any is wrong, nothing written), then every change is written in
     * one transaction, so a failure half-way leaves the catalogue as it was.
     */
    async importCsv(text: string): Promise<ImportSummary> {
      const { plan, issues } = await service.checkImport(text);
      if (issues.length > 0) throw new CatalogError('catalog.import_invalid', `The file has ${issues.length} problem(s); nothing was imported.`, { issues });
      const summary: ImportSummary = { productsCreated: 0, productsUpdated: 0, variantsCreated: 0, variantsUpdated: 0 };
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        const nowMs = deps.now();
        const created: number[] = [];
        const touched = new Set<number>();
        for (const item of plan.products) {
          const texts = { title: plainText(item.titles), description: plainText(item.descriptions), translations: translationsJson(item.titles, item.descriptions) };
          if (item.productId === null) {
            const row = await scoped.insertProduct(
              {
                ...texts,
                category_id: item.categoryId,
                price_minor: item.priceMinor,
                currency: deps.currency,
                stock: item.stock,
                search_text: '',
                position: (await scoped.lastProductPosition(item.categoryId)) + 1,
                is_hidden: item.hidden ? 1 : 0,
                is_digital: item.digital ? 1 : 0,
              },
              nowMs,
            );
            created.push(row.id);
            touched.add(row.id);
            summary.productsCreated += 1;
          } else {
            await scoped.updateProduct(
              item.productId,
              { ...texts, category_id: item.categoryId, price_minor: item.priceMinor, stock: item.stock, is_hidden: item.hidden ? 1 : 0, ...(item.digital === undefined ? {} : { is_digital: item.digital ? 1 : 0 }) },
              nowMs,
            );
            created.push(item.productId);
            touched.add(item.productId);
            summary.productsUpdated += 1;
          }
        }
        for (const item of plan.variants) {
          const productId = item.productId ?? (created[item.parentIndex as number] as number);
          const texts = { title: plainText(item.titles), translations: translationsJson(item.titles) };
          if (item.variantId === null) {
            await scoped.insertVariant({ ...texts, product_id: productId, options: null, price_minor: item.priceMinor, stock: item.stock, position: (await scoped.lastVariantPosition(productId)) + 1 }, nowMs);
            summary.variantsCreated += 1;
          } else {
            await scoped.updateVariant(item.variantId, { ...texts, price_minor: item.priceMinor, stock: item.stock }, nowMs);
            summary.variantsUpdated += 1;
          }
          touched.add(productId);
        }
        for (const productId of touched) await refreshSearchText(scoped, productId);
      });
      return summary;
    },

    /** Lets a later module (the cart) add buttons to the product card. */
    registerCardActions(provider: CardActionProvider): void {
      cardActionProviders.push(provider);
    },

    /** The buttons other modules add to this card, in registration order. */
    async cardActions(card: CardContext): Promise<CardAction[]> {
      const lists = await Promise.all(cardActionProviders.map((provider) => provider(card)));
      return lists.flat();
    },

    /**
     * Seeds the preset's demo catalogue into an empty catalogue, with a generated picture
     * per product; does nothing once any category or product exists. Returns the products created.
     */
    async seed(data: unknown): Promise<number> {
      if ((await repository.countAll()) > 0) return 0;
      const demo = catalogDemoSchema.parse(data);
      let created = 0;
      const addCategory = async (category: DemoCategory, parentId: number | null, position: number): Promise<void> => {
        const view = await service.createCategory({ parentId, title: category.title, position });
        for (const [index, product] of (category.products ?? []).entries()) {
          const view2 = await service.createProduct({
            categoryId: view.id,
            title: product.title,
            description: product.description,
            priceMinor: toMinor(product.price, deps.currency),
            stock: product.stock,
            position: index,
            digital: product.digital,
            variants: product.variants.map((variant) => ({
              title: variant.title,
              options: variant.options,
              priceMinor: toMinor(variant.price ?? product.price, deps.currency),
              stock: variant.stock,
            })),
          });
          if (product.image) await service.addPhoto(view2.id, renderTilePng({ colour: product.image.colour, shape: product.image.shape }), 'image/png');
          created += 1;
        }
        for (const [index, child] of (category.children ?? []).entries()) await addCategory(child, view.id, index);
      };
      for (const [index, category] of demo.categories.entries()) await addCategory(category, null, index);
      return created;
    },
  };
  return service;
}

/** The key of an item in a quote map. */
export function itemKey(item: ItemRef): string {
  return `${item.productId}:${item.variantId ?? 0}`;
}

/** The catalogue service's shape. */
export type CatalogService = ReturnType<typeof createCatalogService>;
