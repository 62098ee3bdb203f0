import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { isoTime } from '../../platform/api-values.ts';
import type { BackofficeCategory, BackofficeProduct } from './catalog.backoffice.ts';
import type { LocalizedTexts } from './catalog.csv.ts';
import type { UpsertSummary } from './catalog.upsert.ts';

const titleTranslationsView = z.record(z.string(), z.object({ title: z.string() })).describe('The title in every language it has, by language code');

/** A category as the integration API shows it. */
export const categoryView = z.object({
  object: z.literal('category'),
  id: z.number(),
  parent_id: z.number().nullable(),
  external_id: z.string().nullable(),
  title: z.string().describe("In the business's default language"),
  translations: titleTranslationsView,
  position: z.number(),
  depth: z.number().describe('0 for the top level'),
  hidden: z.boolean().describe('Hidden with everything below it'),
  created_at: z.string(),
  updated_at: z.string(),
});

const variantView = z.object({
  object: z.literal('variant'),
  id: z.number(),
  external_id: z.string().nullable(),
  title: z.string(),
  translations: titleTranslationsView,
  options: z.record(z.string(), z.string()),
  price_minor: z.number().describe('Minor units of the currency'),
  stock: z.number(),
  position: z.number(),
  updated_at: z.string(),
});

/** A product as the integration API shows it. */
export const productView = z.object({
  object: z.literal('product'),
  id: z.number(),
  external_id: z.string().nullable(),
  category_id: z.number().nullable(),
  title: z.string().describe("In the business's default language"),
  description: z.string(),
  translations: z.record(z.string(), z.object({ title: z.string().nullable(), description: z.string().nullable() })).describe('Title and description in every language they have'),
  price_minor: z.number().describe('Minor units (tiyn, kopecks); with variants each has its own'),
  currency: z.string(),
  stock: z.number().describe('Units for sale: the product’s own, or its variants’ together'),
  hidden: z.boolean(),
  digital: z.boolean().describe('Only digital goods may be paid in Telegram Stars'),
  archived_at: z.string().nullable(),
  variants: z.array(variantView),
  photos: z.array(z.object({ id: z.number(), url: z.string().nullable().describe('Null for a photo uploaded in the panel'), mime_type: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});

/** What a bulk upsert did. */
export const upsertView = z.object({
  object: z.literal('catalog_upsert'),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  items: z.array(
    z.object({
      index: z.number(),
      external_id: z.string().nullable(),
      product_id: z.number(),
      status: z.enum(['created', 'updated', 'unchanged']),
      variants: z.array(z.object({ external_id: z.string(), variant_id: z.number() })),
    }),
  ),
});

const titlesOf = (titles: LocalizedTexts) => Object.fromEntries(SUPPORTED_LOCALES.flatMap((locale) => (titles[locale] ? [[locale, { title: titles[locale] }]] : [])));

/** A category as the integration API shows it. */
export function apiCategory(entry: BackofficeCategory): z.infer<typeof categoryView> {
  const { record } = entry;
  return {
    object: 'category',
    id: record.id,
    parent_id: record.parent_id,
    external_id: record.external_id,
    title: record.title,
    translations: titlesOf(entry.titles),
    position: record.position,
    depth: entry.depth,
    hidden: record.is_hidden === 1,
    created_at: isoTime(record.created_at),
    updated_at: isoTime(record.updated_at),
  };
}

/** A product as the integration API shows it. */
export function apiProduct(product: BackofficeProduct): z.infer<typeof productView> {
  const { record } = product;
  const translations = Object.fromEntries(
    SUPPORTED_LOCALES.flatMap((locale) =>
      product.titles[locale] || product.descriptions[locale] ? [[locale, { title: product.titles[locale] ?? null, description: product.descriptions[locale] ?? null }]] : [],
    ),
  );
  return {
    object: 'product',
    id: record.id,
    external_id: record.external_id,
    category_id: record.category_id,
    title: record.title,
    description: record.description,
    translations,
    price_minor: record.price_minor,
    currency: record.currency,
    stock: product.variants.length > 0 ? product.variants.reduce((sum, variant) => sum + variant.record.stock, 0) : record.stock,
    hidden: record.is_hidden === 1,
    digital: record.is_digital === 1,
    archived_at: isoTime(record.archived_at),
    variants: product.variants.map(({ record: variant, titles }) => ({
      object: 'variant' as const,
      id: variant.id,
      external_id: variant.external_id,
      title: variant.title,
      translations: titlesOf(titles),
      options: variant.options ? (JSON.parse(variant.options) as Record<string, string>) : {},
      price_minor: variant.price_minor,
      stock: variant.stock,
      position: variant.position,
      updated_at: isoTime(variant.updated_at),
    })),
    photos: product.photos.map((photo) => ({ id: photo.id, url: photo.url, mime_type: photo.mime_type })),
    created_at: isoTime(record.created_at),
    updated_at: isoTime(record.updated_at),
  };
}

/** What a bulk upsert did, as the integration API answers it. */
export function apiUpsert(summary: UpsertSummary): z.infer<typeof upsertView> {
  return {
    object: 'catalog_upsert',
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    items: summary.items.map((item) => ({
      index: item.index,
      external_id: item.externalId,
      product_id: item.productId,
      status: item.status,
      variants: item.variants.map((variant) => ({ external_id: variant.externalId, variant_id: variant.variantId })),
    })),
  };
}
