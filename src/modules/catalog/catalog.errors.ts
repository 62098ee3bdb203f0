import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A catalogue rule was broken; `code` says which (`catalog.out_of_stock`, …). */
export class CatalogError extends LavkaError {
  override readonly name = 'CatalogError';
  get kind(): ErrorKind {
    return CATALOG_KINDS[this.code] ?? 'invalid';
  }
}

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
};
