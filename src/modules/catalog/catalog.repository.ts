import { sql } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { CategoryRecord, PhotoRecord, ProductRecord, VariantRecord } from './catalog.tables.ts';

/** Columns of a new category. */
export interface CategoryRow {
  parent_id: number | null;
  title: string;
  translations: string | null;
  position: number;
  is_hidden?: number;
  external_id?: string | null;
}

/** Columns of a new product. */
export interface ProductRow {
  category_id: number | null;
  title: string;
  description: string;
  translations: string | null;
  price_minor: number;
  currency: string;
  stock: number;
  search_text: string;
  position: number;
  is_hidden?: number;
  is_digital?: number;
  external_id?: string | null;
}

/** Columns of a new variant. */
export interface VariantRow {
  product_id: number;
  title: string;
  translations: string | null;
  options: string | null;
  price_minor: number;
  stock: number;
  position: number;
  external_id?: string | null;
}

/** Filters of a product listing. */
export interface ProductFilter {
  categoryId?: number;
  /** Products in any of these categories (a category with its subcategories). */
  categoryIds?: readonly number[];
  /** A LIKE pattern over `search_text`, already escaped and lower-cased. */
  searchPattern?: string;
  inStockOnly?: boolean;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  /**
   * Which products by their hidden flag: customers see `visible` ones only (the default);
   * staff list `all`, or only the `hidden` ones.
   */
  visibility?: 'visible' | 'hidden' | 'all';
  /** Products in these categories are left out (the subtrees of hidden categories). */
  excludeCategoryIds?: readonly number[];
}

/** What staff may change on a category. */
export type CategoryPatch = Partial<Pick<CategoryRecord, 'parent_id' | 'title' | 'translations' | 'position' | 'is_hidden' | 'external_id'>>;

/** What staff may change on a product. */
export type ProductPatch = Partial<Pick<ProductRecord, 'price_minor' | 'stock' | 'title' | 'description' | 'translations' | 'search_text' | 'category_id' | 'is_hidden' | 'is_digital' | 'external_id' | 'archived_at' | 'position'>>;

/** What staff may change on a variant. */
export type VariantPatch = Partial<Pick<VariantRecord, 'price_minor' | 'stock' | 'title' | 'translations' | 'options' | 'external_id' | 'position'>>;

/** What the integration API filters a page of products by; archived ones only when asked. */
export interface ProductPageFilter {
  categoryId?: number;
  externalId?: string;
  hidden?: boolean;
  archived?: boolean;
  updatedSinceMs?: number;
  searchPattern?: string;
}

/** What a stock change touches: a variant when given, else the product itself. */
export interface StockTarget {
  productId: number;
  variantId: number | null;
  quantity: number;
}

/** SQL for the catalogue tables. */
export function createCatalogRepository(db: DbExecutor) {
  const filtered = (filter: ProductFilter) => {
    let query = db.selectFrom('catalog_products').where('archived_at', 'is', null);
    const visibility = filter.visibility ?? 'visible';
    if (visibility !== 'all') query = query.where('is_hidden', '=', visibility === 'hidden' ? 1 : 0);
    if (filter.excludeCategoryIds && filter.excludeCategoryIds.length > 0) {
      const excluded = [...filter.excludeCategoryIds];
      query = query.where((eb) => eb.or([eb('category_id', 'is', null), eb('category_id', 'not in', excluded)]));
    }
    if (filter.categoryId !== undefined) query = query.where('category_id', '=', filter.categoryId);
    if (filter.categoryIds !== undefined) query = query.where('category_id', 'in', filter.categoryIds.length > 0 ? [...filter.categoryIds] : [-1]);
    if (filter.searchPattern !== undefined) query = query.where(sql<boolean>`search_text like ${filter.searchPattern} escape '\\'`);
    if (filter.minPriceMinor !== undefined) query = query.where('price_minor', '>=', filter.minPriceMinor);
    if (filter.maxPriceMinor !== undefined) query = query.where('price_minor', '<=', filter.maxPriceMinor);
    if (filter.inStockOnly) {
      query = query.where((eb) =>
        eb.or([
          eb.and([
            eb('stock', '>', 0),
            eb.not(eb.exists(eb.selectFrom('catalog_variants as v').select('v.id').whereRef('v.product_id', '=', 'catalog_products.id').where('v.archived_at', 'is', null))),
          ]),
          eb.exists(
            eb
              .selectFrom('catalog_variants as v')
              .select('v.id')
              .whereRef('v.product_id', '=', 'catalog_products.id')
              .where('v.archived_at', 'is', null)
              .where('v.stock', '>', 0),
          ),
        ]),
      );
    }
    return query;
  };

  return {
    async insertCategory(row: CategoryRow, nowMs: number): Promise<CategoryRecord> {
      return db
        .insertInto('catalog_categories')
        .values({ ...row, is_hidden: row.is_hidden ?? 0, created_at: nowMs, updated_at: nowMs })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findCategory(id: number): Promise<CategoryRecord | undefined> {
      return db.selectFrom('catalog_categories').selectAll().where('id', '=', id).where('is_hidden', '=', 0).executeTakeFirst();
    },

    /** Visible children of a category, or the top level when `parentId` is null. */
    listChildren(parentId: number | null): Promise<CategoryRecord[]> {
      return db
        .selectFrom('catalog_categories')
        .selectAll()
        .where('parent_id', parentId === null ? 'is' : '=', parentId)
        .where('is_hidden', '=', 0)
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    listCategories(): Promise<CategoryRecord[]> {
      return db.selectFrom('catalog_categories').selectAll().orderBy('parent_id').orderBy('position').orderBy('id').execute();
    },

    /** A category, hidden or not (staff). */
    findCategoryForStaff(id: number): Promise<CategoryRecord | undefined> {
      return db.selectFrom('catalog_categories').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async updateCategory(id: number, patch: CategoryPatch, nowMs: number): Promise<boolean> {
      const result = await db.updateTable('catalog_categories').set({ ...patch, updated_at: nowMs }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** The highest position among a parent's children, or -1 when it has none. */
    async lastChildPosition(parentId: number | null): Promise<number> {
      const row = await db
        .selectFrom('catalog_categories')
        .select((eb) => eb.fn.max<number | null>('position').as('n'))
        .where('parent_id', parentId === null ? 'is' : '=', parentId)
        .executeTakeFirst();
      return row?.n === null || row?.n === undefined ? -1 : Number(row.n);
    },

    async insertProduct(row: ProductRow, nowMs: number): Promise<ProductRecord> {
      return db
        .insertInto('catalog_products')
        .values({ ...row, archived_at: null, created_at: nowMs, updated_at: nowMs })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Which of `ids` are digital products (archived or hidden ones too: an order keeps what it bought). */
    async digitalProductIds(ids: readonly number[]): Promise<number[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('catalog_products').select('id').where('id', 'in', [...ids]).where('is_digital', '=', 1).execute();
      return rows.map((row) => row.id);
    },

    /** A product customers can see: not archived, not hidden. */
    findProduct(id: number): Promise<ProductRecord | undefined> {
      return db.selectFrom('catalog_products').selectAll().where('id', '=', id).where('archived_at', 'is', null).where('is_hidden', '=', 0).executeTakeFirst();
    },

    /** Products customers can buy: not archived, not hidden. */
    findProducts(ids: readonly number[]): Promise<ProductRecord[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('catalog_products').selectAll().where('id', 'in', ids).where('archived_at', 'is', null).where('is_hidden', '=', 0).execute();
    },

    /** A product as staff see it: hidden ones too, archived ones not. */
    findProductForStaff(id: number): Promise<ProductRecord | undefined> {
      return db.selectFrom('catalog_products').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
    },

    /** Every live product (hidden ones too), in display order, for the CSV export. */
    listAllProducts(): Promise<ProductRecord[]> {
      return db.selectFrom('catalog_products').selectAll().where('archived_at', 'is', null).orderBy('category_id').orderBy('position').orderBy('id').execute();
    },

    /** Live products per category (hidden ones too), for the staff tree. */
    async countProductsByCategory(): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('catalog_products')
        .select((eb) => ['category_id', eb.fn.countAll<number>().as('n')])
        .where('archived_at', 'is', null)
        .where('category_id', 'is not', null)
        .groupBy('category_id')
        .execute();
      return new Map(rows.map((row) => [Number(row.category_id), Number(row.n)]));
    },

    /** The highest position among a parent's products, or -1. */
    async lastProductPosition(categoryId: number | null): Promise<number> {
      const row = await db
        .selectFrom('catalog_products')
        .select((eb) => eb.fn.max<number | null>('position').as('n'))
        .where('category_id', categoryId === null ? 'is' : '=', categoryId)
        .executeTakeFirst();
      return row?.n === null || row?.n === undefined ? -1 : Number(row.n);
    },

    async countProducts(filter: ProductFilter): Promise<number> {
      const row = await filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    listProducts(filter: ProductFilter, offset: number, limit: number): Promise<ProductRecord[]> {
      return filtered(filter).selectAll().orderBy('position').orderBy('id').offset(offset).limit(limit).execute();
    },

    async updateProduct(id: number, patch: ProductPatch, nowMs: number): Promise<boolean> {
      const result = await db.updateTable('catalog_products').set({ ...patch, updated_at: nowMs }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async archiveProduct(id: number, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('catalog_products')
        .set({ archived_at: nowMs, updated_at: nowMs })
        .where('id', '=', id)
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async insertVariant(row: VariantRow, nowMs: number): Promise<VariantRecord> {
      return db
        .insertInto('catalog_variants')
        .values({ ...row, archived_at: null, created_at: nowMs, updated_at: nowMs })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Live variants of the given products, in display order. */
    listVariants(productIds: readonly number[]): Promise<VariantRecord[]> {
      if (productIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('catalog_variants')
        .selectAll()
        .where('product_id', 'in', productIds)
        .where('archived_at', 'is', null)
        .orderBy('product_id')
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    /** A live variant. */
    findVariant(id: number): Promise<VariantRecord | undefined> {
      return db.selectFrom('catalog_variants').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
    },

    /** The highest position among a product's variants, or -1. */
    async lastVariantPosition(productId: number): Promise<number> {
      const row = await db
        .selectFrom('catalog_variants')
        .select((eb) => eb.fn.max<number | null>('position').as('n'))
        .where('product_id', '=', productId)
        .executeTakeFirst();
      return row?.n === null || row?.n === undefined ? -1 : Number(row.n);
    },

    async updateVariant(id: number, patch: VariantPatch, nowMs: number): Promise<boolean> {
      const result = await db.updateTable('catalog_variants').set({ ...patch, updated_at: nowMs }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async archiveVariant(id: number, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('catalog_variants')
        .set({ archived_at: nowMs, updated_at: nowMs })
        .where('id', '=', id)
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /**
     * Takes `quantity` out of stock only if that much is there; false otherwise. The check
     * and the change are one statement, so two buyers of the last item cannot both win.
     */
    async decrementStock(target: StockTarget, nowMs: number): Promise<boolean> {
      const result =
        target.variantId === null
          ? await db
              .updateTable('catalog_products')
              .set((eb) => ({ stock: eb('stock', '-', target.quantity), updated_at: nowMs }))
              .where('id', '=', target.productId)
              .where('stock', '>=', target.quantity)
              .executeTakeFirst()
          : await db
              .updateTable('catalog_variants')
              .set((eb) => ({ stock: eb('stock', '-', target.quantity), updated_at: nowMs }))
              .where('id', '=', target.variantId)
              .where('product_id', '=', target.productId)
              .where('stock', '>=', target.quantity)
              .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Puts stock back (a cancelled order); archived items get their stock back too. */
    async incrementStock(target: StockTarget, nowMs: number): Promise<void> {
      if (target.variantId === null) {
        await db
          .updateTable('catalog_products')
          .set((eb) => ({ stock: eb('stock', '+', target.quantity), updated_at: nowMs }))
          .where('id', '=', target.productId)
          .execute();
      } else {
        await db
          .updateTable('catalog_variants')
          .set((eb) => ({ stock: eb('stock', '+', target.quantity), updated_at: nowMs }))
          .where('id', '=', target.variantId)
          .execute();
      }
    },

    async insertPhoto(row: { product_id: number; position: number; mime_type: string; bytes: Uint8Array | null; url: string | null }, nowMs: number): Promise<number> {
      const inserted = await db
        .insertInto('catalog_photos')
        .values({ ...row, file_id: null, created_at: nowMs })
        .returning('id')
        .executeTakeFirstOrThrow();
      return inserted.id;
    },

    /** The first photo of a product, without its bytes. */
    firstPhoto(productId: number): Promise<Omit<PhotoRecord, 'bytes'> | undefined> {
      return db
        .selectFrom('catalog_photos')
        .select(['id', 'product_id', 'position', 'mime_type', 'url', 'file_id', 'source_url', 'created_at'])
        .where('product_id', '=', productId)
        .orderBy('position')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
    },

    listPhotos(productId: number): Promise<Omit<PhotoRecord, 'bytes'>[]> {
      return db
        .selectFrom('catalog_photos')
        .select(['id', 'product_id', 'position', 'mime_type', 'url', 'file_id', 'source_url', 'created_at'])
        .where('product_id', '=', productId)
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    async photoBytes(photoId: number): Promise<{ bytes: Uint8Array | null; mime_type: string } | undefined> {
      return db.selectFrom('catalog_photos').select(['bytes', 'mime_type']).where('id', '=', photoId).executeTakeFirst();
    },

    /** Per category, its products customers can see (not archived, not hidden). */
    async countVisibleProductsByCategory(): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('catalog_products')
        .select((eb) => ['category_id', eb.fn.countAll<number>().as('n')])
        .where('archived_at', 'is', null)
        .where('is_hidden', '=', 0)
        .where('category_id', 'is not', null)
        .groupBy('category_id')
        .execute();
      return new Map(rows.map((row) => [Number(row.category_id), Number(row.n)]));
    },

    /** A photo with its bytes, when its product is live and visible, with the product's category. */
    photoOfVisibleProduct(photoId: number): Promise<{ bytes: Uint8Array | null; mime_type: string; category_id: number | null } | undefined> {
      return db
        .selectFrom('catalog_photos as ph')
        .innerJoin('catalog_products as p', 'p.id', 'ph.product_id')
        .select(['ph.bytes', 'ph.mime_type', 'p.category_id'])
        .where('ph.id', '=', photoId)
        .where('p.archived_at', 'is', null)
        .where('p.is_hidden', '=', 0)
        .executeTakeFirst();
    },

    /** The first photo's id of each product that has one. */
    async firstPhotoIds(productIds: readonly number[]): Promise<Map<number, number>> {
      const result = new Map<number, number>();
      if (productIds.length === 0) return result;
      const rows = await db
        .selectFrom('catalog_photos')
        .select(['id', 'product_id'])
        .where('product_id', 'in', productIds)
        .orderBy('product_id')
        .orderBy('position')
        .orderBy('id')
        .execute();
      for (const row of rows) if (!result.has(Number(row.product_id))) result.set(Number(row.product_id), Number(row.id));
      return result;
    },

    /** Which of `ids` are live products (hidden ones count). */
    async liveProductIds(ids: readonly number[]): Promise<Set<number>> {
      if (ids.length === 0) return new Set();
      const rows = await db.selectFrom('catalog_products').select('id').where('id', 'in', ids).where('archived_at', 'is', null).execute();
      return new Set(rows.map((row) => Number(row.id)));
    },

    /** Live variants by id, whatever their product. */
    findVariants(ids: readonly number[]): Promise<VariantRecord[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('catalog_variants').selectAll().where('id', 'in', ids).where('archived_at', 'is', null).execute();
    },

    /** Removes every photo of a product; returns how many there were. */
    async deletePhotos(productId: number): Promise<number> {
      const result = await db.deleteFrom('catalog_photos').where('product_id', '=', productId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async setPhotoFileId(photoId: number, fileId: string): Promise<void> {
      await db.updateTable('catalog_photos').set({ file_id: fileId }).where('id', '=', photoId).execute();
    },

    /** Products by id, archived ones too (the integration API reads what orders refer to). */
    findProductsAny(ids: readonly number[]): Promise<ProductRecord[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('catalog_products').selectAll().where('id', 'in', ids).execute();
    },

    /** A page of products in id order after `afterId` (a cursor), hidden and archived ones as the filter says. */
    listProductsAfter(filter: ProductPageFilter, afterId: number | undefined, limit: number): Promise<ProductRecord[]> {
      let query = db.selectFrom('catalog_products').selectAll();
      query = query.where('archived_at', filter.archived ? 'is not' : 'is', null);
      if (filter.hidden !== undefined) query = query.where('is_hidden', '=', filter.hidden ? 1 : 0);
      if (filter.categoryId !== undefined) query = query.where('category_id', '=', filter.categoryId);
      if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
      if (filter.updatedSinceMs !== undefined) query = query.where('updated_at', '>=', filter.updatedSinceMs);
      if (filter.searchPattern !== undefined) query = query.where(sql<boolean>`search_text like ${filter.searchPattern} escape '\\'`);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      return query.orderBy('id').limit(limit).execute();
    },

    /** Products (archived ones too) holding any of the back office's ids. */
    productsByExternalIds(externalIds: readonly string[]): Promise<ProductRecord[]> {
      if (externalIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('catalog_products').selectAll().where('external_id', 'in', externalIds).execute();
    },

    /** Variants (archived ones too) holding any of the back office's ids. */
    variantsByExternalIds(externalIds: readonly string[]): Promise<VariantRecord[]> {
      if (externalIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('catalog_variants').selectAll().where('external_id', 'in', externalIds).execute();
    },

    /** Variants of a product, archived ones too (their external ids still belong to it). */
    allVariantsOf(productId: number): Promise<VariantRecord[]> {
      return db.selectFrom('catalog_variants').selectAll().where('product_id', '=', productId).orderBy('position').orderBy('id').execute();
    },

    /** Brings an archived variant back on sale (the back office lists it again). */
    async restoreVariant(id: number, nowMs: number): Promise<void> {
      await db.updateTable('catalog_variants').set({ archived_at: null, updated_at: nowMs }).where('id', '=', id).execute();
    },

    /** Photos of products without their bytes, in display order. */
    listPhotosOf(productIds: readonly number[]): Promise<Omit<PhotoRecord, 'bytes'>[]> {
      if (productIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('catalog_photos')
        .select(['id', 'product_id', 'position', 'mime_type', 'url', 'file_id', 'source_url', 'created_at'])
        .where('product_id', 'in', productIds)
        .orderBy('product_id')
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    async countAll(): Promise<number> {
      const categories = await db.selectFrom('catalog_categories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const products = await db.selectFrom('catalog_products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(categories.n) + Number(products.n);
    },
  };
}

/** The catalogue repository's shape. */
export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
