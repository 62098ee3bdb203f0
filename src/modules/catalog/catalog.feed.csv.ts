/**
 * A catalogue feed in the panel's own CSV format (the file "Export CSV" writes), read with the
 * same reader as the panel's import and turned into the bulk items a YML feed becomes. A feed
 * is matched by the back office's ids, so every row needs its `external_id`; Lavka's own ids in
 * the file (product_id, variant_id) only tie variant rows to their product.
 */
import type { Locale } from '../../config/business.ts';
import { readCatalogCsv, type LocalizedTexts } from './catalog.csv.ts';
import { CatalogError } from './catalog.errors.ts';
import type { FeedContent, FeedIssue, FeedProduct, FeedVariant } from './catalog.feed.yml.ts';

/** The text of the default language (else the first given), and the other languages' texts. */
function split(texts: LocalizedTexts, defaultLocale: Locale): { text: string; others: Partial<Record<Locale, string>> } {
  const text = texts[defaultLocale] ?? Object.values(texts).find(Boolean) ?? '';
  const others = Object.fromEntries(Object.entries(texts).filter(([locale]) => locale !== defaultLocale)) as Partial<Record<Locale, string>>;
  return { text, others };
}

/** A product item of a CSV feed: the bulk item plus the translations and flags the CSV has. */
type CsvFeedItem = FeedProduct['item'] & {
  category_id?: number | null;
  translations?: Partial<Record<Locale, { title?: string; description?: string }>>;
  hidden?: boolean;
  digital?: boolean;
};

/**
 * Reads a CSV feed. A file the reader refuses as a whole (no header, missing columns, an
 * unclosed quote, no rows) throws `catalog.feed_csv_invalid`; a bad row, or a row without
 * `external_id`, is an issue and the others go on.
 */
export function readCsvFeed(bytes: Uint8Array, options: { currency: string; defaultLocale: Locale }): FeedContent {
  const text = new TextDecoder('utf-8').decode(bytes);
  const { plan, issues: rowIssues } = readCatalogCsv(text, options.currency);
  const fileWide = rowIssues.find((issue) => issue.row <= 1);
  if (fileWide) throw new CatalogError('catalog.feed_csv_invalid', `The CSV feed cannot be read: ${fileWide.message}`, { code: fileWide.code });
  const issues: FeedIssue[] = rowIssues.map((issue) => ({ ref: `row ${issue.row}`, field: issue.column ?? 'row', code: `catalog.feed_${issue.code.replace(/^import\./, '')}`, message: issue.message }));
  const listed = new Set<string>();
  const products: (FeedProduct & { item: CsvFeedItem })[] = [];
  const byIndex = new Map<number, FeedProduct & { item: CsvFeedItem }>();
  const byLavkaId = new Map<number, FeedProduct & { item: CsvFeedItem }>();

  for (const [index, row] of plan.products.entries()) {
    if (!row.externalId) {
      issues.push({ ref: `row ${row.row}`, field: 'external_id', code: 'catalog.feed_bad_id', message: `Row ${row.row}: a feed matches products by external_id, and this row has none.` });
      continue;
    }
    listed.add(row.externalId);
    const titles = split(row.titles, options.defaultLocale);
    const descriptions = split(row.descriptions, options.defaultLocale);
    const translations: NonNullable<CsvFeedItem['translations']> = {};
    for (const [locale, title] of Object.entries(titles.others) as [Locale, string][]) translations[locale] = { ...translations[locale], title };
    for (const [locale, description] of Object.entries(descriptions.others) as [Locale, string][]) translations[locale] = { ...translations[locale], description };
    const product = {
      item: {
        external_id: row.externalId,
        category_id: row.categoryId,
        title: titles.text,
        description: descriptions.text,
        ...(Object.keys(translations).length > 0 ? { translations } : {}),
        price_minor: row.priceMinor,
        stock: row.stock,
        hidden: row.hidden,
        ...(row.digital === undefined ? {} : { digital: row.digital }),
      },
      pictures: [],
      offers: [row.externalId],
    };
    products.push(product);
    byIndex.set(index, product);
    if (row.productId !== null) byLavkaId.set(row.productId, product);
  }

  for (const variant of plan.variants) {
    const owner = variant.parentIndex !== null ? byIndex.get(variant.parentIndex) : byLavkaId.get(variant.productId as number);
    if (!variant.externalId || !owner) {
      issues.push({
        ref: `row ${variant.row}`,
        field: variant.externalId ? 'product_id' : 'external_id',
        code: variant.externalId ? 'catalog.feed_variant_without_product' : 'catalog.feed_bad_id',
        message: variant.externalId ? `Row ${variant.row}: the variant's product is not in the feed with an external_id.` : `Row ${variant.row}: a feed matches variants by external_id, and this row has none.`,
      });
      continue;
    }
    const titles = split(variant.titles, options.defaultLocale);
    const translations = Object.fromEntries(Object.entries(titles.others).map(([locale, title]) => [locale, { title }]));
    const entry: FeedVariant & { translations?: Record<string, { title: string }> } = {
      external_id: variant.externalId,
      title: titles.text,
      price_minor: variant.priceMinor,
      stock: variant.stock,
      ...(Object.keys(translations).length > 0 ? { translations } : {}),
    };
    owner.item.variants = [...(owner.item.variants ?? []), entry];
    owner.offers.push(variant.externalId);
  }
  return { categories: [], products, issues, offers: plan.products.length + plan.variants.length + new Set(rowIssues.map((issue) => issue.row)).size, listed: [...listed] };
}
