/** The editor's variants and photos: add, change and remove a variant; replace or remove a product's photo. */
import { type z } from 'zod';
import { type Locale } from '../../config/business.ts';
import { createCatalogRepository } from './catalog.repository.ts';
import { CatalogError } from './catalog.errors.ts';
import { type CatalogViews, type StaffProductView } from './catalog.views.ts';
import { MAX_PHOTO_BYTES, sniffImageType, staffVariantCreateSchema, staffVariantPatchSchema } from './catalog.editor.schemas.ts';

/** Staff edits of variants and photos; `editor.staffProduct` reads the product back after a change. */
export function createCatalogVariantEditor(views: CatalogViews, editor: { staffProduct(productId: number, locale: Locale): Promise<StaffProductView | undefined> }) {
  const { deps, repository, translationsJson, plainText, refreshSearchText, staffProductOrThrow } = views;
  return {
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
}
