import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import {
  backofficeCategoryCreateSchema,
  backofficeCategoryPatchSchema,
  backofficeProductPatchSchema,
  backofficeStockSchema,
  backofficeVariantCreateSchema,
  backofficeVariantPatchSchema,
} from './catalog.backoffice.ts';
import { apiCategory, apiProduct, apiUpsert, categoryView, productView, upsertView } from './catalog.api.view.ts';
import type { CatalogService } from './catalog.service.ts';
import { catalogItemSchema, catalogNewProductSchema, MAX_UPSERT_ITEMS } from './catalog.upsert.ts';

/** A moment as callers send it: ISO 8601, or epoch milliseconds. */
const moment = z.union([z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)), z.coerce.number().int().min(0)]);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const idParams = z.object({ id: z.coerce.number().int().positive().describe("The product's id") });
const categoryParams = z.object({ id: z.coerce.number().int().positive().describe("The category's id") });
const variantParams = z.object({ id: z.coerce.number().int().positive().describe("The product's id"), variant_id: z.coerce.number().int().positive() });

const productListQuery = z.object({
  category_id: z.coerce.number().int().positive().optional(),
  external_id: z.string().min(1).max(64).optional().describe('Your SKU'),
  hidden: flag.optional().describe('true: only hidden products; false: only those on sale; default both'),
  archived: flag.default(false).describe('true: only archived products; default: live ones'),
  updated_since: moment.optional().describe('Changed at or after (ISO 8601 or epoch ms)'),
  q: z.string().trim().min(1).max(64).optional().describe('Words of a title or description, in any language'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  starting_after: z.coerce.number().int().positive().optional().describe('The id of the last product of the previous page (its next_cursor)'),
});

// The items are checked one by one by the use case, so that a bad batch is answered with every
// wrong item and field (`catalog.batch_invalid`); the item schema is attached for the docs.
const { $schema: _dialect, ...itemDocument } = z.toJSONSchema(catalogItemSchema, { io: 'input' }) as Record<string, unknown>;
const bulkBody = z.object({ items: z.array(z.looseObject({}).meta(itemDocument)).min(1).max(MAX_UPSERT_ITEMS) });

/**
 * The catalogue in the integration API: a back office (an accounting system, an ERP) reads the
 * category tree and the products in every language, creates and changes them with its own ids
 * (external_id, a product's SKU), sets stock, and syncs whole price lists in one bulk upsert.
 * Money is in minor units of the business currency, as everywhere in the API.
 */
export function createCatalogApi(deps: { catalog: CatalogService }): AnyApiRoute[] {
  const { catalog } = deps;
  const productList = z.object({ object: z.literal('list'), data: z.array(productView), has_more: z.boolean(), next_cursor: z.number().nullable() });
  return [
    integrationRoute({
      method: 'GET',
      url: '/catalog/categories',
      tag: 'catalog',
      scope: 'catalog:read',
      summary: 'Every category in tree order (a parent before its children), hidden ones too',
      response: z.object({ object: z.literal('list'), data: z.array(categoryView) }),
      handler: async () => ({ object: 'list' as const, data: (await catalog.backofficeCategories()).map(apiCategory) }),
    }),
    integrationRoute({
      method: 'GET',
      url: '/catalog/categories/:id',
      tag: 'catalog',
      scope: 'catalog:read',
      summary: 'One category',
      params: categoryParams,
      response: categoryView,
      handler: async ({ params }) => apiCategory(await catalog.backofficeCategory(params.id)),
    }),
    integrationRoute({
      method: 'POST',
      url: '/catalog/categories',
      tag: 'catalog',
      scope: 'catalog:write',
      status: 201,
      summary: 'Creates a category',
      body: backofficeCategoryCreateSchema,
      response: categoryView,
      handler: async ({ body, request }) => {
        const created = apiCategory(await catalog.createBackofficeCategory(body));
        noteAudit(request, { subject: { type: 'category', id: created.id } });
        return created;
      },
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/catalog/categories/:id',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Renames, moves, reorders, hides or shows a category, or sets its external_id',
      params: categoryParams,
      body: backofficeCategoryPatchSchema,
      response: categoryView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'category', id: params.id } });
        return apiCategory(await catalog.updateBackofficeCategory(params.id, body));
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/catalog/products',
      tag: 'catalog',
      scope: 'catalog:read',
      summary: 'Products matching the filters, in id order, a page at a time',
      query: productListQuery,
      response: productList,
      handler: async ({ query }) => {
        const { products, hasMore } = await catalog.backofficeProductPage(
          { categoryId: query.category_id, externalId: query.external_id, hidden: query.hidden, archived: query.archived, updatedSinceMs: query.updated_since, query: query.q },
          { limit: query.limit, startingAfter: query.starting_after },
        );
        return { object: 'list' as const, data: products.map(apiProduct), has_more: hasMore, next_cursor: hasMore ? (products.at(-1)?.record.id ?? null) : null };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/catalog/products/:id',
      tag: 'catalog',
      scope: 'catalog:read',
      summary: 'One product with its variants, stock, prices, texts in every language and photos (archived ones too)',
      params: idParams,
      response: productView,
      handler: async ({ params }) => apiProduct(await catalog.backofficeProduct(params.id)),
    }),
    integrationRoute({
      method: 'POST',
      url: '/catalog/products',
      tag: 'catalog',
      scope: 'catalog:write',
      status: 201,
      summary: 'Creates a product (with its variants); an external_id another product has is 409',
      body: catalogNewProductSchema,
      response: productView,
      handler: async ({ body, request }) => {
        const { productId } = await catalog.addProduct(body);
        noteAudit(request, { subject: { type: 'product', id: productId } });
        return apiProduct(await catalog.backofficeProduct(productId));
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/catalog/products/bulk',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: `Creates or updates up to ${MAX_UPSERT_ITEMS} products matched by external_id, all or nothing: a wrong item refuses the batch (catalog.batch_invalid, each item's index and field)`,
      body: bulkBody,
      response: upsertView,
      handler: async ({ body, request }) => {
        const summary = await catalog.upsertProducts(body.items);
        noteAudit(request, { summary: { created: summary.created, updated: summary.updated, unchanged: summary.unchanged } });
        return apiUpsert(summary);
      },
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/catalog/products/:id',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Changes the fields given (texts, category, price, stock, hidden, digital, position, external_id)',
      params: idParams,
      body: backofficeProductPatchSchema,
      response: productView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'product', id: params.id } });
        return apiProduct(await catalog.updateBackofficeProduct(params.id, body));
      },
    }),
    integrationRoute({
      method: 'DELETE',
      url: '/catalog/products/:id',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Archives a product: gone from the bot and carts; orders keep their lines',
      params: idParams,
      response: productView,
      handler: async ({ params, request }) => {
        noteAudit(request, { subject: { type: 'product', id: params.id } });
        return apiProduct(await catalog.archiveBackofficeProduct(params.id));
      },
    }),
    integrationRoute({
      method: 'PUT',
      url: '/catalog/products/:id/stock',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Sets the stock of a product without variants: {"quantity": n} or {"adjust_by": ±n} (never below zero: 409)',
      params: idParams,
      body: backofficeStockSchema,
      response: productView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'product', id: params.id }, summary: body });
        return apiProduct(await catalog.setBackofficeStock({ productId: params.id, variantId: null }, body));
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/catalog/products/:id/variants',
      tag: 'catalog',
      scope: 'catalog:write',
      status: 201,
      summary: 'Adds a variant with its own price and stock',
      params: idParams,
      body: backofficeVariantCreateSchema,
      response: productView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'product', id: params.id } });
        return apiProduct(await catalog.addBackofficeVariant(params.id, body));
      },
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/catalog/products/:id/variants/:variant_id',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: "Changes a variant's texts, price, stock, options or external_id",
      params: variantParams,
      body: backofficeVariantPatchSchema,
      response: productView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'variant', id: params.variant_id } });
        return apiProduct(await catalog.updateBackofficeVariant(params.id, params.variant_id, body));
      },
    }),
    integrationRoute({
      method: 'DELETE',
      url: '/catalog/products/:id/variants/:variant_id',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Archives a variant (orders keep their lines)',
      params: variantParams,
      response: productView,
      handler: async ({ params, request }) => {
        noteAudit(request, { subject: { type: 'variant', id: params.variant_id } });
        return apiProduct(await catalog.archiveBackofficeVariant(params.id, params.variant_id));
      },
    }),
    integrationRoute({
      method: 'PUT',
      url: '/catalog/products/:id/variants/:variant_id/stock',
      tag: 'catalog',
      scope: 'catalog:write',
      summary: 'Sets the stock of a variant: {"quantity": n} or {"adjust_by": ±n} (never below zero: 409)',
      params: variantParams,
      body: backofficeStockSchema,
      response: productView,
      handler: async ({ params, body, request }) => {
        noteAudit(request, { subject: { type: 'variant', id: params.variant_id }, summary: body });
        return apiProduct(await catalog.setBackofficeStock({ productId: params.id, variantId: params.variant_id }, body));
      },
    }),
  ];
}
