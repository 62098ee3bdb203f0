import { createCatalogBackoffice } from './catalog.backoffice.ts';
import { createCatalogBrowse } from './catalog.browse.ts';
import { createCatalogCardActions } from './catalog.cards.ts';
import { createCatalogCore } from './catalog.core.ts';
import { createCatalogEditor } from './catalog.editor.ts';
import { createCatalogFeedApply } from './catalog.feed.apply.ts';
import { createCatalogSeed } from './catalog.seed.ts';
import { createCatalogStorefront } from './catalog.storefront.ts';
import { createCatalogStock } from './catalog.stock.ts';
import { createCatalogTransfer } from './catalog.transfer.ts';
import { createCatalogUpsert } from './catalog.upsert.ts';
import { createCatalogWrites } from './catalog.writes.ts';
import { type CatalogServiceDeps } from './catalog.views.ts';

export {
  MAX_QUERY_LENGTH,
  MIN_QUERY_LENGTH,
  catalogDemoSchema,
  catalogSettingsSchema,
  categoryInputSchema,
  itemKey,
  productInputSchema,
  variantInputSchema,
  type CardAction,
  type CardActionProvider,
  type CardContext,
  type CategoryEntry,
  type CategoryPage,
  type DemoCategory,
  type ItemQuote,
  type ItemRef,
  type PhotoSource,
  type SearchPage,
} from './catalog.core.ts';

/** The catalogue: category tree, products with variants and photos, search and stock. */
export function createCatalogService(deps: CatalogServiceDeps) {
  const core = createCatalogCore(deps);
  const browse = createCatalogBrowse(core);
  const writes = createCatalogWrites(core, browse);
  const upsert = createCatalogUpsert(core);
  return {
    /** Catalogue reads as last made (shared across instances in app.ts when Redis is configured); absent when nothing is cached. */
    readCache: core.readCache,
    ...browse,
    ...createCatalogStock(core),
    ...createCatalogStorefront(core),
    ...writes,
    ...createCatalogEditor(core),
    ...createCatalogTransfer(core),
    ...createCatalogCardActions(core),
    ...createCatalogBackoffice(core),
    ...upsert,
    ...createCatalogFeedApply(core, upsert),
    ...createCatalogSeed(core, writes),
  };
}

/** The catalogue service's shape. */
export type CatalogService = ReturnType<typeof createCatalogService>;
