import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import type { DbExecutor } from '../../db/database.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { createCatalogRepository, type ProductFilter, type StockTarget } from './catalog.repository.ts';
import { TILE_SHAPES, renderTilePng } from './tile-image.ts';
import { createCatalogEditor } from './catalog.editor.ts';
import { CatalogError } from './catalog.errors.ts';
import { createCatalogTransfer } from './catalog.transfer.ts';
import { chunks, createCatalogViews, likePattern, parseTranslations, productFilterOf, type CatalogServiceDeps, type CategoryView, type ProductView, type VariantView } from './catalog.views.ts';

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

/** The catalogue: category tree, products with variants and photos, search and stock. */
export function createCatalogService(deps: CatalogServiceDeps) {
  const views = createCatalogViews(deps);
  const { repository, splitLocalized, translationsJson, categoryView, variantView, productViews, searchTextOf, hiddenSubtrees } = views;
  const cardActionProviders: CardActionProvider[] = [];
  const editor = createCatalogEditor(views);
  const transfer = createCatalogTransfer(views);

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
      const filter = productFilterOf(options);
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

    ...editor,
    ...transfer,

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
