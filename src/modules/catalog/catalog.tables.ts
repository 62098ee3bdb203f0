import type { ColumnType, Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/**
 * Translations of a catalogue entry as JSON text: `{ "en": { "title": "…", "description": "…" } }`.
 * The plain `title`/`description` columns hold the business's default language.
 */
export type TranslationsJson = string | null;

/** A node of the category tree; `parent_id` null for the top level. Any depth. */
export interface CatalogCategoriesTable {
  id: Generated<number>;
  parent_id: number | null;
  title: string;
  translations: TranslationsJson;
  position: number;
  is_hidden: ColumnType<Flag, Flag | undefined, Flag>;
  /** The back office's own id (its SKU for a product or variant); unique in the table; added by migration 0004. */
  external_id: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * A product. Products with variants sell the variants (each with its own price and stock)
 * and ignore their own `stock`; the others sell themselves.
 */
export interface CatalogProductsTable {
  id: Generated<number>;
  category_id: number | null;
  title: string;
  description: string;
  translations: TranslationsJson;
  price_minor: number;
  currency: string;
  /** Never negative: a CHECK constraint and conditional decrements guarantee it. */
  stock: number;
  /** Lower-cased title, description and translations, for case-insensitive search on both dialects. */
  search_text: string;
  position: number;
  /** Set when the owner removes the product: old carts and buttons then see it as gone. */
  archived_at: EpochMs | null;
  /**
   * 1 while staff keep the product out of sale for now (not shown, not sold) without
   * archiving it; added by migration 0002.
   */
  is_hidden: ColumnType<Flag, Flag | undefined, Flag>;
  /**
   * 1 for a digital good or service (a licence key, an e-book, a paid consultation online):
   * only then may Telegram Stars pay for it. 0 (the default) for physical goods; added by
   * migration 0003.
   */
  is_digital: ColumnType<Flag, Flag | undefined, Flag>;
  /** The back office's own id (its SKU for a product or variant); unique in the table; added by migration 0004. */
  external_id: string | null;
  /**
   * Set by the catalogue feed (migration 0005): `listed` while the feed lists the product,
   * `delisted` once the feed dropped it and hid it; null for products the feed never wrote.
   */
  feed_status: ColumnType<FeedStatus | null, FeedStatus | null | undefined, FeedStatus | null>;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** Whether the feed lists a product now (`listed`) or hid it when it stopped (`delisted`). */
export type FeedStatus = 'listed' | 'delisted';

/** A variant of a product, e.g. size M in red. */
export interface CatalogVariantsTable {
  id: Generated<number>;
  product_id: number;
  title: string;
  translations: TranslationsJson;
  /** Option name → value as JSON, e.g. `{"size":"M","colour":"red"}`, for filters. */
  options: string | null;
  price_minor: number;
  stock: number;
  position: number;
  archived_at: EpochMs | null;
  /** The back office's own id (its SKU for a product or variant); unique in the table; added by migration 0004. */
  external_id: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * A product photo. Bytes are uploaded to Telegram the first time they are shown; the
 * `file_id` Telegram returns is cached so later sends do not upload again.
 */
export interface CatalogPhotosTable {
  id: Generated<number>;
  product_id: number;
  position: number;
  mime_type: string;
  bytes: Uint8Array | null;
  url: string | null;
  file_id: string | null;
  /** The picture's address in the catalogue feed it came from (migration 0005); null for uploads. */
  source_url: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: EpochMs;
}

/** Why a feed run started: its schedule, or staff pressing "Import now". */
export type FeedTrigger = 'schedule' | 'manual';
/** Where a feed run is: waiting for an instance, running, done, or refused with a reason. */
export type FeedRunStatus = 'queued' | 'running' | 'ok' | 'failed';

/** One import of the catalogue feed, with its summary and the first of its problems. */
export interface CatalogFeedRunsTable {
  id: Generated<number>;
  trigger: FeedTrigger;
  /** The staff account that pressed "Import now". */
  requested_by: number | null;
  status: FeedRunStatus;
  /** What a running import is doing: fetching, reading, writing, pictures. */
  phase: string | null;
  url: string;
  format: string;
  /** Why a run failed, as a dotted code (`catalog.feed_not_xml`), and in words. */
  reason: string | null;
  message: string | null;
  feed_bytes: number | null;
  offers: number | null;
  added: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  hidden: ColumnType<number, number | undefined, number>;
  pictures: ColumnType<number, number | undefined, number>;
  error_count: ColumnType<number, number | undefined, number>;
  /** JSON: the first problems of the run, `[{ ref, field, code, message }]`. */
  errors: string | null;
  created_at: EpochMs;
  started_at: EpochMs | null;
  finished_at: EpochMs | null;
}

/** The lease of the one instance importing the feed now. */
export interface CatalogFeedLockTable {
  id: number;
  holder: string | null;
  until_ms: number;
}

/** A category row as read. */
export type CategoryRecord = Selectable<CatalogCategoriesTable>;
/** A product row as read. */
export type ProductRecord = Selectable<CatalogProductsTable>;
/** A variant row as read. */
export type VariantRecord = Selectable<CatalogVariantsTable>;
/** A photo row as read. */
export type PhotoRecord = Selectable<CatalogPhotosTable>;
/** A feed run as read. */
export type FeedRunRecord = Selectable<CatalogFeedRunsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    catalog_categories: CatalogCategoriesTable;
    catalog_products: CatalogProductsTable;
    catalog_variants: CatalogVariantsTable;
    catalog_photos: CatalogPhotosTable;
    catalog_feed_runs: CatalogFeedRunsTable;
    catalog_feed_lock: CatalogFeedLockTable;
  }
}
