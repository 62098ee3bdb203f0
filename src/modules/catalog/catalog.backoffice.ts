/**
 * The catalogue as a back office (an accounting system, an ERP) reads and writes it through
 * the integration API: every language of every text, its own ids (external_id), pages by
 * cursor, archived products too, and stock set or adjusted without ever going below zero.
 */
import { z } from 'zod';
import { isUniqueViolation } from '../../db/database.ts';
import type { LocalizedTexts } from './catalog.csv.ts';
import { createCatalogCategoryEditor } from './catalog.editor.categories.ts';
import { CatalogError } from './catalog.errors.ts';
import { createCatalogRepository, type CatalogRepository, type CategoryPatch, type ProductPageFilter, type ProductPatch, type VariantPatch } from './catalog.repository.ts';
import type { CategoryRecord, PhotoRecord, ProductRecord, VariantRecord } from './catalog.tables.ts';
import { changedTexts, externalIdSchema, priceMinorSchema, stockSchema, productTranslationsSchema, titleTranslationsSchema } from './catalog.upsert.ts';
import { likePattern, type CatalogViews } from './catalog.views.ts';

const nonEmpty = (value: object) => Object.keys(value).length > 0;

/** A new category. */
export const backofficeCategoryCreateSchema = z.object({
  title: z.string().trim().min(1).max(64).describe("The name in the business's default language"),
  translations: titleTranslationsSchema(64).optional(),
  parent_id: z.number().int().positive().nullable().default(null),
  position: z.number().int().min(0).max(100_000).optional().describe('Default: after its siblings'),
  hidden: z.boolean().default(false),
  external_id: externalIdSchema.optional(),
});

/** A change to a category; fields left out keep their value. */
export const backofficeCategoryPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(64).optional(),
    translations: titleTranslationsSchema(64).optional(),
    parent_id: z.number().int().positive().nullable().optional().describe('Moved to the end of its new parent'),
    position: z.number().int().min(0).max(100_000).optional(),
    hidden: z.boolean().optional(),
    external_id: externalIdSchema.nullable().optional().describe('null clears it'),
  })
  .refine(nonEmpty, 'nothing to change');

/** A change to a product; fields left out keep their value. */
export const backofficeProductPatchSchema = z
  .object({
    external_id: externalIdSchema.nullable().optional().describe('null clears it'),
    category_id: z.number().int().positive().nullable().optional(),
    category_external_id: externalIdSchema.optional(),
    title: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(800).optional(),
    translations: productTranslationsSchema.optional(),
    price_minor: priceMinorSchema.optional(),
    stock: stockSchema.optional(),
    position: z.number().int().min(0).max(100_000).optional(),
    hidden: z.boolean().optional(),
    digital: z.boolean().optional(),
  })
  .strict()
  .refine(nonEmpty, 'nothing to change');

/** A new variant of a product. */
export const backofficeVariantCreateSchema = z.object({
  external_id: externalIdSchema.optional(),
  title: z.string().trim().min(1).max(64),
  translations: titleTranslationsSchema(64).optional(),
  price_minor: priceMinorSchema,
  stock: stockSchema.default(0),
  options: z.record(z.string().max(32), z.string().max(32)).optional(),
});

/** A change to a variant. */
export const backofficeVariantPatchSchema = z
  .object({
    external_id: externalIdSchema.nullable().optional(),
    title: z.string().trim().min(1).max(64).optional(),
    translations: titleTranslationsSchema(64).optional(),
    price_minor: priceMinorSchema.optional(),
    stock: stockSchema.optional(),
    options: z.record(z.string().max(32), z.string().max(32)).nullable().optional(),
  })
  .strict()
  .refine(nonEmpty, 'nothing to change');

/** A stock change: the quantity now in stock, or a change by so many units (never below zero). */
export const backofficeStockSchema = z.union([
  z.object({ quantity: stockSchema.describe('The quantity in stock now') }).strict(),
  z.object({ adjust_by: z.number().int().min(-1_000_000).max(1_000_000).refine((value) => value !== 0, 'not zero').describe('Units received (positive) or written off (negative)') }).strict(),
]);

/** A category with every language of its title and its depth in the tree (0: top level). */
export interface BackofficeCategory {
  record: CategoryRecord;
  titles: LocalizedTexts;
  depth: number;
}

/** A product with every language of its texts, its live variants and its photos. */
export interface BackofficeProduct {
  record: ProductRecord;
  titles: LocalizedTexts;
  descriptions: LocalizedTexts;
  variants: { record: VariantRecord; titles: LocalizedTexts }[];
  photos: Omit<PhotoRecord, 'bytes'>[];
}

/** Which item a stock change is for. */
export interface StockRef {
  productId: number;
  variantId: number | null;
}

/** The back office's reads and writes of the catalogue. */
export function createCatalogBackoffice(views: CatalogViews) {
  const { deps, repository, translationsJson, textsOf, plainText, refreshSearchText, staffProductOrThrow, categoryOrThrow } = views;
  const categoryEditor = createCatalogCategoryEditor(views);

  const productViews = async (rows: readonly ProductRecord[]): Promise<BackofficeProduct[]> => {
    const ids = rows.map((row) => row.id);
    const variants = Map.groupBy(await repository.listVariants(ids), (row) => row.product_id);
    const photos = Map.groupBy(await repository.listPhotosOf(ids), (row) => Number(row.product_id));
    return rows.map((record) => ({
      record,
      titles: textsOf(record.title, record.translations, 'title'),
      descriptions: textsOf(record.description, record.translations, 'description'),
      variants: (variants.get(record.id) ?? []).map((variant) => ({ record: variant, titles: textsOf(variant.title, variant.translations, 'title') })),
      photos: photos.get(record.id) ?? [],
    }));
  };

  const productOf = async (productId: number): Promise<BackofficeProduct> => {
    const [row] = await repository.findProductsAny([productId]);
    if (!row) throw new CatalogError('catalog.product_not_found', 'There is no such product.', { productId });
    return (await productViews([row]))[0] as BackofficeProduct;
  };

  const variantOf = async (scoped: CatalogRepository, productId: number, variantId: number): Promise<VariantRecord> => {
    const variant = await scoped.findVariant(variantId);
    if (!variant || variant.product_id !== productId) throw new CatalogError('catalog.variant_not_found', 'This variant does not exist or was archived.', { productId, variantId });
    return variant;
  };

  /** Refuses an external id another row of the table holds. */
  const externalIdFree = async (table: 'catalog_categories' | 'catalog_products' | 'catalog_variants', externalId: string | null | undefined, ownId: number | null): Promise<void> => {
    if (externalId === undefined || externalId === null) return;
    const holder = await deps.db.selectFrom(table).select('id').where('external_id', '=', externalId).executeTakeFirst();
    if (holder && holder.id !== ownId) throw new CatalogError('catalog.external_id_taken', 'Another record already has this external_id.', { externalId, holderId: holder.id });
  };

  /** Runs a write; the unique index settles a race for the same external id. */
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CatalogError('catalog.external_id_taken', 'Another record already has this external_id.');
      throw error;
    }
  };

  const categoryOfExternal = async (externalId: string): Promise<number> => {
    const found = (await repository.listCategories()).find((row) => row.external_id === externalId);
    if (!found) throw new CatalogError('catalog.unknown_category', 'No category has this external_id.', { categoryExternalId: externalId });
    return found.id;
  };

  const backoffice = {
    /** Every category in tree order (each parent before its children, siblings by position). */
    async backofficeCategories(): Promise<BackofficeCategory[]> {
      const rows = await repository.listCategories();
      const byParent = Map.groupBy(rows, (row) => row.parent_id);
      const result: BackofficeCategory[] = [];
      const seen = new Set<number>();
      const walk = (parentId: number | null, depth: number) => {
        for (const record of (byParent.get(parentId) ?? []).toSorted((a, b) => a.position - b.position || a.id - b.id)) {
          // A cycle written into the table by hand must not loop forever.
          if (seen.has(record.id)) continue;
          seen.add(record.id);
          result.push({ record, titles: textsOf(record.title, record.translations, 'title'), depth });
          walk(record.id, depth + 1);
        }
      };
      walk(null, 0);
      return result;
    },

    /** One category, hidden ones too. */
    async backofficeCategory(categoryId: number): Promise<BackofficeCategory> {
      const found = (await backoffice.backofficeCategories()).find((entry) => entry.record.id === categoryId);
      if (!found) throw new CatalogError('catalog.category_not_found', 'There is no such category.', { categoryId });
      return found;
    },

    /** Adds a category (after its siblings unless a position is given). */
    async createBackofficeCategory(input: z.input<typeof backofficeCategoryCreateSchema>): Promise<BackofficeCategory> {
      const data = backofficeCategoryCreateSchema.parse(input);
      await categoryOrThrow(repository, data.parent_id);
      await externalIdFree('catalog_categories', data.external_id, null);
      const titles = changedTexts({}, deps.defaultLocale, data.title, data.translations, 'title');
      const row = await guarded(async () =>
        repository.insertCategory(
          {
            parent_id: data.parent_id,
            title: plainText(titles),
            translations: translationsJson(titles),
            position: data.position ?? (await repository.lastChildPosition(data.parent_id)) + 1,
            is_hidden: data.hidden ? 1 : 0,
            external_id: data.external_id ?? null,
          },
          deps.now(),
        ),
      );
      return backoffice.backofficeCategory(row.id);
    },

    /**
     * Renames, moves (a move into its own subtree is `catalog.category_cycle`), hides or shows,
     * reorders a category, or sets its external id.
     */
    async updateBackofficeCategory(categoryId: number, input: z.input<typeof backofficeCategoryPatchSchema>): Promise<BackofficeCategory> {
      const data = backofficeCategoryPatchSchema.parse(input);
      const current = await repository.findCategoryForStaff(categoryId);
      if (!current) throw new CatalogError('catalog.category_not_found', 'There is no such category.', { categoryId });
      await externalIdFree('catalog_categories', data.external_id, categoryId);
      const titles = data.title !== undefined || data.translations !== undefined ? changedTexts(textsOf(current.title, current.translations, 'title'), deps.defaultLocale, data.title, data.translations, 'title') : undefined;
      if (titles && Object.keys(titles).length === 0) throw new CatalogError('catalog.title_required', 'A category needs a title in at least one language.', { categoryId });
      // The panel's editor owns the rules of moving (no cycles) and hiding.
      if (titles || data.parent_id !== undefined || data.hidden !== undefined) {
        await categoryEditor.updateStaffCategory(categoryId, {
          ...(titles ? { title: titles } : {}),
          ...(data.parent_id !== undefined ? { parentId: data.parent_id } : {}),
          ...(data.hidden !== undefined ? { hidden: data.hidden } : {}),
        });
      }
      const patch: CategoryPatch = {};
      if (data.position !== undefined) patch.position = data.position;
      if (data.external_id !== undefined) patch.external_id = data.external_id;
      if (nonEmpty(patch)) await guarded(() => repository.updateCategory(categoryId, patch, deps.now()));
      return backoffice.backofficeCategory(categoryId);
    },

    /** A page of products in id order after `startingAfter`, with one more looked up to tell whether more follow. */
    async backofficeProductPage(
      filter: Omit<ProductPageFilter, 'searchPattern'> & { query?: string | undefined },
      page: { limit: number; startingAfter?: number | undefined },
    ): Promise<{ products: BackofficeProduct[]; hasMore: boolean }> {
      const { query, ...rest } = filter;
      const rows = await repository.listProductsAfter({ ...rest, ...(query ? { searchPattern: likePattern(query) } : {}) }, page.startingAfter, page.limit + 1);
      return { products: await productViews(rows.slice(0, page.limit)), hasMore: rows.length > page.limit };
    },

    /** One product, archived ones too (orders still refer to them). */
    backofficeProduct: productOf,

    /** Changes what the patch names; the stored product's other fields stay. */
    async updateBackofficeProduct(productId: number, input: z.input<typeof backofficeProductPatchSchema>): Promise<BackofficeProduct> {
      const data = backofficeProductPatchSchema.parse(input);
      const current = await staffProductOrThrow(repository, productId);
      let categoryId = data.category_id;
      if (data.category_external_id !== undefined) categoryId = await categoryOfExternal(data.category_external_id);
      if (categoryId !== undefined) await categoryOrThrow(repository, categoryId);
      await externalIdFree('catalog_products', data.external_id, productId);
      const patch: ProductPatch = {};
      if (data.title !== undefined || data.description !== undefined || data.translations !== undefined) {
        const titles = changedTexts(textsOf(current.title, current.translations, 'title'), deps.defaultLocale, data.title, data.translations, 'title');
        const descriptions = changedTexts(textsOf(current.description, current.translations, 'description'), deps.defaultLocale, data.description, data.translations, 'description');
        if (Object.keys(titles).length === 0) throw new CatalogError('catalog.title_required', 'A product needs a title in at least one language.', { productId });
        Object.assign(patch, { title: plainText(titles), description: plainText(descriptions), translations: translationsJson(titles, descriptions) });
      }
      if (categoryId !== undefined) patch.category_id = categoryId;
      if (data.price_minor !== undefined) patch.price_minor = data.price_minor;
      if (data.stock !== undefined) patch.stock = data.stock;
      if (data.hidden !== undefined) patch.is_hidden = data.hidden ? 1 : 0;
      if (data.digital !== undefined) patch.is_digital = data.digital ? 1 : 0;
      if (data.external_id !== undefined) patch.external_id = data.external_id;
      if (data.position !== undefined) patch.position = data.position;
      await guarded(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCatalogRepository(trx);
          await scoped.updateProduct(productId, patch, deps.now());
          await refreshSearchText(scoped, productId);
        }),
      );
      return productOf(productId);
    },

    /** Archives a product: gone from the bot and from carts; orders keep their lines. */
    async archiveBackofficeProduct(productId: number): Promise<BackofficeProduct> {
      if (!(await repository.archiveProduct(productId, deps.now()))) throw new CatalogError('catalog.product_not_found', 'There is no such product, or it is archived already.', { productId });
      return productOf(productId);
    },

    /** Adds a variant after the product's others. */
    async addBackofficeVariant(productId: number, input: z.input<typeof backofficeVariantCreateSchema>): Promise<BackofficeProduct> {
      const data = backofficeVariantCreateSchema.parse(input);
      await staffProductOrThrow(repository, productId);
      await externalIdFree('catalog_variants', data.external_id, null);
      const titles = changedTexts({}, deps.defaultLocale, data.title, data.translations, 'title');
      await guarded(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCatalogRepository(trx);
          await scoped.insertVariant(
            {
              product_id: productId,
              external_id: data.external_id ?? null,
              title: plainText(titles),
              translations: translationsJson(titles),
              options: data.options ? JSON.stringify(data.options) : null,
              price_minor: data.price_minor,
              stock: data.stock,
              position: (await scoped.lastVariantPosition(productId)) + 1,
            },
            deps.now(),
          );
          await refreshSearchText(scoped, productId);
        }),
      );
      return productOf(productId);
    },

    /** Changes a variant's texts, price, stock, options or external id. */
    async updateBackofficeVariant(productId: number, variantId: number, input: z.input<typeof backofficeVariantPatchSchema>): Promise<BackofficeProduct> {
      const data = backofficeVariantPatchSchema.parse(input);
      const variant = await variantOf(repository, productId, variantId);
      await externalIdFree('catalog_variants', data.external_id, variantId);
      const patch: VariantPatch = {};
      if (data.title !== undefined || data.translations !== undefined) {
        const titles = changedTexts(textsOf(variant.title, variant.translations, 'title'), deps.defaultLocale, data.title, data.translations, 'title');
        if (Object.keys(titles).length === 0) throw new CatalogError('catalog.title_required', 'A variant needs a title in at least one language.', { variantId });
        Object.assign(patch, { title: plainText(titles), translations: translationsJson(titles) });
      }
      if (data.price_minor !== undefined) patch.price_minor = data.price_minor;
      if (data.stock !== undefined) patch.stock = data.stock;
      if (data.options !== undefined) patch.options = data.options === null ? null : JSON.stringify(data.options);
      if (data.external_id !== undefined) patch.external_id = data.external_id;
      await guarded(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCatalogRepository(trx);
          await scoped.updateVariant(variantId, patch, deps.now());
          await refreshSearchText(scoped, productId);
        }),
      );
      return productOf(productId);
    },

    /** Archives a variant (old carts and orders keep their reference). */
    async archiveBackofficeVariant(productId: number, variantId: number): Promise<BackofficeProduct> {
      await variantOf(repository, productId, variantId);
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.archiveVariant(variantId, deps.now());
        await refreshSearchText(scoped, productId);
      });
      return productOf(productId);
    },

    /**
     * Sets the stock of a product without variants, or of a variant: to a quantity, or by a
     * change. A write-off larger than the stock is `catalog.stock_too_low` and changes nothing:
     * the same conditional decrement as an order's reservation decides, so a sale at the same
     * moment cannot drive it below zero.
     */
    async setBackofficeStock(ref: StockRef, input: z.input<typeof backofficeStockSchema>): Promise<BackofficeProduct> {
      const change = backofficeStockSchema.parse(input);
      const product = await staffProductOrThrow(repository, ref.productId);
      if (ref.variantId === null) {
        if ((await repository.listVariants([product.id])).length > 0) {
          throw new CatalogError('catalog.stock_on_variants', 'This product sells its variants: set the stock of each variant.', { productId: product.id });
        }
      } else {
        await variantOf(repository, ref.productId, ref.variantId);
      }
      const nowMs = deps.now();
      if ('quantity' in change) {
        if (ref.variantId === null) await repository.updateProduct(ref.productId, { stock: change.quantity }, nowMs);
        else await repository.updateVariant(ref.variantId, { stock: change.quantity }, nowMs);
      } else if (change.adjust_by > 0) {
        await repository.incrementStock({ ...ref, quantity: change.adjust_by }, nowMs);
      } else if (!(await repository.decrementStock({ ...ref, quantity: -change.adjust_by }, nowMs))) {
        throw new CatalogError('catalog.stock_too_low', 'There is less in stock than the write-off; nothing was changed.', { ...ref, adjustBy: change.adjust_by });
      }
      return productOf(ref.productId);
    },
  };
  return backoffice;
}
