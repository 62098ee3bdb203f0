/** Selling from the catalogue: current quotes of items, stock taken and returned by orders, digital goods. */
import { type Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { createCatalogRepository, type StockTarget } from './catalog.repository.ts';
import { CatalogError } from './catalog.errors.ts';
import { chunks, parseTranslations } from './catalog.views.ts';
import { itemKey, type CatalogCore, type ItemQuote, type ItemRef } from './catalog.core.ts';

/** Quotes and stock for orders. */
export function createCatalogStock(core: CatalogCore) {
  const { deps, repository, variantView } = core;
  return {
    /**
     * The current name, price and stock of items, keyed `productId:variantId`. An item is
     * missing from the map when it can no longer be sold as referenced: product or variant
     * archived, a variant required but not given, or a variant given that is not the product's.
     */
    async quote(items: readonly ItemRef[], locale: Locale, executor: DbExecutor = deps.db): Promise<Map<string, ItemQuote>> {
      const source = executor === deps.db ? repository : createCatalogRepository(executor);
      const productIds = [...new Set(items.map((item) => item.productId))];
      const products = new Map((await source.findProducts(productIds)).map((row) => [row.id, row]));
      const variants = await source.listVariants(productIds);
      const result = new Map<string, ItemQuote>();
      for (const item of items) {
        const product = products.get(item.productId);
        if (!product) continue;
        const own = variants.filter((variant) => variant.product_id === product.id);
        const translated = parseTranslations(product.translations)[locale];
        const title = translated?.title ?? product.title;
        if (item.variantId === null) {
          if (own.length > 0) continue;
          result.set(itemKey(item), { ...item, title, variantTitle: null, unitPriceMinor: product.price_minor, currency: product.currency, stock: product.stock });
        } else {
          const variant = own.find((candidate) => candidate.id === item.variantId);
          if (!variant) continue;
          result.set(itemKey(item), {
            ...item,
            title,
            variantTitle: variantView(variant, locale).title,
            unitPriceMinor: variant.price_minor,
            currency: product.currency,
            stock: variant.stock,
          });
        }
      }
      return result;
    },

    /**
     * Takes the items out of stock inside the caller's transaction (an order being placed),
     * all or nothing: the first item short of stock throws `catalog.out_of_stock` and the
     * caller's transaction rolls back. Rows are locked in one order to avoid deadlocks.
     */
    async reserveStock(executor: DbExecutor, lines: readonly StockTarget[]): Promise<void> {
      const scoped = createCatalogRepository(executor);
      const sorted = [...lines].sort((a, b) => a.productId - b.productId || (a.variantId ?? 0) - (b.variantId ?? 0));
      for (const line of sorted) {
        if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
          throw new CatalogError('catalog.invalid_quantity', 'quantity must be a positive integer', { ...line });
        }
        if (!(await scoped.decrementStock(line, deps.now()))) {
          throw new CatalogError('catalog.out_of_stock', 'not enough stock', { productId: line.productId, variantId: line.variantId });
        }
      }
    },

    /** Which of `productIds` are digital goods (Stars may pay for an order made only of those). */
    async digitalProductIds(productIds: readonly number[]): Promise<ReadonlySet<number>> {
      const found: number[] = [];
      for (const part of chunks([...new Set(productIds)])) found.push(...(await repository.digitalProductIds(part)));
      return new Set(found);
    },

    /** Returns items to stock inside the caller's transaction (a cancelled order). */
    async releaseStock(executor: DbExecutor, lines: readonly StockTarget[]): Promise<void> {
      const scoped = createCatalogRepository(executor);
      for (const line of lines) await scoped.incrementStock(line, deps.now());
    },
  };
}
