import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z, ZodError } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { describeIssues } from '../../platform/route.ts';
import { noteAudit } from '../../platform/audit.ts';
import {
  CatalogError,
  MAX_PHOTO_BYTES,
  staffCategoryCreateSchema,
  staffCategoryPatchSchema,
  staffProductCreateSchema,
  staffProductPatchSchema,
  staffVariantCreateSchema,
  staffVariantPatchSchema,
  type CatalogService,
} from './catalog.service.ts';

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

const STATUS_CODES: Record<string, number> = {
  'catalog.product_not_found': 404,
  'catalog.category_not_found': 404,
  'catalog.variant_not_found': 404,
  'catalog.photo_not_found': 404,
  'catalog.unknown_category': 400,
  'catalog.category_cycle': 409,
  'catalog.order_mismatch': 409,
  'catalog.photo_too_large': 413,
  'catalog.photo_type': 415,
  'catalog.photo_missing': 400,
  'catalog.import_invalid': 422,
};

/** A refusal with its dotted code and a sentence for the person at the panel. */
function refuse(reply: FastifyReply, code: string, message: string, details?: Record<string, unknown>) {
  return reply.code(STATUS_CODES[code] ?? 400).send({ error: code, message, ...(details ? { details } : {}) });
}

function invalid(reply: FastifyReply, error: ZodError) {
  return reply.code(400).send({ error: 'catalog.invalid_request', message: describeIssues(error.issues) });
}

function fail(reply: FastifyReply, error: unknown) {
  if (error instanceof CatalogError) return refuse(reply, error.code, error.message, error.details);
  if (error instanceof ZodError) return invalid(reply, error);
  throw error;
}

/**
 * The catalogue's staff API under `/api/catalog` (behind the admin gate): the category tree
 * (create, rename per language, move, reorder, hide), products and their variants, photos
 * (multipart upload), and the whole catalogue as CSV out and in.
 */
export function createCatalogRoutes(deps: { catalog: CatalogService; defaultLocale: (typeof SUPPORTED_LOCALES)[number] }): FastifyPluginAsync {
  const { catalog } = deps;
  return async (app) => {
    // Photos come as multipart/form-data; the limits make a larger file fail while streaming.
    await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 2, parts: 3 } });

    app.get('/products', async (request, reply) => {
      const parsed = productListQuery.safeParse(request.query);
      if (!parsed.success) return invalid(reply, parsed.error);
      const query = parsed.data;
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
    });

    app.post('/products', async (request, reply) => {
      const body = staffProductCreateSchema.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      try {
        const product = await catalog.createStaffProduct(body.data);
        noteAudit(request, { subject: { type: 'product', id: product.id } });
        return reply.code(201).send({ product });
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.get('/products/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const query = localeQuery.safeParse(request.query);
      if (!params.success) return invalid(reply, params.error);
      if (!query.success) return invalid(reply, query.error);
      const product = await catalog.staffProduct(params.data.id, query.data.locale ?? deps.defaultLocale);
      if (!product) return refuse(reply, 'catalog.product_not_found', 'This product does not exist or was archived.');
      return { product };
    });

    app.patch('/products/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = staffProductPatchSchema.safeParse(request.body);
      if (!params.success) return invalid(reply, params.error);
      if (!body.success) return invalid(reply, body.error);
      try {
        return { product: await catalog.updateStaffProduct(params.data.id, body.data) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/products/:id/archive', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      if (!(await catalog.archiveProduct(params.data.id))) return refuse(reply, 'catalog.product_not_found', 'This product does not exist or was archived already.');
      return { archived: true };
    });

    app.post('/products/:id/variants', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = staffVariantCreateSchema.safeParse(request.body);
      if (!params.success) return invalid(reply, params.error);
      if (!body.success) return invalid(reply, body.error);
      try {
        return reply.code(201).send({ product: await catalog.addVariant(params.data.id, body.data) });
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.patch('/products/:id/variants/:variantId', async (request, reply) => {
      const params = variantParams.safeParse(request.params);
      const body = staffVariantPatchSchema.safeParse(request.body);
      if (!params.success) return invalid(reply, params.error);
      if (!body.success) return invalid(reply, body.error);
      try {
        return { product: await catalog.updateVariant(params.data.id, params.data.variantId, body.data) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.delete('/products/:id/variants/:variantId', async (request, reply) => {
      const params = variantParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      try {
        return { product: await catalog.removeVariant(params.data.id, params.data.variantId) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.put('/products/:id/photo', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      let bytes: Buffer;
      try {
        const file = request.isMultipart() ? await request.file() : undefined;
        if (!file) return refuse(reply, 'catalog.photo_missing', 'Send the photo as a file (multipart/form-data).');
        bytes = await file.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return refuse(reply, 'catalog.photo_too_large', 'The photo is larger than 10 MB.');
        throw error;
      }
      try {
        const photo = await catalog.setPhoto(params.data.id, bytes);
        noteAudit(request, { subject: { type: 'product', id: params.data.id }, summary: { photoId: photo.photoId, type: photo.mimeType, bytes: bytes.byteLength } });
        return { photoId: photo.photoId };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.delete('/products/:id/photo', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      try {
        return { removed: await catalog.removePhoto(params.data.id) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.get('/photos/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      const photo = await catalog.photoBytes(params.data.id);
      if (!photo?.bytes) return refuse(reply, 'catalog.photo_not_found', 'This photo no longer exists.');
      return reply.header('content-type', photo.mime_type).header('x-content-type-options', 'nosniff').send(Buffer.from(photo.bytes));
    });

    app.get('/categories', async (request, reply) => {
      const query = localeQuery.safeParse(request.query);
      if (!query.success) return invalid(reply, query.error);
      return { categories: await catalog.staffCategories(query.data.locale ?? deps.defaultLocale) };
    });

    app.post('/categories', async (request, reply) => {
      const body = staffCategoryCreateSchema.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      try {
        const category = await catalog.createStaffCategory(body.data);
        noteAudit(request, { subject: { type: 'category', id: category.id } });
        return reply.code(201).send({ category: { id: category.id, parentId: category.parent_id } });
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.patch('/categories/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = staffCategoryPatchSchema.safeParse(request.body);
      if (!params.success) return invalid(reply, params.error);
      if (!body.success) return invalid(reply, body.error);
      try {
        const category = await catalog.updateStaffCategory(params.data.id, body.data);
        noteAudit(request, { subject: { type: 'category', id: category.id } });
        return { category: { id: category.id, parentId: category.parent_id, position: category.position, hidden: category.is_hidden === 1 } };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.put('/categories/order', async (request, reply) => {
      const body = orderBody.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      try {
        await catalog.reorderCategories(body.data.parentId, body.data.ids);
        return { ok: true };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.get('/export.csv', async (_request, reply) => {
      const { csv } = await catalog.exportCsv();
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="catalog.csv"').send(csv);
    });

    // Checking a file changes nothing, so it is not an audited change.
    app.post('/import/check', { config: { audit: false } }, async (request, reply) => {
      const body = importBody.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      const { plan, issues } = await catalog.checkImport(body.data.csv);
      return {
        issues,
        products: { create: plan.products.filter((item) => item.productId === null).length, update: plan.products.filter((item) => item.productId !== null).length },
        variants: { create: plan.variants.filter((item) => item.variantId === null).length, update: plan.variants.filter((item) => item.variantId !== null).length },
      };
    });

    app.post('/import', async (request, reply) => {
      const body = importBody.safeParse(request.body);
      if (!body.success) return invalid(reply, body.error);
      try {
        const summary = await catalog.importCsv(body.data.csv);
        noteAudit(request, { summary: { ...summary } });
        return { summary };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
