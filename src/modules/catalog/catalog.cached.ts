import { Transaction } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import { tableWritesOf } from '../../db/table-writes.ts';
import { unitsOf, whenVisible, type UnitOfWork } from '../../db/unit-of-work.ts';
import { createCatalogCache, type CatalogCache } from './catalog.cache.ts';
import type { CatalogRepository, ProductFilter } from './catalog.repository.ts';

/** The tables the cached reads read: a write to any of them drops the cache. */
export const CATALOG_READ_TABLES = ['catalog_categories', 'catalog_products', 'catalog_variants', 'catalog_photos'] as const;

/** A catalogue cache listening to one database's writes. */
export interface AttachedCatalogCache {
  cache: CatalogCache;
  /** Units of work that wrote to the catalogue: while open, they read their own rows, never the cache's. */
  wrote: WeakSet<UnitOfWork>;
}

const attached = new WeakMap<object, AttachedCatalogCache>();

/**
 * The catalogue cache of a database opened by `createDatabase`, listening to every write to
 * the catalogue's tables (one per database: every catalogue service on it shares it). Undefined
 * for a transaction or a Kysely instance without the table-write watcher: no write could drop
 * what it kept, so nothing is cached.
 */
export function attachCatalogCache(db: DbExecutor, options: { now(): number; cache?: CatalogCache }): AttachedCatalogCache | undefined {
  if (db instanceof Transaction) return undefined;
  const existing = attached.get(db);
  if (existing && (!options.cache || options.cache === existing.cache)) return existing;
  const writes = tableWritesOf(db);
  if (!writes) return undefined;
  const units = unitsOf(db);
  const attachment: AttachedCatalogCache = { cache: options.cache ?? createCatalogCache({ now: options.now }), wrote: new WeakSet() };
  writes.watch(CATALOG_READ_TABLES, (_tables, phase) => {
    // Told in the writer's context: its unit, if any, now holds catalogue rows others do not see.
    const unit = units?.current();
    if (unit) attachment.wrote.add(unit);
    // Before the statement, a drop is enough: it is told again once it ran. Once it ran, the
    // change is visible to others now (committed on its own), or when its unit's transaction
    // ends (dropped again then), or at a time no one will tell: only then is nothing kept for
    // the settle time.
    if (phase === 'before') return attachment.cache.changed(true);
    const visible = whenVisible(db, () => attachment.cache.changed(true));
    attachment.cache.changed(visible !== 'unknown');
  });
  attached.set(db, attachment);
  return attachment;
}

/**
 * The repository with its hot reads (what customers browse, the product card, the cart's
 * quotes, the Mini App's storefront) answered from the cache. Results are the raw rows:
 * localisation happens after, per reader. Not cached: searches (keys typed by customers,
 * rarely repeated) and photo bytes (large; Telegram is sent the photo's file id instead).
 */
export function cachedCatalogRepository(repository: CatalogRepository, db: DbExecutor, attachment: AttachedCatalogCache): CatalogRepository {
  const { cache, wrote } = attachment;
  const units = unitsOf(db);
  const through =
    <A extends unknown[], R>(name: string, read: (...args: A) => Promise<R>, cacheable: (...args: A) => boolean = () => true) =>
    async (...args: A): Promise<R> => {
      const unit = units?.current();
      // A unit that wrote the catalogue sees its own uncommitted rows; the cache must not answer for them.
      if ((unit?.open && wrote.has(unit)) || !cacheable(...args)) return read(...args);
      const key = `${name}:${JSON.stringify(args)}`;
      const hit = cache.get(key);
      if (hit) return hit.value as R;
      // Inside an open transaction a read may see uncommitted rows: used, never kept.
      const keepable = !unit?.open;
      const seq = cache.seq();
      const value = await read(...args);
      if (keepable) cache.keep(key, value, seq);
      return value;
    };
  const notSearch = (filter: ProductFilter) => filter.searchPattern === undefined;
  return {
    ...repository,
    findCategory: through('findCategory', repository.findCategory),
    listChildren: through('listChildren', repository.listChildren),
    listCategories: through('listCategories', repository.listCategories),
    findProduct: through('findProduct', repository.findProduct),
    findProducts: through('findProducts', repository.findProducts),
    digitalProductIds: through('digitalProductIds', repository.digitalProductIds),
    countProducts: through('countProducts', repository.countProducts, notSearch),
    listProducts: through('listProducts', repository.listProducts, notSearch),
    listVariants: through('listVariants', repository.listVariants),
    findVariant: through('findVariant', repository.findVariant),
    findVariants: through('findVariants', repository.findVariants),
    firstPhoto: through('firstPhoto', repository.firstPhoto),
    listPhotos: through('listPhotos', repository.listPhotos),
    firstPhotoIds: through('firstPhotoIds', repository.firstPhotoIds),
    listPhotosOf: through('listPhotosOf', repository.listPhotosOf),
    countVisibleProductsByCategory: through('countVisibleProductsByCategory', repository.countVisibleProductsByCategory),
  };
}
