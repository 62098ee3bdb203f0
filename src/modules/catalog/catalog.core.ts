/**
 * What the catalogue's use cases share: the owner-input and demo schemas, the shapes of pages,
 * quotes and card actions, and `createCatalogCore` (the views over the repository plus the
 * card action providers other modules register).
 */
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { type PageWindow } from '../../telegram/paginator.ts';
import { catalogFeedConfigSchema } from './catalog.feed.settings.ts';
import { TILE_SHAPES } from './tile-image.ts';
import { createCatalogViews, type CatalogServiceDeps, type CategoryView, type ProductView, type VariantView } from './catalog.views.ts';

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
    /** The catalogue feed: its URL, format and schedule (the panel may override them) and its limits. */
    feed: catalogFeedConfigSchema,
  })
  .prefault({});

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

/** The key of an item in a quote map. */
export function itemKey(item: ItemRef): string {
  return `${item.productId}:${item.variantId ?? 0}`;
}

/** The views and shared state of one catalogue. */
export function createCatalogCore(deps: CatalogServiceDeps) {
  return { ...createCatalogViews(deps), cardActionProviders: [] as CardActionProvider[] };
}

/** What the catalogue's use cases share. */
export type CatalogCore = ReturnType<typeof createCatalogCore>;
