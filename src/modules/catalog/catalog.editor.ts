import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import type { LocalizedTexts } from './catalog.csv.ts';
import { createCatalogRepository, type CatalogRepository } from './catalog.repository.ts';
import { CatalogError } from './catalog.errors.ts';
import type { CategoryRecord } from './catalog.tables.ts';
import { productFilterOf, type CatalogViews, type StaffCategoryView, type StaffProductView } from './catalog.views.ts';

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** Largest product photo staff may upload (Telegram's own limit for photos). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** The image type of uploaded bytes by their first bytes (not by what the browser claims). */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

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

/**
 * The catalogue editor of the admin panel: the category tree (create, rename per language,
 * move, reorder, hide), products and their variants, photos.
 */
export function createCatalogEditor(views: CatalogViews) {
  const { deps, repository, translationsJson, categoryView, searchTextOf, textsOf, plainText, refreshSearchText, staffProductViews, staffProductOrThrow, categoryOrThrow } = views;
  const editor = {

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
      const filter = productFilterOf({ ...options, visibility: options.visibility ?? 'all' });
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
      return (await editor.staffProduct(row.id, deps.defaultLocale)) as StaffProductView;
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
      return (await editor.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
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
      return (await editor.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
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
      return (await editor.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
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
      return (await editor.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
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

  };
  return editor;
}
