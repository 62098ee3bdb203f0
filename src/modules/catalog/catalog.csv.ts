// The catalogue as a spreadsheet: one row per product and one per variant, prices in major
// units as people write them. Reading checks every row and reports each problem with its row
// number; nothing here touches the database (the service checks ids and applies the plan).

import type { Locale } from '../../config/business.ts';
import { minorDigits } from '../../config/money.ts';
import { CsvError, parse } from 'csv-parse/sync';
import { buildCsv, type CsvCell } from '../../export/csv.ts';

/** The columns of the catalogue CSV, in the order the export writes them. */
export const CATALOG_CSV_COLUMNS = [
  'type',
  'product_id',
  'variant_id',
  'category_id',
  'title_ru',
  'title_kk',
  'title_en',
  'description_ru',
  'description_kk',
  'description_en',
  'price',
  'stock',
  'hidden',
  'digital',
  'external_id',
] as const;

/**
 * Columns a file may leave out: files exported before products could be marked digital, or
 * before the back office's ids (external_id) were kept, still import and keep those values.
 */
const OPTIONAL_CSV_COLUMNS: ReadonlySet<string> = new Set(['digital', 'external_id']);

/** Longest external id (the back office's SKU). */
export const EXTERNAL_ID_MAX = 64;

/** The languages of the text columns, in column order (Russian first, as the businesses write). */
const CSV_LOCALES: readonly Locale[] = ['ru', 'kk', 'en'];

/** Most data rows one import may have. */
export const MAX_IMPORT_ROWS = 5000;
/** Longest product title (as the admin form allows). */
export const TITLE_MAX = 120;
/** Longest variant title. */
export const VARIANT_TITLE_MAX = 64;
/** Longest product description. */
export const DESCRIPTION_MAX = 800;

/** Why a row (or the file) cannot be imported. */
export type ImportIssueCode =
  | 'import.empty'
  | 'import.too_many_rows'
  | 'import.unclosed_quote'
  | 'import.missing_columns'
  | 'import.bad_type'
  | 'import.bad_id'
  | 'import.no_title'
  | 'import.title_too_long'
  | 'import.description_too_long'
  | 'import.bad_price'
  | 'import.bad_stock'
  | 'import.bad_hidden'
  | 'import.bad_digital'
  | 'import.bad_external_id'
  | 'import.duplicate_external_id'
  | 'import.external_id_taken'
  | 'import.variant_without_product'
  | 'import.duplicate_product'
  | 'import.duplicate_variant'
  | 'import.unknown_product'
  | 'import.unknown_variant'
  | 'import.unknown_category';

/** One problem found in a file: where, what, and a sentence for people. */
export interface ImportIssue {
  /** The row as a spreadsheet numbers it (the header is row 1); 0 for the file as a whole. */
  row: number;
  column?: string;
  value?: string;
  code: ImportIssueCode;
  message: string;
}

/** A text per language; languages left blank are absent. */
export type LocalizedTexts = Partial<Record<Locale, string>>;

/** What a product row of the file says, read or written. */
interface ProductColumns {
  categoryId: number | null;
  titles: LocalizedTexts;
  descriptions: LocalizedTexts;
  priceMinor: number;
  stock: number;
  hidden: boolean;
}

/** A product row, checked. */
export interface PlannedProduct extends ProductColumns {
  row: number;
  /** Null: a new product. */
  productId: number | null;
  /** Undefined when the file has no `digital` column: an existing product keeps its flag, a new one is physical. */
  digital?: boolean;
  /** Undefined when the file has no `external_id` column (the product keeps its id); null clears it. */
  externalId?: string | null;
}

/** A variant row, checked; it belongs to an existing product or to a new one of the file. */
export interface PlannedVariant {
  row: number;
  /** Null: a new variant. */
  variantId: number | null;
  /** The existing product it belongs to, or null when `parentIndex` names a new one. */
  productId: number | null;
  /** Index into `products` of the new product it belongs to. */
  parentIndex: number | null;
  titles: LocalizedTexts;
  priceMinor: number;
  stock: number;
  /** As for products: undefined keeps the variant's id, null clears it. */
  externalId?: string | null;
}

/** Everything a file asks for, in file order. */
export interface ImportPlan {
  products: PlannedProduct[];
  variants: PlannedVariant[];
}

/** Row ends as spreadsheets save them: Windows, Unix, and old Mac files all import. */
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * Splits CSV text into rows of fields with csv-parse (RFC 4180: quoted fields may hold the
 * delimiter, quotes and line breaks). Comma or semicolon, whichever the header uses:
 * spreadsheets in Russian and Kazakh save with semicolons. A UTF-8 BOM is dropped. A quote
 * inside an unquoted field is kept as text, as spreadsheets write it; a quoted field that is
 * never closed is reported with the line its row starts on.
 */
export function parseCsv(text: string): { rows: string[][]; delimiter: ',' | ';' } | { error: 'import.unclosed_quote'; row: number } {
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  // The line the last complete row ended on: an unclosed quote starts on the next one.
  let lastRowLine = 0;
  try {
    const rows = parse(source, {
      delimiter,
      record_delimiter: RECORD_DELIMITERS,
      relax_column_count: true,
      relax_quotes: true,
      on_record: (record: string[], context) => {
        lastRowLine = context.lines;
        return record;
      },
    }) as string[][];
    return { rows, delimiter };
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') return { error: 'import.unclosed_quote', row: lastRowLine + 1 };
    throw error;
  }
}

/** Undoes the `'` the export puts before text a spreadsheet would run as a formula. */
function unneutralise(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/**
 * Reads a price as people type it (`7490`, `7 490`, `12.5`, `12,5`) into minor units of
 * `currency`, exactly (no floating point); undefined when it is not such a number.
 */
export function parsePriceMinor(raw: string, currency: string): number | undefined {
  const text = raw.replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text);
  if (!match) return undefined;
  const digits = minorDigits(currency);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor <= 1e13 ? minor : undefined;
}

/** Minor units as a major-unit string for a spreadsheet: `749000` KZT → `7490`, `749050` → `7490.5`. */
export function formatPriceMajor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  const whole = Math.trunc(minor / scale);
  const fraction = String(minor % scale).padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

const describe: Record<ImportIssueCode, (issue: { column?: string; value?: string }) => string> = {
  'import.empty': () => 'The file has no rows under the header.',
  'import.too_many_rows': () => `The file has more than ${MAX_IMPORT_ROWS} rows; split it into smaller files.`,
  'import.unclosed_quote': () => 'A quoted field is never closed; check the quotation marks from this row on.',
  'import.missing_columns': (issue) => `The header lacks these columns: ${issue.value}. Start from an exported file.`,
  'import.bad_type': (issue) => `The type "${issue.value}" is neither "product" nor "variant".`,
  'import.bad_id': (issue) => `${issue.column} "${issue.value}" is not an id (a whole number), and not empty.`,
  'import.no_title': () => 'The row has no title in any language.',
  'import.title_too_long': (issue) => `${issue.column} is too long.`,
  'import.description_too_long': (issue) => `${issue.column} is longer than ${DESCRIPTION_MAX} characters.`,
  'import.bad_price': (issue) => `The price "${issue.value}" is not an amount such as 7490 or 7490.50.`,
  'import.bad_stock': (issue) => `The stock "${issue.value}" is not a whole number of 0 or more.`,
  'import.bad_hidden': (issue) => `"hidden" is "${issue.value}"; write 1 or 0 (yes or no).`,
  'import.bad_digital': (issue) => `"digital" is "${issue.value}"; write 1 or 0 (yes or no).`,
  'import.bad_external_id': () => `external_id is longer than ${EXTERNAL_ID_MAX} characters.`,
  'import.duplicate_external_id': (issue) => `external_id "${issue.value}" appears in more than one row.`,
  'import.external_id_taken': (issue) => `Another product or variant already has external_id "${issue.value}".`,
  'import.variant_without_product': () => 'A variant row needs a product: give product_id, or put it under its product row.',
  'import.duplicate_product': (issue) => `Product ${issue.value} appears in more than one row.`,
  'import.duplicate_variant': (issue) => `Variant ${issue.value} appears in more than one row.`,
  'import.unknown_product': (issue) => `There is no product ${issue.value} (or it was archived).`,
  'import.unknown_variant': (issue) => `There is no variant ${issue.value} of this product.`,
  'import.unknown_category': (issue) => `There is no category ${issue.value}.`,
};

/** An issue with its sentence. */
export function importIssue(row: number, code: ImportIssueCode, details: { column?: string; value?: string } = {}): ImportIssue {
  return { row, ...details, code, message: `${row > 0 ? `Row ${row}: ` : ''}${describe[code](details)}` };
}

const HIDDEN_VALUES: Record<string, boolean> = { '': false, '0': false, no: false, false: false, нет: false, жоқ: false, '1': true, yes: true, true: true, да: true, иә: true };

/**
 * Reads a catalogue CSV into a plan, checking every row: ids are whole numbers, titles and
 * descriptions fit, prices and stock are numbers, variants have a product, nothing appears
 * twice. Whether the ids exist is the service's check. Returns every issue found, not the first.
 */
export function readCatalogCsv(text: string, currency: string): { plan: ImportPlan; issues: ImportIssue[] } {
  const plan: ImportPlan = { products: [], variants: [] };
  const parsed = parseCsv(text);
  if ('error' in parsed) return { plan, issues: [importIssue(parsed.row, parsed.error)] };
  const [header = [], ...body] = parsed.rows;
  const columns = header.map((name) => name.trim().toLowerCase());
  const missing = CATALOG_CSV_COLUMNS.filter((name) => !columns.includes(name) && !OPTIONAL_CSV_COLUMNS.has(name));
  if (missing.length > 0) return { plan, issues: [importIssue(1, 'import.missing_columns', { value: missing.join(', ') })] };
  const rows = body.map((cells, index) => ({ row: index + 2, cells })).filter(({ cells }) => cells.some((cell) => cell.trim() !== ''));
  if (rows.length === 0) return { plan, issues: [importIssue(0, 'import.empty')] };
  if (rows.length > MAX_IMPORT_ROWS) return { plan, issues: [importIssue(0, 'import.too_many_rows')] };

  const issues: ImportIssue[] = [];
  const seenProducts = new Set<number>();
  const seenVariants = new Set<number>();
  const seenExternal = { product: new Set<string>(), variant: new Set<string>() };
  // The product row a variant row without product_id belongs to: the nearest one above.
  let lastProduct: { productId: number | null; index: number } | undefined;

  for (const { row, cells } of rows) {
    const cell = (name: (typeof CATALOG_CSV_COLUMNS)[number]) => unneutralise((cells[columns.indexOf(name)] ?? '').trim());
    const problems = issues.length;
    const id = (name: 'product_id' | 'variant_id' | 'category_id'): number | null => {
      const value = cell(name);
      if (value === '') return null;
      if (!/^\d{1,15}$/.test(value) || Number(value) === 0) {
        issues.push(importIssue(row, 'import.bad_id', { column: name, value }));
        return null;
      }
      return Number(value);
    };
    const texts = (prefix: 'title' | 'description', max: number, code: 'import.title_too_long' | 'import.description_too_long'): LocalizedTexts => {
      const result: LocalizedTexts = {};
      for (const locale of CSV_LOCALES) {
        const value = cell(`${prefix}_${locale}`).replace(/\s+/g, ' ');
        if (value === '') continue;
        if (value.length > max) issues.push(importIssue(row, code, { column: `${prefix}_${locale}` }));
        result[locale] = value;
      }
      return result;
    };
    const type = cell('type').toLowerCase();
    if (type !== 'product' && type !== 'variant') {
      issues.push(importIssue(row, 'import.bad_type', { column: 'type', value: cell('type') }));
      continue;
    }
    // An empty cell clears the id; a file without the column leaves ids as they are.
    const externalId = columns.includes('external_id') ? cell('external_id') || null : undefined;
    if (externalId) {
      if (externalId.length > EXTERNAL_ID_MAX) issues.push(importIssue(row, 'import.bad_external_id', { column: 'external_id' }));
      else if (seenExternal[type].has(externalId)) issues.push(importIssue(row, 'import.duplicate_external_id', { column: 'external_id', value: externalId }));
      seenExternal[type].add(externalId);
    }
    const productId = id('product_id');
    const priceText = cell('price');
    const priceMinor = parsePriceMinor(priceText, currency);
    if (priceMinor === undefined) issues.push(importIssue(row, 'import.bad_price', { column: 'price', value: priceText }));
    const stockText = cell('stock').replace(/[\s\u00a0\u202f]/g, '');
    const stock = /^\d{1,7}$/.test(stockText) ? Number(stockText) : undefined;
    if (stock === undefined) issues.push(importIssue(row, 'import.bad_stock', { column: 'stock', value: cell('stock') }));

    if (type === 'product') {
      const categoryId = id('category_id');
      const titles = texts('title', TITLE_MAX, 'import.title_too_long');
      if (Object.keys(titles).length === 0) issues.push(importIssue(row, 'import.no_title'));
      const descriptions = texts('description', DESCRIPTION_MAX, 'import.description_too_long');
      const hiddenText = cell('hidden').toLowerCase();
      const hidden = HIDDEN_VALUES[hiddenText];
      if (hidden === undefined) issues.push(importIssue(row, 'import.bad_hidden', { column: 'hidden', value: cell('hidden') }));
      const digital = columns.includes('digital') ? HIDDEN_VALUES[cell('digital').toLowerCase()] : false;
      if (digital === undefined) issues.push(importIssue(row, 'import.bad_digital', { column: 'digital', value: cell('digital') }));
      if (productId !== null) {
        if (seenProducts.has(productId)) issues.push(importIssue(row, 'import.duplicate_product', { column: 'product_id', value: String(productId) }));
        seenProducts.add(productId);
      }
      lastProduct = { productId, index: plan.products.length };
      if (issues.length === problems) {
        plan.products.push({
          row, productId, categoryId, titles, descriptions, priceMinor: priceMinor as number, stock: stock as number, hidden: hidden as boolean,
          ...(columns.includes('digital') ? { digital: digital as boolean } : {}),
          ...(externalId === undefined ? {} : { externalId }),
        });
      } else {
        // Variants below a broken product row still get checked, against nothing new.
        lastProduct = { productId, index: -1 };
      }
      continue;
    }

    const variantId = id('variant_id');
    const titles = texts('title', VARIANT_TITLE_MAX, 'import.title_too_long');
    if (Object.keys(titles).length === 0) issues.push(importIssue(row, 'import.no_title'));
    if (variantId !== null) {
      if (seenVariants.has(variantId)) issues.push(importIssue(row, 'import.duplicate_variant', { column: 'variant_id', value: String(variantId) }));
      seenVariants.add(variantId);
    }
    const owner = productId !== null ? { productId, parentIndex: null } : lastProduct ? (lastProduct.productId !== null ? { productId: lastProduct.productId, parentIndex: null } : { productId: null, parentIndex: lastProduct.index }) : undefined;
    if (!owner) issues.push(importIssue(row, 'import.variant_without_product', { column: 'product_id' }));
    if (issues.length === problems && owner && (owner.parentIndex === null || owner.parentIndex >= 0)) {
      plan.variants.push({
        row, variantId, productId: owner.productId, parentIndex: owner.parentIndex, titles, priceMinor: priceMinor as number, stock: stock as number,
        ...(externalId === undefined ? {} : { externalId }),
      });
    }
  }
  return { plan, issues };
}

/** A product of the export with its variants, texts per language. */
export interface ExportProduct extends ProductColumns {
  id: number;
  digital: boolean;
  externalId: string | null;
  variants: { id: number; titles: LocalizedTexts; priceMinor: number; stock: number; externalId: string | null }[];
}

/** The catalogue as CSV (UTF-8 with a BOM, so spreadsheets read the Cyrillic right). */
export function buildCatalogCsv(products: readonly ExportProduct[], currency: string): Buffer {
  const rows: CsvCell[][] = [[...CATALOG_CSV_COLUMNS]];
  const byLocale = (texts: LocalizedTexts) => CSV_LOCALES.map((locale) => texts[locale] ?? '');
  for (const product of products) {
    rows.push([
      'product',
      product.id,
      '',
      product.categoryId ?? '',
      ...byLocale(product.titles),
      ...byLocale(product.descriptions),
      formatPriceMajor(product.priceMinor, currency),
      product.stock,
      product.hidden ? 1 : 0,
      product.digital ? 1 : 0,
      product.externalId ?? '',
    ]);
    for (const variant of product.variants) {
      rows.push(['variant', product.id, variant.id, '', ...byLocale(variant.titles), '', '', '', formatPriceMajor(variant.priceMinor, currency), variant.stock, '', '', variant.externalId ?? '']);
    }
  }
  return buildCsv(rows);
}
