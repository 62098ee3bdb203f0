/** The editor's category tree: listing with texts per language, create, rename, move, hide, reorder. */
import { type z } from 'zod';
import { type Locale } from '../../config/business.ts';
import { createCatalogRepository, type CatalogRepository } from './catalog.repository.ts';
import { CatalogError } from './catalog.errors.ts';
import type { CategoryRecord } from './catalog.tables.ts';
import { type CatalogViews, type StaffCategoryView } from './catalog.views.ts';
import { staffCategoryCreateSchema, staffCategoryPatchSchema } from './catalog.editor.schemas.ts';

/** Staff edits of the category tree. */
export function createCatalogCategoryEditor(views: CatalogViews) {
  const { deps, repository, translationsJson, categoryView, textsOf, plainText, categoryOrThrow } = views;
  return {
    /** Every category with its texts in every language, position, hidden flag and product count. */
    async staffCategories(locale: Locale): Promise<StaffCategoryView[]> {
      const counts = await repository.countProductsByCategory();
      return (await repository.listCategories()).map((row) => ({
        ...categoryView(row, locale),
        titles: textsOf(row.title, row.translations, 'title'),
        position: row.position,
        hidden: row.is_hidden === 1,
        productCount: counts.get(row.id) ?? 0,
      }));
    },

    /** Adds a category at the end of its parent's children. */
    async createStaffCategory(input: z.input<typeof staffCategoryCreateSchema>): Promise<CategoryRecord> {
      const data = staffCategoryCreateSchema.parse(input);
      await categoryOrThrow(repository, data.parentId);
      const position = (await repository.lastChildPosition(data.parentId)) + 1;
      return repository.insertCategory({ parent_id: data.parentId, title: plainText(data.title), translations: translationsJson(data.title), position }, deps.now());
    },

    /**
     * Renames a category (per language), moves it under another parent (at the end there), or
     * hides and shows it. A move under itself or one of its own subcategories would make a
     * cycle that customers could never leave: refused with `catalog.category_cycle`.
     */
    async updateStaffCategory(categoryId: number, input: z.input<typeof staffCategoryPatchSchema>): Promise<CategoryRecord> {
      const data = staffCategoryPatchSchema.parse(input);
      const current = await repository.findCategoryForStaff(categoryId);
      if (!current) throw new CatalogError('catalog.category_not_found', 'This category does not exist.', { categoryId });
      const patch: Parameters<CatalogRepository['updateCategory']>[1] = {};
      if (data.title) Object.assign(patch, { title: plainText(data.title), translations: translationsJson(data.title) });
      if (data.hidden !== undefined) patch.is_hidden = data.hidden ? 1 : 0;
      if (data.parentId !== undefined && data.parentId !== current.parent_id) {
        const all = new Map((await repository.listCategories()).map((row) => [row.id, row]));
        // Walk up from the new parent: meeting the category itself means a cycle.
        for (let id: number | null = data.parentId, depth = 0; id !== null && depth <= all.size; depth += 1) {
          if (id === categoryId) throw new CatalogError('catalog.category_cycle', 'A category cannot be moved into itself or into one of its own subcategories.', { categoryId, parentId: data.parentId });
          const parent = all.get(id);
          if (!parent) throw new CatalogError('catalog.unknown_category', 'The new parent category does not exist.', { parentId: data.parentId });
          id = parent.parent_id;
        }
        patch.parent_id = data.parentId;
        patch.position = (await repository.lastChildPosition(data.parentId)) + 1;
      }
      await repository.updateCategory(categoryId, patch, deps.now());
      return (await repository.findCategoryForStaff(categoryId)) as CategoryRecord;
    },

    /** Puts a parent's children in the given order; `ids` must be exactly its children. */
    async reorderCategories(parentId: number | null, ids: readonly number[]): Promise<void> {
      const children = (await repository.listCategories()).filter((row) => row.parent_id === parentId).map((row) => row.id);
      const given = new Set(ids);
      if (given.size !== ids.length || children.length !== ids.length || children.some((id) => !given.has(id))) {
        throw new CatalogError('catalog.order_mismatch', 'The list does not match the categories at this level; reload the page and try again.', { parentId });
      }
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createCatalogRepository(trx);
        for (const [position, id] of ids.entries()) await scoped.updateCategory(id, { position }, deps.now());
      });
    },
  };
}
