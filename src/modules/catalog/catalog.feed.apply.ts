/**
 * Writing a catalogue feed that was read: its categories (by their feed ids, parents first),
 * its products through the bulk upsert (bad ones skipped and reported), products it no longer
 * lists hidden and the ones that came back shown again, all in one transaction; and its
 * pictures afterwards, product by product, only where the feed's addresses changed.
 */
import { inTransaction, isUniqueViolation } from '../../db/database.ts';
import { CatalogError } from './catalog.errors.ts';
import type { FeedCategory, FeedContent, FeedIssue } from './catalog.feed.yml.ts';
import { createCatalogFeedRepository } from './catalog.feed.repository.ts';
import { createCatalogRepository, type CatalogRepository } from './catalog.repository.ts';
import type { CategoryRecord } from './catalog.tables.ts';
import { changedTexts, type createCatalogUpsert } from './catalog.upsert.ts';
import { chunks, type CatalogViews } from './catalog.views.ts';

/** How much of a feed may be wrong, or missing, before it is refused whole. */
export interface FeedLimits {
  maxInvalidPercent: number;
  maxHiddenPercent: number;
}

/** What a feed changed, and the products whose pictures it names. */
export interface FeedOutcome {
  added: number;
  updated: number;
  unchanged: number;
  hidden: number;
  issues: FeedIssue[];
  /** Every product the feed wrote, with the pictures it lists for it. */
  products: { productId: number; pictures: string[] }[];
}

/** A picture downloaded for a product: its address in the feed and its checked bytes. */
export interface FeedPicture {
  url: string;
  bytes: Uint8Array;
  mimeType: string;
}

/** Below this many products a feed listed before, any shrink is accepted (a small shop's clear-out). */
const SHRINK_GUARD_MIN_PRODUCTS = 10;

/** The feed's writes to the catalogue. */
export function createCatalogFeedApply(views: CatalogViews, upsert: ReturnType<typeof createCatalogUpsert>) {
  const { deps, repository, textsOf, plainText, translationsJson } = views;

  /** Creates or changes the feed's categories by their feed ids; a parent the feed lacks is an issue and the category goes to the top. */
  const writeCategories = async (scoped: CatalogRepository, categories: readonly FeedCategory[], nowMs: number): Promise<FeedIssue[]> => {
    const issues: FeedIssue[] = [];
    const byFeedId = new Map(categories.map((category) => [category.externalId, category]));
    const stored = new Map<string, CategoryRecord>((await scoped.listCategories()).flatMap((row) => (row.external_id === null ? [] : [[row.external_id, row] as const])));
    // Parents first; a cycle in the feed's tree is cut where it closes.
    const ordered: FeedCategory[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (category: FeedCategory, parentValid: { value: boolean }) => {
      if (state.get(category.externalId) === 'done') return;
      if (state.get(category.externalId) === 'visiting') {
        parentValid.value = false;
        return;
      }
      state.set(category.externalId, 'visiting');
      const parent = category.parentExternalId === null ? undefined : byFeedId.get(category.parentExternalId);
      if (parent) {
        const flag = { value: true };
        visit(parent, flag);
        if (!flag.value) {
          issues.push({ ref: `category:${category.externalId}`, field: 'parentId', code: 'catalog.category_cycle', message: `Category ${category.externalId} is inside itself through its parents; it is put at the top level.` });
          category = { ...category, parentExternalId: null };
        }
      } else if (category.parentExternalId !== null && !stored.has(category.parentExternalId)) {
        issues.push({ ref: `category:${category.externalId}`, field: 'parentId', code: 'catalog.unknown_category', message: `Category ${category.externalId} names parent ${category.parentExternalId}, which the feed does not have; it is put at the top level.` });
        category = { ...category, parentExternalId: null };
      }
      state.set(category.externalId, 'done');
      ordered.push(category);
    };
    const seen = new Set<string>();
    for (const category of categories) {
      if (seen.has(category.externalId)) {
        issues.push({ ref: `category:${category.externalId}`, field: 'id', code: 'catalog.duplicate_in_batch', message: `Category id ${category.externalId} appears twice; the first is used.` });
        continue;
      }
      seen.add(category.externalId);
      visit(category, { value: true });
    }
    for (const category of ordered) {
      const parentId = category.parentExternalId === null ? null : (stored.get(category.parentExternalId)?.id ?? null);
      const current = stored.get(category.externalId);
      // The feed writes the default language; titles staff added in other languages stay.
      const titles = changedTexts(current ? textsOf(current.title, current.translations, 'title') : {}, deps.defaultLocale, category.title, undefined, 'title');
      if (!current) {
        const row = await scoped.insertCategory(
          { parent_id: parentId, title: plainText(titles), translations: translationsJson(titles), position: (await scoped.lastChildPosition(parentId)) + 1, external_id: category.externalId },
          nowMs,
        );
        stored.set(category.externalId, row);
        continue;
      }
      const title = plainText(titles);
      const translations = translationsJson(titles);
      if (current.parent_id !== parentId || current.title !== title || current.translations !== translations) {
        await scoped.updateCategory(current.id, { parent_id: parentId, title, translations, ...(current.parent_id !== parentId ? { position: (await scoped.lastChildPosition(parentId)) + 1 } : {}) }, nowMs);
      }
    }
    return issues;
  };

  return {
    /**
     * Writes a feed in one transaction: categories, then products (each bad one skipped and
     * reported), then hides the products the feed wrote before and no longer names, and shows
     * again those it hid that are back. Refuses the whole feed, changing nothing, when it has
     * no offers (`catalog.feed_empty`), when more than `maxInvalidPercent` of its offers are
     * wrong (`catalog.feed_too_many_invalid`), or when it would hide more than
     * `maxHiddenPercent` of what it listed before (`catalog.feed_shrunk`).
     */
    async applyFeed(content: FeedContent, limits: FeedLimits): Promise<FeedOutcome> {
      if (content.offers === 0 || content.listed.length === 0) throw new CatalogError('catalog.feed_empty', 'The feed has no offers; the catalogue was left as it was.');
      try {
        return await inTransaction(deps.db, async (trx) => {
          const scoped = createCatalogRepository(trx);
          const nowMs = deps.now();
          const categoryIssues = await writeCategories(scoped, content.categories, nowMs);

          const feed = createCatalogFeedRepository(trx);
          const listed = new Set(content.listed);
          const previously = await feed.feedProducts();
          const toHide = previously.filter((row) => row.feed_status === 'listed' && row.is_hidden === 0 && (row.external_id === null || !listed.has(row.external_id)));
          const onSale = previously.filter((row) => row.feed_status === 'listed' && row.is_hidden === 0).length;
          if (onSale >= SHRINK_GUARD_MIN_PRODUCTS && (toHide.length / onSale) * 100 > limits.maxHiddenPercent) {
            throw new CatalogError('catalog.feed_shrunk', `The feed no longer lists ${toHide.length} of the ${onSale} products it listed before (more than ${limits.maxHiddenPercent}%): a cut-off export? Nothing was changed.`, {
              missing: toHide.length,
              before: onSale,
            });
          }
          const delisted = new Set(previously.filter((row) => row.feed_status === 'delisted' && row.is_hidden === 1).map((row) => row.id));

          const { summary, issues: itemIssues } = await upsert.upsertFeedItems(
            scoped,
            content.products.map((product) => product.item),
          );
          const issues: FeedIssue[] = [
            ...categoryIssues,
            ...content.issues,
            ...itemIssues.map((issue) => ({ ref: content.products[issue.index]?.offers.join(', ') ?? `#${issue.index + 1}`, field: issue.field, code: issue.code, message: issue.message })),
          ];
          const badItems = new Set(itemIssues.map((issue) => issue.index));
          const badOffers = new Set(content.issues.map((issue) => issue.ref)).size + [...badItems].reduce((sum, index) => sum + (content.products[index]?.offers.length ?? 1), 0);
          if ((badOffers / content.offers) * 100 > limits.maxInvalidPercent) {
            throw new CatalogError('catalog.feed_too_many_invalid', `${badOffers} of ${content.offers} offers are wrong (more than ${limits.maxInvalidPercent}%); nothing was changed.`, { issues: issues.slice(0, 50), bad: badOffers, offers: content.offers });
          }

          // The feed's products: listed now; those it had hidden are on sale again.
          const written = summary.items.map((item) => item.productId);
          let updated = summary.updated;
          let unchanged = summary.unchanged;
          // A CSV feed that lists a product as hidden keeps it hidden.
          const restored = summary.items.filter((item) => delisted.has(item.productId) && content.products[item.index]?.item.hidden !== true);
          for (const item of restored) {
            await scoped.updateProduct(item.productId, { is_hidden: 0 }, nowMs);
            if (item.status === 'unchanged') {
              unchanged -= 1;
              updated += 1;
            }
          }
          for (const part of chunks(written)) await feed.markProducts(part, { feed_status: 'listed' }, undefined);
          for (const part of chunks(toHide.map((row) => row.id))) await feed.markProducts(part, { feed_status: 'delisted', is_hidden: 1 }, nowMs);
          const pictures = new Map(summary.items.map((item) => [item.productId, content.products[item.index]?.pictures ?? []]));
          return {
            added: summary.created,
            updated,
            unchanged,
            hidden: toHide.length,
            issues,
            products: [...pictures].map(([productId, list]) => ({ productId, pictures: list })),
          };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new CatalogError('catalog.feed_conflict', 'Another writer took one of the feed’s ids at the same moment; the next run tries again.');
        throw error;
      }
    },

    /** The feed addresses of each product's photos, in display order (null: uploaded in the panel). */
    async photoSources(productIds: readonly number[]): Promise<Map<number, (string | null)[]>> {
      const result = new Map<number, (string | null)[]>();
      for (const part of chunks(productIds)) {
        for (const row of await repository.listPhotosOf(part)) {
          const list = result.get(Number(row.product_id)) ?? [];
          list.push(row.source_url);
          result.set(Number(row.product_id), list);
        }
      }
      return result;
    },

    /**
     * Makes a product's photos the feed's pictures, in the feed's order: photos still named keep
     * their bytes and Telegram file id, new ones are added, the rest (uploads too) removed.
     */
    async replaceFeedPhotos(productId: number, urls: readonly string[], downloaded: ReadonlyMap<string, FeedPicture>): Promise<void> {
      await inTransaction(deps.db, async (trx) => {
        const feed = createCatalogFeedRepository(trx);
        const current = await feed.photoSourcesOf(productId);
        const kept = new Map<string, number>();
        for (const row of current) if (row.source_url !== null && urls.includes(row.source_url) && !kept.has(row.source_url)) kept.set(row.source_url, row.id);
        const keptIds = new Set(kept.values());
        await feed.deletePhotos(current.filter((row) => !keptIds.has(row.id)).map((row) => row.id));
        const nowMs = deps.now();
        for (const [position, url] of urls.entries()) {
          const id = kept.get(url);
          const picture = downloaded.get(url);
          if (id !== undefined) await feed.movePhoto(id, position);
          else if (picture) await feed.insertFeedPhoto({ product_id: productId, position, mime_type: picture.mimeType, bytes: picture.bytes, source_url: url }, nowMs);
        }
        await feed.touchProduct(productId, nowMs);
      });
    },
  };
}
