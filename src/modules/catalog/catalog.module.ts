import { defineModule } from '../module.ts';
import type { CatalogService } from './catalog.service.ts';
import { catalogMigrations } from './catalog.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    catalog: CatalogService;
  }
}

/** The catalogue: a category tree, products with variants, photos, stock and search. */
export const module = defineModule({
  name: 'catalog',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'catalog', label: 'nav.catalog', icon: 'box', group: 'business', order: 50 }],
  // The catalogue; photo file ids belong to the simulated Telegram (the bytes are kept and sent again).
  goLive: { keep: [{ table: 'catalog_categories' }, { table: 'catalog_products' }, { table: 'catalog_variants' }, { table: 'catalog_photos', clear: ['file_id'] }] },
  migrations: catalogMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupCatalog } = await import('./catalog.setup.ts');
    return setupCatalog(deps);
  },
});
