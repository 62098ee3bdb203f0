import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { CatalogError } from './catalog.errors.ts';
import {
  MAX_PHOTO_BYTES,
  staffCategoryCreateSchema,
  staffCategoryPatchSchema,
  staffProductCreateSchema,
  staffProductPatchSchema,
  staffVariantCreateSchema,
  staffVariantPatchSchema,
} from './catalog.editor.ts';
import type { CatalogService } from './catalog.service.ts';

const productListQuery = z.object({
  q: z.string().trim().max(64).optional(),
  categoryId: z.coerce.number().int().positive().optional(),
  inStock: z.enum(['true', 'false']).optional(),
  minPriceMinor: z.coerce.number().int().min(0).optional(),
  maxPriceMinor: z.coerce.number().int().min(0).optional(),
  visibility: z.enum(['visible', 'hidden', 'all']).default('all'),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  locale: z.enum(SUPPORTED_LOCALES).optional(),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });
const variantParams = z.object({ id: z.coerce.number().int().positive(), variantId: z.coerce.number().int().positive() });
const localeQuery = z.object({ locale: z.enum(SUPPORTED_LOCALES).optional() });
const orderBody = z.object({ parentId: z.number().int().positive().nullable(), ids: z.array(z.number().int().positive()).min(1).max(1000) });
/** A CSV as text: the panel reads the file and sends it as JSON, like every other change. */
const importBody = z.object({ csv: z.string().min(1).max(5_000_000) });

/** The category as the panel's tree needs it after a change. */
const categoryView = (category: { id: number; parent_id: number | null; position: number; is_hidden: number }) => ({
  id: category.id,
  parentId: category.parent_id,
  position: category.position,
  hidden: category.is_hidden === 1,
});

/** What the catalogue's routes need. */
type CatalogRoutesDeps = { catalog: CatalogService; defaultLocale: (typeof SUPPORTED_LOCALES)[number] };

const productNotFound = (already = ''): CatalogError => new CatalogError('catalog.product_not_found', `This product does not exist or was archived${already}.`);

/** Products, their variants and photos (multipart upload). */
function productRoutes(deps: CatalogRoutesDeps): AnyApiRoute[] {
  const { catalog } = deps;
  return [
    route({
      method: 'GET',
      url: '/products',
      summary: 'Products matching a search and filters, a page at a time',
      query: productListQuery,
      handler: async ({ query }) => {
        const result = await catalog.staffProducts(
          {
            query: query.q || undefined,
            categoryId: query.categoryId,
            inStockOnly: query.inStock === 'true',
            minPriceMinor: query.minPriceMinor,
            maxPriceMinor: query.maxPriceMinor,
            visibility: query.visibility,
            page: query.page,
            pageSize: query.pageSize,
          },
          query.locale ?? deps.defaultLocale,
        );
        return { products: result.products, page: result.window.page, pages: result.window.pages, total: result.window.total };
      },
    }),
    route({
      method: 'POST',
      url: '/products',
      summary: 'Adds a product with its names in every language',
      body: staffProductCreateSchema,
      handler: async ({ body, request, reply }) => {
        const product = await catalog.createStaffProduct(body);
        noteAudit(request, { subject: { type: 'product', id: product.id } });
        return reply.code(201).send({ product });
      },
    }),
    route({
      method: 'GET',
      url: '/products/:id',
      summary: 'One product with its variants and photo',
      params: idParams,
      query: localeQuery,
      handler: async ({ params, query }) => {
        const product = await catalog.staffProduct(params.id, query.locale ?? deps.defaultLocale);
        if (!product) throw productNotFound();
        return { product };
      },
    }),
    route({
      method: 'PATCH',
      url: '/products/:id',
      summary: 'Changes a product',
      params: idParams,
      body: staffProductPatchSchema,
      handler: async ({ params, body }) => ({ product: await catalog.updateStaffProduct(params.id, body) }),
    }),
    route({
      method: 'POST',
      url: '/products/:id/archive',
      summary: 'Archives a product (its orders keep it)',
      params: idParams,
      handler: async ({ params }) => {
        if (!(await catalog.archiveProduct(params.id))) throw productNotFound(' already');
        return { archived: true };
      },
    }),
    route({
      method: 'POST',
      url: '/products/:id/variants',
      summary: 'Adds a variant (size, colour) with its price and stock',
      params: idParams,
      body: staffVariantCreateSchema,
      handler: async ({ params, body, reply }) => reply.code(201).send({ product: await catalog.addVariant(params.id, body) }),
    }),
    route({
      method: 'PATCH',
      url: '/products/:id/variants/:variantId',
      summary: 'Changes a variant',
      params: variantParams,
      body: staffVariantPatchSchema,
      handler: async ({ params, body }) => ({ product: await catalog.updateVariant(params.id, params.variantId, body) }),
    }),
    route({
      method: 'DELETE',
      url: '/products/:id/variants/:variantId',
      summary: 'Removes a variant',
      params: variantParams,
      handler: async ({ params }) => ({ product: await catalog.removeVariant(params.id, params.variantId) }),
    }),
    route({
      method: 'PUT',
      url: '/products/:id/photo',
      summary: 'Sets the product’s photo (JPEG, PNG or WebP up to 10 MB, as multipart/form-data)',
      multipart: true,
      params: idParams,
      handler: async ({ params, request }) => {
        let bytes: Buffer;
        try {
          // The limits make a larger file fail while streaming, before it is all in memory.
          const file = request.isMultipart() ? await request.file({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 2, parts: 3 } }) : undefined;
          if (!file) throw new CatalogError('catalog.photo_missing', 'Send the photo as a file (multipart/form-data).');
          bytes = await file.toBuffer();
        } catch (error) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new CatalogError('catalog.photo_too_large', 'The photo is larger than 10 MB.');
          throw error;
        }
        const photo = await catalog.setPhoto(params.id, bytes);
        noteAudit(request, { subject: { type: 'product', id: params.id }, summary: { photoId: photo.photoId, type: photo.mimeType, bytes: bytes.byteLength } });
        return { photoId: photo.photoId };
      },
    }),
    route({
      method: 'DELETE',
      url: '/products/:id/photo',
      summary: 'Removes the product’s photo',
      params: idParams,
      handler: async ({ params }) => ({ removed: await catalog.removePhoto(params.id) }),
    }),
    route({
      method: 'GET',
      url: '/photos/:id',
      summary: 'A product photo',
      produces: 'image/*',
      params: idParams,
      handler: async ({ params, reply }) => {
        const photo = await catalog.photoBytes(params.id);
        if (!photo?.bytes) throw new CatalogError('catalog.photo_not_found', 'This photo no longer exists.');
        return reply.header('content-type', photo.mime_type).header('x-content-type-options', 'nosniff').send(Buffer.from(photo.bytes));
      },
    }),
  ];
}

/** The category tree: create, rename per language, move, reorder, hide. */
function categoryRoutes(deps: CatalogRoutesDeps): AnyApiRoute[] {
  const { catalog } = deps;
  return [
    route({
      method: 'GET',
      url: '/categories',
      summary: 'The category tree',
      query: localeQuery,
      handler: async ({ query }) => ({ categories: await catalog.staffCategories(query.locale ?? deps.defaultLocale) }),
    }),
    route({
      method: 'POST',
      url: '/categories',
      summary: 'Adds a category with its names in every language',
      body: staffCategoryCreateSchema,
      handler: async ({ body, request, reply }) => {
        const category = await catalog.createStaffCategory(body);
        noteAudit(request, { subject: { type: 'category', id: category.id } });
        return reply.code(201).send({ category: { id: category.id, parentId: category.parent_id } });
      },
    }),
    route({
      method: 'PATCH',
      url: '/categories/:id',
      summary: 'Renames, moves or hides a category',
      params: idParams,
      body: staffCategoryPatchSchema,
      handler: async ({ params, body, request }) => {
        const category = await catalog.updateStaffCategory(params.id, body);
        noteAudit(request, { subject: { type: 'category', id: category.id } });
        return { category: categoryView(category) };
      },
    }),
    route({
      method: 'PUT',
      url: '/categories/order',
      summary: 'Reorders the categories under one parent',
      body: orderBody,
      handler: async ({ body }) => {
        await catalog.reorderCategories(body.parentId, body.ids);
        return { ok: true };
      },
    }),
  ];
}

/** The whole catalogue as CSV out and in. */
function transferRoutes(deps: CatalogRoutesDeps): AnyApiRoute[] {
  const { catalog } = deps;
  return [
    route({
      method: 'GET',
      url: '/export.csv',
      summary: 'The whole catalogue as CSV',
      produces: 'text/csv',
      handler: async ({ reply }) => {
        const { csv } = await catalog.exportCsv();
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="catalog.csv"').send(csv);
      },
    }),
    route({
      method: 'POST',
      url: '/import/check',
      summary: 'Checks a CSV and says what importing it would change',
      // Checking a file changes nothing, so it is not an audited change.
      audit: false,
      body: importBody,
      handler: async ({ body }) => {
        const { plan, issues } = await catalog.checkImport(body.csv);
        return {
          issues,
          products: { create: plan.products.filter((item) => item.productId === null).length, update: plan.products.filter((item) => item.productId !== null).length },
          variants: { create: plan.variants.filter((item) => item.variantId === null).length, update: plan.variants.filter((item) => item.variantId !== null).length },
        };
      },
    }),
    route({
      method: 'POST',
      url: '/import',
      summary: 'Imports a CSV: products and variants created or updated in one transaction',
      body: importBody,
      handler: async ({ body, request }) => {
        const summary = await catalog.importCsv(body.csv);
        noteAudit(request, { summary: { ...summary } });
        return { summary };
      },
    }),
  ];
}

/**
 * The catalogue's staff API under `/api/catalog`: the category tree (create, rename per
 * language, move, reorder, hide), products and their variants, photos (multipart upload), and
 * the whole catalogue as CSV out and in.
 */
export function createCatalogRoutes(deps: CatalogRoutesDeps): AnyApiRoute[] {
  return [...productRoutes(deps), ...categoryRoutes(deps), ...transferRoutes(deps)];
}
