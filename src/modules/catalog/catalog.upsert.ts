/**
 * The back office's catalogue in bulk: products (with their variants) matched by the back
 * office's own id, its SKU, created when new and changed when they differ, all in one
 * transaction. Every item is checked before anything is written, and any problem refuses the
 * whole batch with each problem's item and field. The integration API's bulk upsert calls it;
 * a catalogue feed (YML, CSV) can call it with the same items.
 */
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { inTransaction, isUniqueViolation } from '../../db/database.ts';
import type { LocalizedTexts } from './catalog.csv.ts';
import { CatalogError } from './catalog.errors.ts';
import { createCatalogRepository, type CatalogRepository, type ProductPatch, type VariantPatch } from './catalog.repository.ts';
import type { CategoryRecord, ProductRecord, VariantRecord } from './catalog.tables.ts';
import { chunks, type CatalogViews } from './catalog.views.ts';

/** Most items one bulk upsert takes: a batch the database writes in one short transaction. */
export const MAX_UPSERT_ITEMS = 500;

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** The back office's own id of a category, product or variant (a product's SKU). */
export const externalIdSchema = z.string().trim().min(1).max(64);
/** A price in minor units of the business currency, as every amount of the integration API. */
export const priceMinorSchema = z.number().int().min(0).max(1e13).describe('Minor units of the business currency (tiyn, kopecks); 749000 is 7 490.00');
/** Units in stock; never negative. */
export const stockSchema = z.number().int().min(0).max(1_000_000);

const translatedText = (max: number) => z.string().trim().max(max).nullable().optional();

/** Titles in other languages, `{ "kk": { "title": "…" } }`; null removes a language's title. */
export const titleTranslationsSchema = (max: number) => z.partialRecord(localeSchema, z.object({ title: translatedText(max) }).strict());

/** Titles and descriptions in other languages; null removes a language's text. */
export const productTranslationsSchema = z.partialRecord(localeSchema, z.object({ title: translatedText(120), description: translatedText(800) }).strict());

/** A variant of a bulk item; the list given is the product's whole set of variants. */
export const catalogVariantItemSchema = z
  .object({
    external_id: externalIdSchema,
    title: z.string().trim().min(1).max(64).describe("The variant's name in the business's default language"),
    translations: titleTranslationsSchema(64).optional(),
    price_minor: priceMinorSchema,
    stock: stockSchema,
    options: z.record(z.string().max(32), z.string().max(32)).optional().describe('Option name → value, e.g. {"size":"M"}'),
  })
  .strict();

/** One product as a back office (or a feed) describes it; fields left out keep their current value. */
export const catalogItemSchema = z
  .object({
    external_id: externalIdSchema.describe('The SKU in your system: the product is matched by it'),
    category_id: z.number().int().positive().nullable().optional().describe("Lavka's category id (null: no category)"),
    category_external_id: externalIdSchema.nullable().optional().describe('Or the category by your id'),
    title: z.string().trim().min(1).max(120).describe("The name in the business's default language"),
    description: z.string().trim().max(800).optional(),
    translations: productTranslationsSchema.optional(),
    price_minor: priceMinorSchema,
    currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('Must be the business currency when given'),
    stock: stockSchema.optional().describe('Ignored while the product has variants (they have their own)'),
    hidden: z.boolean().optional().describe('Kept out of the bot without being archived'),
    digital: z.boolean().optional().describe('A digital good or service: the only kind Telegram Stars may pay for'),
    variants: z.array(catalogVariantItemSchema).max(40).optional().describe('When given, the whole set: variants left out are archived'),
  })
  .strict();

/** A product as a single create takes it: the same fields, the external id optional. */
export const catalogNewProductSchema = catalogItemSchema.extend({ external_id: externalIdSchema.optional().describe('The SKU in your system, unique among products') });

/** A bulk item, checked. */
export type CatalogItem = z.output<typeof catalogNewProductSchema>;

/** A problem with one item of a batch: which item, which field, what is wrong. */
export interface UpsertIssue {
  index: number;
  field: string;
  code: string;
  message: string;
}

/** What happened to one item. */
export interface UpsertOutcome {
  index: number;
  externalId: string | null;
  productId: number;
  status: 'created' | 'updated' | 'unchanged';
  variants: { externalId: string; variantId: number }[];
}

/** What a batch did, item by item. */
export interface UpsertSummary {
  created: number;
  updated: number;
  unchanged: number;
  items: UpsertOutcome[];
}

/** A checked item with what it refers to in the database. */
interface PlannedItem {
  index: number;
  item: CatalogItem;
  existing: ProductRecord | undefined;
  /** The category to set; undefined keeps the current one. */
  categoryId: number | null | undefined;
}

/** Texts in the order the catalogue writes them, so two equal sets compare equal. */
function canonical(texts: LocalizedTexts): LocalizedTexts {
  const result: LocalizedTexts = {};
  for (const locale of SUPPORTED_LOCALES) if (texts[locale]) result[locale] = texts[locale];
  return result;
}

/**
 * Texts per language after a change: `text` is the default language's, `translations` set
 * (null or empty: remove) the others'. Languages the change does not name keep their text,
 * so translations staff added in the panel survive the back office's next sync.
 */
export function changedTexts(
  current: LocalizedTexts,
  defaultLocale: Locale,
  text: string | undefined,
  translations: Partial<Record<Locale, { title?: string | null | undefined; description?: string | null | undefined }>> | undefined,
  field: 'title' | 'description',
): LocalizedTexts {
  const result: LocalizedTexts = { ...current };
  if (text !== undefined) {
    if (text === '') delete result[defaultLocale];
    else result[defaultLocale] = text;
  }
  for (const locale of SUPPORTED_LOCALES) {
    const value = translations?.[locale]?.[field];
    if (value === undefined) continue;
    if (value === null || value === '') delete result[locale];
    else result[locale] = value;
  }
  return canonical(result);
}

/** Bulk upsert and single create of products from the back office's items. */
export function createCatalogUpsert(views: CatalogViews) {
  const { deps, translationsJson, textsOf, plainText, refreshSearchText } = views;

  const issue = (index: number, field: string, code: string, message: string): UpsertIssue => ({ index, field, code, message });

  /** Reads items against the database: every problem of every item, and a plan when there are none. */
  const check = async (scoped: CatalogRepository, raw: readonly unknown[], single: boolean): Promise<{ issues: UpsertIssue[]; planned: PlannedItem[] }> => {
    const issues: UpsertIssue[] = [];
    const parsed: { index: number; item: CatalogItem }[] = [];
    const schema = single ? catalogNewProductSchema : catalogItemSchema;
    for (const [index, value] of raw.entries()) {
      const result = schema.safeParse(value);
      if (result.success) parsed.push({ index, item: result.data });
      else for (const problem of result.error.issues) issues.push(issue(index, problem.path.join('.') || 'item', 'catalog.invalid_field', problem.message));
    }

    const productExternalIds = new Map<string, number>();
    const variantOwners = new Map<string, number>();
    for (const { index, item } of parsed) {
      if (item.external_id !== undefined) {
        const first = productExternalIds.get(item.external_id);
        if (first !== undefined) issues.push(issue(index, 'external_id', 'catalog.duplicate_in_batch', `Item ${first} has the same external_id.`));
        else productExternalIds.set(item.external_id, index);
      }
      for (const [position, variant] of (item.variants ?? []).entries()) {
        const first = variantOwners.get(variant.external_id);
        if (first !== undefined) issues.push(issue(index, `variants.${position}.external_id`, 'catalog.duplicate_in_batch', `The variant external_id appears twice in the batch (item ${first}).`));
        else variantOwners.set(variant.external_id, index);
      }
      if (item.currency !== undefined && item.currency !== deps.currency) {
        issues.push(issue(index, 'currency', 'catalog.currency_mismatch', `The shop sells in ${deps.currency}; prices must be in it.`));
      }
      if (item.category_id !== undefined && item.category_external_id !== undefined) {
        issues.push(issue(index, 'category_external_id', 'catalog.invalid_field', 'Give category_id or category_external_id, not both.'));
      }
    }

    const categories = await scoped.listCategories();
    const categoryById = new Map<number, CategoryRecord>(categories.map((row) => [row.id, row]));
    const categoryByExternal = new Map<string, CategoryRecord>(categories.flatMap((row) => (row.external_id === null ? [] : [[row.external_id, row] as const])));
    const existingProducts = new Map<string, ProductRecord>();
    for (const part of chunks([...productExternalIds.keys()])) for (const row of await scoped.productsByExternalIds(part)) existingProducts.set(row.external_id as string, row);
    const existingVariants = new Map<string, VariantRecord>();
    for (const part of chunks([...variantOwners.keys()])) for (const row of await scoped.variantsByExternalIds(part)) existingVariants.set(row.external_id as string, row);

    const planned: PlannedItem[] = [];
    for (const { index, item } of parsed) {
      const existing = item.external_id === undefined ? undefined : existingProducts.get(item.external_id);
      if (single && existing) issues.push(issue(index, 'external_id', 'catalog.external_id_taken', `Product ${existing.id} already has this external_id.`));
      let categoryId: number | null | undefined;
      if (item.category_id !== undefined) {
        categoryId = item.category_id;
        if (categoryId !== null && !categoryById.has(categoryId)) issues.push(issue(index, 'category_id', 'catalog.unknown_category', `There is no category ${categoryId}.`));
      } else if (item.category_external_id !== undefined) {
        const category = item.category_external_id === null ? null : categoryByExternal.get(item.category_external_id);
        if (category === undefined) issues.push(issue(index, 'category_external_id', 'catalog.unknown_category', `No category has the external_id "${item.category_external_id}".`));
        categoryId = category?.id ?? null;
      } else if (!existing) {
        categoryId = null;
      }
      for (const [position, variant] of (item.variants ?? []).entries()) {
        const holder = existingVariants.get(variant.external_id);
        // A variant id belongs to one product: another product's variant is not this one's.
        if (holder && holder.product_id !== existing?.id) {
          issues.push(issue(index, `variants.${position}.external_id`, 'catalog.external_id_taken', `Variant ${holder.id} of product ${holder.product_id} already has this external_id.`));
        }
      }
      planned.push({ index, item, existing, categoryId });
    }
    return { issues: issues.sort((a, b) => a.index - b.index), planned };
  };

  /** Brings a product's variants to the item's list; true when anything changed. */
  const applyVariants = async (scoped: CatalogRepository, productId: number, variants: CatalogItem['variants'], nowMs: number, outcome: UpsertOutcome): Promise<boolean> => {
    if (variants === undefined) {
      outcome.variants = (await scoped.listVariants([productId])).flatMap((row) => (row.external_id === null ? [] : [{ externalId: row.external_id, variantId: row.id }]));
      return false;
    }
    const current = await scoped.allVariantsOf(productId);
    const byExternal = new Map(current.flatMap((row) => (row.external_id === null ? [] : [[row.external_id, row] as const])));
    let changed = false;
    const kept = new Set<number>();
    for (const [position, variant] of variants.entries()) {
      const row = byExternal.get(variant.external_id);
      const titles = changedTexts(row ? textsOf(row.title, row.translations, 'title') : {}, deps.defaultLocale, variant.title, variant.translations, 'title');
      const options = variant.options ? JSON.stringify(variant.options) : null;
      if (!row) {
        const inserted = await scoped.insertVariant(
          { product_id: productId, external_id: variant.external_id, title: plainText(titles), translations: translationsJson(titles), options, price_minor: variant.price_minor, stock: variant.stock, position },
          nowMs,
        );
        outcome.variants.push({ externalId: variant.external_id, variantId: inserted.id });
        changed = true;
        continue;
      }
      kept.add(row.id);
      outcome.variants.push({ externalId: variant.external_id, variantId: row.id });
      const patch: VariantPatch = {};
      const translations = translationsJson(titles);
      if (plainText(titles) !== row.title || translations !== row.translations) Object.assign(patch, { title: plainText(titles), translations });
      if (variant.price_minor !== row.price_minor) patch.price_minor = variant.price_minor;
      if (variant.stock !== row.stock) patch.stock = variant.stock;
      if (variant.options !== undefined && options !== row.options) patch.options = options;
      if (position !== row.position) patch.position = position;
      if (row.archived_at !== null) {
        await scoped.restoreVariant(row.id, nowMs);
        changed = true;
      }
      if (Object.keys(patch).length > 0) {
        await scoped.updateVariant(row.id, patch, nowMs);
        changed = true;
      }
    }
    for (const row of current) {
      if (row.archived_at === null && !kept.has(row.id)) {
        await scoped.archiveVariant(row.id, nowMs);
        changed = true;
      }
    }
    return changed;
  };

  /** Writes one planned item: inserts it, or changes what differs from the stored product. */
  const apply = async (scoped: CatalogRepository, plan: PlannedItem, nowMs: number): Promise<UpsertOutcome> => {
    const { item, existing } = plan;
    const titles = changedTexts(existing ? textsOf(existing.title, existing.translations, 'title') : {}, deps.defaultLocale, item.title, item.translations, 'title');
    const descriptions = changedTexts(existing ? textsOf(existing.description, existing.translations, 'description') : {}, deps.defaultLocale, item.description, item.translations, 'description');
    const texts = { title: plainText(titles), description: plainText(descriptions), translations: translationsJson(titles, descriptions) };
    const outcome: UpsertOutcome = { index: plan.index, externalId: item.external_id ?? null, productId: existing?.id ?? 0, status: 'unchanged', variants: [] };
    if (!existing) {
      const categoryId = plan.categoryId ?? null;
      const row = await scoped.insertProduct(
        {
          ...texts,
          external_id: item.external_id ?? null,
          category_id: categoryId,
          price_minor: item.price_minor,
          currency: deps.currency,
          // A product with variants sells the variants; its own stock stays 0 as createProduct leaves it.
          stock: item.variants && item.variants.length > 0 ? 0 : (item.stock ?? 0),
          search_text: '',
          position: (await scoped.lastProductPosition(categoryId)) + 1,
          is_hidden: item.hidden ? 1 : 0,
          is_digital: item.digital ? 1 : 0,
        },
        nowMs,
      );
      outcome.productId = row.id;
      outcome.status = 'created';
      await applyVariants(scoped, row.id, item.variants, nowMs, outcome);
      await refreshSearchText(scoped, row.id);
      return outcome;
    }
    const patch: ProductPatch = {};
    if (texts.title !== existing.title || texts.description !== existing.description || texts.translations !== existing.translations) Object.assign(patch, texts);
    if (plan.categoryId !== undefined && plan.categoryId !== existing.category_id) patch.category_id = plan.categoryId;
    if (item.price_minor !== existing.price_minor) patch.price_minor = item.price_minor;
    if (item.stock !== undefined && item.stock !== existing.stock) patch.stock = item.stock;
    if (item.hidden !== undefined && (item.hidden ? 1 : 0) !== existing.is_hidden) patch.is_hidden = item.hidden ? 1 : 0;
    if (item.digital !== undefined && (item.digital ? 1 : 0) !== existing.is_digital) patch.is_digital = item.digital ? 1 : 0;
    // The back office sends an archived product again: it is back on sale, with its id and history.
    if (existing.archived_at !== null) patch.archived_at = null;
    const variantsChanged = await applyVariants(scoped, existing.id, item.variants, nowMs, outcome);
    if (Object.keys(patch).length > 0 || variantsChanged) {
      await scoped.updateProduct(existing.id, patch, nowMs);
      await refreshSearchText(scoped, existing.id);
      outcome.status = 'updated';
    }
    return outcome;
  };

  /** Runs check and apply in one transaction; a unique id taken meanwhile by another writer is a conflict. */
  const run = async <T>(work: (scoped: CatalogRepository) => Promise<T>): Promise<T> => {
    try {
      return await inTransaction(deps.db, (trx) => work(createCatalogRepository(trx)));
    } catch (error) {
      if (isUniqueViolation(error)) throw new CatalogError('catalog.external_id_taken', 'Another record took this external_id at the same moment; send the request again.');
      throw error;
    }
  };

  return {
    /**
     * Creates the products of `items` that are new and changes those that exist (matched by
     * `external_id`, archived ones brought back), all in one transaction. Any problem in any
     * item refuses the whole batch with `catalog.batch_invalid` (`details.items`: index, field,
     * code, message of each) and changes nothing.
     */
    async upsertProducts(items: readonly unknown[]): Promise<UpsertSummary> {
      if (items.length === 0 || items.length > MAX_UPSERT_ITEMS) {
        throw new CatalogError('catalog.batch_invalid', `A batch has 1 to ${MAX_UPSERT_ITEMS} items.`, { items: [] });
      }
      return run(async (scoped) => {
        const { issues, planned } = await check(scoped, items, false);
        if (issues.length > 0) {
          const wrong = new Set(issues.map((entry) => entry.index)).size;
          throw new CatalogError('catalog.batch_invalid', `${wrong} of ${items.length} item(s) are wrong; nothing was changed.`, { items: issues });
        }
        const nowMs = deps.now();
        const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0, items: [] };
        for (const plan of planned) {
          const outcome = await apply(scoped, plan, nowMs);
          summary[outcome.status] += 1;
          summary.items.push(outcome);
        }
        return summary;
      });
    },

    /**
     * A catalogue feed's batch, in the caller's transaction and of any size: every item is
     * checked, the good ones are written and the others returned as issues, so a feed with a
     * few bad offers still updates the rest (the caller decides how many bad ones it accepts,
     * and rolls the transaction back by throwing when there are too many).
     */
    async upsertFeedItems(scoped: CatalogRepository, items: readonly unknown[]): Promise<{ summary: UpsertSummary; issues: UpsertIssue[] }> {
      const { issues, planned } = await check(scoped, items, false);
      const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0, items: [] };
      const wrong = new Set(issues.map((entry) => entry.index));
      const nowMs = deps.now();
      for (const plan of planned) {
        if (wrong.has(plan.index)) continue;
        const outcome = await apply(scoped, plan, nowMs);
        summary[outcome.status] += 1;
        summary.items.push(outcome);
      }
      return { summary, issues };
    },

    /**
     * Creates one product from an item (its external id optional); an id another product has
     * is `catalog.external_id_taken`, any other problem is refused with its own code and field.
     */
    async addProduct(item: unknown): Promise<UpsertOutcome> {
      return run(async (scoped) => {
        const { issues, planned } = await check(scoped, [item], true);
        const first = issues[0];
        if (first) throw new CatalogError(first.code, first.message, { field: first.field, issues });
        return apply(scoped, planned[0] as PlannedItem, deps.now());
      });
    },
  };
}
