// The catalogue in the Mini App: the storefront's tree, grid, search and filters, a product
// with its gallery and variants (under /api/miniapp/catalog, behind the initData check), and
// its photos resized for phones (under /public/catalog: an <img> sends no initData, and a
// visible product's photo is no secret — the bot shows it to anyone who asks).

import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { resizeImage, type EncodedImage } from '../../media/resize.ts';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import { CatalogError } from './catalog.errors.ts';
import type { CatalogService } from './catalog.service.ts';
import type { StorefrontProduct } from './catalog.storefront.ts';

/** Widths the storefront asks photos in: a grid tile, a product page, and twice each for dense screens. */
export const PHOTO_WIDTHS = [160, 320, 480, 640, 960] as const;
/** Products per grid page unless the app asks otherwise. */
const DEFAULT_PAGE_SIZE = 24;

const productQuery = z.object({
  category_id: z.coerce.number().int().positive().optional(),
  q: z.string().trim().max(64).optional().describe('Words of a title or description, in any language (2 characters at least)'),
  min_price: z.coerce.number().int().min(0).optional().describe('Lowest price, in minor units'),
  max_price: z.coerce.number().int().min(0).optional().describe('Highest price, in minor units'),
  in_stock: z.enum(['true', 'false']).optional().transform((value) => value === 'true'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(60).default(DEFAULT_PAGE_SIZE),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** A product as the app shows it: prices in minor units, photos as URLs of this server. */
function productView(product: StorefrontProduct) {
  return {
    id: product.id,
    category_id: product.categoryId,
    title: product.title,
    description: product.description,
    price_minor: product.priceMinor,
    price_varies: product.priceVaries,
    currency: product.currency,
    stock: product.stock,
    photos: product.photoIds.map((id) => `/public/catalog/photos/${id}`),
    variants: product.variants.map((variant) => ({ id: variant.id, title: variant.title, options: variant.options, price_minor: variant.priceMinor, stock: variant.stock })),
  };
}

/** The catalogue's routes of the Mini App's API. */
export function createCatalogMiniAppRoutes(deps: { catalog: CatalogService }): AnyApiRoute[] {
  const { catalog } = deps;
  return [
    miniAppRoute({
      method: 'GET',
      url: '/catalog/categories',
      summary: 'The visible category tree with product counts',
      handler: async ({ principal }) => ({
        categories: (await catalog.storefrontCategories(principal.locale)).map((category) => ({
          id: category.id,
          parent_id: category.parentId,
          title: category.title,
          product_count: category.productCount,
        })),
      }),
    }),
    miniAppRoute({
      method: 'GET',
      url: '/catalog/products',
      summary: 'A page of products: a category and its subcategories, a search, price and stock filters',
      query: productQuery,
      handler: async ({ query, principal }) => {
        const text = query.q ? catalog.cleanQuery(query.q) : undefined;
        if (query.q && query.q.trim() !== '' && !text) throw new CatalogError('catalog.query_invalid', 'Type at least 2 characters to search.');
        if (query.min_price !== undefined && query.max_price !== undefined && query.min_price > query.max_price) {
          throw new CatalogError('catalog.price_range_invalid', 'The lowest price is above the highest.');
        }
        const page = await catalog.storefrontProducts(
          {
            ...(query.category_id === undefined ? {} : { categoryId: query.category_id }),
            ...(text ? { query: text } : {}),
            ...(query.min_price === undefined ? {} : { minPriceMinor: query.min_price }),
            ...(query.max_price === undefined ? {} : { maxPriceMinor: query.max_price }),
            inStockOnly: query.in_stock,
            page: query.page,
            pageSize: query.page_size,
          },
          principal.locale,
        );
        if (!page) throw new CatalogError('catalog.category_not_found', 'This category does not exist.', { categoryId: query.category_id });
        return { products: page.products.map(productView), page: page.window.page, pages: page.window.pages, total: page.window.total };
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/catalog/products/:id',
      summary: 'A product with its variants and photos',
      params: idParams,
      handler: async ({ params, principal }) => {
        const product = await catalog.storefrontProduct(params.id, principal.locale);
        if (!product) throw new CatalogError('catalog.product_not_found', 'This product is no longer on sale.', { productId: params.id });
        return { product: productView(product) };
      },
    }),
  ];
}

/**
 * `GET /public/catalog/photos/:id?w=320`: a visible product's photo at one of
 * {@link PHOTO_WIDTHS}, resized once and kept in memory (at most `cacheBytes`, the least
 * recently used dropped first); browsers keep it a day.
 */
export function createCatalogPhotoRoutes(deps: { catalog: CatalogService; cacheBytes?: number }): FastifyPluginAsync {
  const limit = deps.cacheBytes ?? 32 * 1024 * 1024;
  const cache = new Map<string, EncodedImage>();
  let cachedBytes = 0;
  const remember = (key: string, image: EncodedImage) => {
    if (image.bytes.length > limit) return;
    cache.set(key, image);
    cachedBytes += image.bytes.length;
    for (const [oldest, entry] of cache) {
      if (cachedBytes <= limit) break;
      cache.delete(oldest);
      cachedBytes -= entry.bytes.length;
    }
  };
  const query = z.object({ w: z.coerce.number().int().optional() });
  return async (app) => {
    app.get<{ Params: { id: string }; Querystring: Record<string, string> }>('/photos/:id', async (request, reply) => {
      const id = idParams.safeParse(request.params);
      const width = query.safeParse(request.query);
      if (!id.success || !width.success) return reply.code(400).send({ error: { code: 'catalog.invalid_request', message: 'Expected /photos/<id>?w=<width>.' } });
      const wanted = width.data.w ?? 640;
      // Only known widths: an open width would let anyone fill the cache with copies.
      const size: number = PHOTO_WIDTHS.find((candidate) => candidate >= wanted) ?? 960;
      const key = `${id.data.id}:${size}`;
      let image = cache.get(key);
      if (image) {
        // Touched: moves to the end, the most recently used.
        cache.delete(key);
        cache.set(key, image);
      } else {
        const photo = await deps.catalog.storefrontPhoto(id.data.id);
        if (!photo) return reply.code(404).send({ error: { code: 'catalog.photo_not_found', message: 'This photo no longer exists.' } });
        image = resizeImage(photo.bytes, photo.mimeType, size);
        remember(key, image);
      }
      return reply
        .header('content-type', image.mimeType)
        .header('cache-control', 'public, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(image.bytes);
    });
  };
}
