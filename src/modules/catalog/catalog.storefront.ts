/** The catalogue as the Mini App's storefront reads it: the visible tree, a filtered grid with photos, a product with its gallery. */
import type { Locale } from '../../config/business.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import type { CatalogCore } from './catalog.core.ts';
import type { ProductFilter } from './catalog.repository.ts';
import { likePattern, type CategoryView, type ProductView } from './catalog.views.ts';

/** A category of the storefront's tree, with how many products it and its subcategories hold. */
export interface StorefrontCategory extends CategoryView {
  productCount: number;
}

/** A product of the storefront: the customer's view with its photos, first one the cover. */
export interface StorefrontProduct extends ProductView {
  photoIds: number[];
}

/** What the storefront grid is filtered by. */
export interface StorefrontQuery {
  categoryId?: number;
  /** Already cleaned (see `cleanQuery`). */
  query?: string;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  inStockOnly?: boolean;
  page: number;
  pageSize: number;
}

/** Reading the catalogue for the Mini App. */
export function createCatalogStorefront(core: CatalogCore) {
  const { repository, categoryView, productViews, hiddenSubtrees } = core;

  /** The visible categories, parents before children, and the ids below each (itself included). */
  const visibleTree = async (): Promise<{ rows: Awaited<ReturnType<typeof repository.listCategories>>; below: Map<number, number[]> }> => {
    const hidden = new Set(await hiddenSubtrees());
    const rows = (await repository.listCategories()).filter((row) => !hidden.has(row.id));
    const byParent = Map.groupBy(rows, (row) => row.parent_id);
    const below = new Map<number, number[]>();
    const collect = (id: number, seen: Set<number>): number[] => {
      if (seen.has(id)) return [];
      seen.add(id);
      return [id, ...(byParent.get(id) ?? []).flatMap((child) => collect(child.id, seen))];
    };
    for (const row of rows) below.set(row.id, collect(row.id, new Set()));
    return { rows, below };
  };

  const withPhotos = async (views: ProductView[]): Promise<StorefrontProduct[]> => {
    const photos = Map.groupBy(await repository.listPhotosOf(views.map((view) => view.id)), (photo) => Number(photo.product_id));
    // Photos kept only as an outside URL are left out: the app shows what this server serves.
    return views.map((view) => ({ ...view, photoIds: (photos.get(view.id) ?? []).filter((photo) => photo.url === null).map((photo) => Number(photo.id)) }));
  };

  return {
    /** Every visible category in the reader's language, with its product count (subcategories included). */
    async storefrontCategories(locale: Locale): Promise<StorefrontCategory[]> {
      const { rows, below } = await visibleTree();
      const counts = await repository.countVisibleProductsByCategory();
      return rows.map((row) => ({
        ...categoryView(row, locale),
        productCount: (below.get(row.id) ?? []).reduce((sum, id) => sum + (counts.get(id) ?? 0), 0),
      }));
    },

    /**
     * A page of the grid: products of a category and its subcategories, matching the search
     * and filters; never products of hidden categories. Undefined for a category that is gone.
     */
    async storefrontProducts(query: StorefrontQuery, locale: Locale): Promise<{ products: StorefrontProduct[]; window: PageWindow } | undefined> {
      const { below } = await visibleTree();
      let categoryIds: number[] | undefined;
      if (query.categoryId !== undefined) {
        categoryIds = below.get(query.categoryId);
        if (!categoryIds) return undefined;
      }
      const filter: ProductFilter = {
        ...(categoryIds ? { categoryIds } : { excludeCategoryIds: await hiddenSubtrees() }),
        ...(query.query ? { searchPattern: likePattern(query.query) } : {}),
        inStockOnly: query.inStockOnly,
        minPriceMinor: query.minPriceMinor,
        maxPriceMinor: query.maxPriceMinor,
      };
      const window = pageWindow(await repository.countProducts(filter), query.page, query.pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { products: await withPhotos(await productViews(rows, locale)), window };
    },

    /** A visible product with its variants and photos; undefined when hidden, archived or in a hidden category. */
    async storefrontProduct(id: number, locale: Locale): Promise<StorefrontProduct | undefined> {
      const row = await repository.findProduct(id);
      if (!row || (row.category_id !== null && (await hiddenSubtrees()).includes(row.category_id))) return undefined;
      const [view] = await withPhotos(await productViews([row], locale));
      return view;
    },

    /** A photo's bytes when it belongs to a product customers may see; undefined otherwise. */
    async storefrontPhoto(photoId: number): Promise<{ bytes: Uint8Array; mimeType: string } | undefined> {
      const photo = await repository.photoOfVisibleProduct(photoId);
      if (!photo?.bytes) return undefined;
      if (photo.category_id !== null && (await hiddenSubtrees()).includes(photo.category_id)) return undefined;
      return { bytes: photo.bytes, mimeType: photo.mime_type };
    },
  };
}
