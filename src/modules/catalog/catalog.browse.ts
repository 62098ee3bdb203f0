/** Reading the catalogue as customers see it: categories, category pages, products, search, admin listings. */
import { type Locale } from '../../config/business.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { type ProductFilter } from './catalog.repository.ts';
import { likePattern, productFilterOf, type CategoryView, type ProductView } from './catalog.views.ts';
import { MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, type CatalogCore, type CategoryEntry, type CategoryPage, type SearchPage } from './catalog.core.ts';

/** Browsing and searching the catalogue. */
export function createCatalogBrowse(core: CatalogCore) {
  const { deps, repository, categoryView, productViews, hiddenSubtrees } = core;
  return {
    pageSize: deps.pageSize,

    /** A visible category in the reader's language. */
    async category(id: number, locale: Locale): Promise<CategoryView | undefined> {
      const row = await repository.findCategory(id);
      return row ? categoryView(row, locale) : undefined;
    },

    /**
     * One page of a category (or of the top level when `categoryId` is null): its
     * subcategories, then its products. Undefined when the category is gone or hidden.
     */
    async categoryPage(categoryId: number | null, page: number, locale: Locale, pageSize = deps.pageSize): Promise<CategoryPage | undefined> {
      let category: CategoryView | null = null;
      const path: string[] = [];
      if (categoryId !== null) {
        const row = await repository.findCategory(categoryId);
        if (!row) return undefined;
        category = categoryView(row, locale);
        // Walk up for the breadcrumb; a cycle written by hand in the database stops at 20.
        let parentId = row.parent_id;
        path.unshift(category.title);
        for (let depth = 0; parentId !== null && depth < 20; depth += 1) {
          const parent = await repository.findCategory(parentId);
          if (!parent) break;
          path.unshift(categoryView(parent, locale).title);
          parentId = parent.parent_id;
        }
      }
      const children = (await repository.listChildren(categoryId)).map((row) => categoryView(row, locale));
      // The top level lists categories only; uncategorised products are found by search.
      const filter: ProductFilter = { categoryId: categoryId ?? undefined };
      const productCount = categoryId === null ? 0 : await repository.countProducts(filter);
      const window = pageWindow(children.length + productCount, page, pageSize);
      const entries: CategoryEntry[] = children
        .slice(window.offset, window.offset + window.limit)
        .map((child) => ({ kind: 'category', category: child }));
      const productSlots = window.limit - entries.length;
      if (productSlots > 0 && productCount > 0) {
        const offset = Math.max(0, window.offset - children.length);
        const rows = await repository.listProducts(filter, offset, productSlots);
        for (const product of await productViews(rows, locale)) entries.push({ kind: 'product', product });
      }
      return { category, path, entries, window };
    },

    /** A live product with its live variants, in the reader's language. */
    async product(id: number, locale: Locale): Promise<ProductView | undefined> {
      const row = await repository.findProduct(id);
      if (!row) return undefined;
      return (await productViews([row], locale))[0];
    },

    /** Normalises a query; undefined when it is too short or too long to search for. */
    cleanQuery(raw: string): string | undefined {
      const query = raw.replace(/\s+/g, ' ').trim();
      return query.length >= MIN_QUERY_LENGTH && query.length <= MAX_QUERY_LENGTH ? query : undefined;
    },

    /** Products whose title, description or translations contain the query, any case. */
    async search(query: string, page: number, locale: Locale, pageSize = deps.pageSize): Promise<SearchPage> {
      const filter: ProductFilter = { searchPattern: likePattern(query), excludeCategoryIds: await hiddenSubtrees() };
      const window = pageWindow(await repository.countProducts(filter), page, pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { query, products: await productViews(rows, locale), window };
    },

    /** Filtered product listing for the admin API. */
    async listProducts(
      options: { query?: string; categoryId?: number; inStockOnly?: boolean; minPriceMinor?: number; maxPriceMinor?: number; page: number; pageSize: number },
      locale: Locale,
    ): Promise<{ products: ProductView[]; window: PageWindow }> {
      const filter = productFilterOf(options);
      const window = pageWindow(await repository.countProducts(filter), options.page, options.pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { products: await productViews(rows, locale), window };
    },

    /** Every category (hidden ones too), for the admin API. */
    async listCategories(locale: Locale): Promise<CategoryView[]> {
      return (await repository.listCategories()).map((row) => categoryView(row, locale));
    },
  };
}
