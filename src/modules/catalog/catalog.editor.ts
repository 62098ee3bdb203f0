import { createCatalogCategoryEditor } from './catalog.editor.categories.ts';
import { createCatalogProductEditor } from './catalog.editor.products.ts';
import { createCatalogVariantEditor } from './catalog.editor.variants.ts';
import { type CatalogViews } from './catalog.views.ts';

export {
  MAX_PHOTO_BYTES,
  sniffImageType,
  staffCategoryCreateSchema,
  staffCategoryPatchSchema,
  staffProductCreateSchema,
  staffProductPatchSchema,
  staffVariantCreateSchema,
  staffVariantPatchSchema,
} from './catalog.editor.schemas.ts';

/**
 * The catalogue editor of the admin panel: the category tree (create, rename per language,
 * move, reorder, hide), products and their variants, photos.
 */
export function createCatalogEditor(views: CatalogViews) {
  const products = createCatalogProductEditor(views);
  return {
    ...createCatalogCategoryEditor(views),
    ...products,
    ...createCatalogVariantEditor(views, products),
  };
}
