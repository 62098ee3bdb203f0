/** Seeding the preset's demo catalogue. */
import { toMinor } from '../../config/money.ts';
import { renderTilePng } from './tile-image.ts';
import { type CategoryView, type ProductView } from './catalog.views.ts';
import { catalogDemoSchema, type CatalogCore, type DemoCategory } from './catalog.core.ts';

/** The owner writes the seed goes through. */
interface SeedWrites {
  createCategory(input: unknown): Promise<CategoryView>;
  createProduct(input: unknown): Promise<ProductView>;
  addPhoto(productId: number, bytes: Uint8Array, mimeType: string): Promise<number>;
}

/** The demo seed, through the owner writes. */
export function createCatalogSeed(core: CatalogCore, service: SeedWrites) {
  const { deps, repository } = core;
  return {
    /**
     * Seeds the preset's demo catalogue into an empty catalogue, with a generated picture
     * per product; does nothing once any category or product exists. Returns the products created.
     */
    async seed(data: unknown): Promise<number> {
      if ((await repository.countAll()) > 0) return 0;
      const demo = catalogDemoSchema.parse(data);
      let created = 0;
      const addCategory = async (category: DemoCategory, parentId: number | null, position: number): Promise<void> => {
        const view = await service.createCategory({ parentId, title: category.title, position });
        for (const [index, product] of (category.products ?? []).entries()) {
          const view2 = await service.createProduct({
            categoryId: view.id,
            title: product.title,
            description: product.description,
            priceMinor: toMinor(product.price, deps.currency),
            stock: product.stock,
            position: index,
            digital: product.digital,
            variants: product.variants.map((variant) => ({
              title: variant.title,
              options: variant.options,
              priceMinor: toMinor(variant.price ?? product.price, deps.currency),
              stock: variant.stock,
            })),
          });
          if (product.image) await service.addPhoto(view2.id, renderTilePng({ colour: product.image.colour, shape: product.image.shape }), 'image/png');
          created += 1;
        }
        for (const [index, child] of (category.children ?? []).entries()) await addCategory(child, view.id, index);
      };
      for (const [index, category] of demo.categories.entries()) await addCategory(category, null, index);
      return created;
    },
  };
}
