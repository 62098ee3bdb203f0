/** Owner changes through the API: categories and products from owner input, prices, stock, archiving, photos. */
import { type Locale } from '../../config/business.ts';
import { CatalogError } from './catalog.errors.ts';
import { type CategoryView, type ProductView } from './catalog.views.ts';
import { categoryInputSchema, productInputSchema, type CatalogCore, type ItemRef, type PhotoSource } from './catalog.core.ts';

/** Owner writes; `browse` reads the product back after it is created. */
export function createCatalogWrites(core: CatalogCore, browse: { product(id: number, locale: Locale): Promise<ProductView | undefined> }) {
  const { deps, repository, splitLocalized, translationsJson, categoryView, searchTextOf } = core;
  return {
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
      return (await browse.product(row.id, deps.defaultLocale)) as ProductView;
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
  };
}
