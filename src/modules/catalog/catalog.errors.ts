import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

/** The kind of each refusal of the catalogue; codes not listed are invalid input. */
const CATALOG_KINDS: Readonly<Record<string, ErrorKind>> = {
  'catalog.product_not_found': 'not_found',
  'catalog.category_not_found': 'not_found',
  'catalog.variant_not_found': 'not_found',
  'catalog.photo_not_found': 'not_found',
  'catalog.category_cycle': 'conflict',
  'catalog.order_mismatch': 'conflict',
  'catalog.photo_too_large': 'too_large',
  'catalog.photo_type': 'unsupported',
  'catalog.import_invalid': 'unprocessable',
  'catalog.external_id_taken': 'conflict',
  'catalog.stock_too_low': 'conflict',
  'catalog.stock_on_variants': 'conflict',
  // The catalogue feed: an import already waiting or running, or no feed to import.
  'catalog.feed_busy': 'conflict',
  'catalog.feed_not_configured': 'conflict',
  'catalog.feed_run_not_found': 'not_found',
};

/** A catalogue rule was broken; `code` says which (`catalog.out_of_stock`, …). */
export class CatalogError extends refusalClass('CatalogError', CATALOG_KINDS) {}

