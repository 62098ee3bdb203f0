/** The editor's products: staff listing and card, create, change. */
import { type z } from 'zod';
import { type Locale } from '../../config/business.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { createCatalogRepository } from './catalog.repository.ts';
import { productFilterOf, type CatalogViews, type ProductListOptions, type StaffProductView } from './catalog.views.ts';
import { staffProductCreateSchema, staffProductPatchSchema } from './catalog.editor.schemas.ts';

/** Staff edits of products. */
export function createCatalogProductEditor(views: CatalogViews) {
  const { deps, repository, translationsJson, searchTextOf, textsOf, plainText, refreshSearchText, staffProductViews, staffProductOrThrow, categoryOrThrow } = views;
  const editor = {
    /** Products as staff list them: hidden ones too (filter with `visibility`), with photo ids. */
    async staffProducts(
      options: ProductListOptions & { page: number; pageSize: number },
      locale: Locale,
    ): Promise<{ products: StaffProductView[]; window: PageWindow }> {
      const filter = productFilterOf({ ...options, visibility: options.visibility ?? 'all' });
      const window = pageWindow(await repository.countProducts(filter), options.page, options.pageSize);
      const rows = await repository.listProducts(filter, window.offset, window.limit);
      return { products: await staffProductViews(rows, locale), window };
    },

    /** One product as staff edit it (hidden ones too), or undefined when it is gone. */
    async staffProduct(productId: number, locale: Locale): Promise<StaffProductView | undefined> {
      const row = await repository.findProductForStaff(productId);
      return row ? (await staffProductViews([row], locale))[0] : undefined;
    },

    /** Adds a product at the end of its category. */
    async createStaffProduct(input: z.input<typeof staffProductCreateSchema>): Promise<StaffProductView> {
      const data = staffProductCreateSchema.parse(input);
      await categoryOrThrow(repository, data.categoryId);
      const row = await repository.insertProduct(
        {
          category_id: data.categoryId,
          title: plainText(data.title),
          description: plainText(data.description),
          translations: translationsJson(data.title, data.description),
          price_minor: data.priceMinor,
          currency: deps.currency,
          stock: data.stock,
          search_text: searchTextOf([...Object.values(data.title), ...Object.values(data.description)]),
          position: (await repository.lastProductPosition(data.categoryId)) + 1,
          is_hidden: data.hidden ? 1 : 0,
          is_digital: data.digital ? 1 : 0,
        },
        deps.now(),
      );
      return (await editor.staffProduct(row.id, deps.defaultLocale)) as StaffProductView;
    },

    /** Changes a product's texts, category, price, stock, hidden or digital flag. */
    async updateStaffProduct(productId: number, input: z.input<typeof staffProductPatchSchema>): Promise<StaffProductView> {
      const data = staffProductPatchSchema.parse(input);
      const current = await staffProductOrThrow(repository, productId);
      if (data.categoryId !== undefined) await categoryOrThrow(repository, data.categoryId);
      const titles = data.title ?? textsOf(current.title, current.translations, 'title');
      const descriptions = data.description ?? textsOf(current.description, current.translations, 'description');
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        await scoped.updateProduct(
          productId,
          {
            ...(data.title || data.description ? { title: plainText(titles), description: plainText(descriptions), translations: translationsJson(titles, descriptions) } : {}),
            ...(data.categoryId !== undefined ? { category_id: data.categoryId } : {}),
            ...(data.priceMinor !== undefined ? { price_minor: data.priceMinor } : {}),
            ...(data.stock !== undefined ? { stock: data.stock } : {}),
            ...(data.hidden !== undefined ? { is_hidden: data.hidden ? 1 : 0 } : {}),
            ...(data.digital !== undefined ? { is_digital: data.digital ? 1 : 0 } : {}),
          },
          deps.now(),
        );
        await refreshSearchText(scoped, productId);
      });
      return (await editor.staffProduct(productId, deps.defaultLocale)) as StaffProductView;
    },
  };
  return editor;
}
