/**
 * Reading a YML feed (Yandex Market Language, the catalogue format Russian and Kazakh shops
 * and their accounting systems publish) into the catalogue's bulk items. The XML is read with
 * saxes, a streaming parser that insists on well-formed XML, so a truncated or broken file is
 * refused whole rather than read half-way. Nothing here touches the database.
 *
 * Offers sharing a `group_id` are one product with variants (sizes, colours), as Yandex lists
 * them; any other offer is a product of its own. Problems of one offer are reported with the
 * offer's id and leave the others alone; the caller decides whether the feed as a whole is good.
 */
import { SaxesParser } from 'saxes';
import { EXTERNAL_ID_MAX, parsePriceMinor } from './catalog.csv.ts';
import { CatalogError } from './catalog.errors.ts';

/** A category of the feed, by its own id. */
export interface FeedCategory {
  externalId: string;
  parentExternalId: string | null;
  title: string;
}

/** A variant as the catalogue's bulk upsert takes it. */
export interface FeedVariant {
  external_id: string;
  title: string;
  price_minor: number;
  stock: number;
  options?: Record<string, string>;
}

/** A product as the catalogue's bulk upsert takes it, with where it came from in the feed. */
export interface FeedProduct {
  item: {
    external_id: string;
    category_external_id?: string | null;
    title: string;
    description?: string;
    price_minor: number;
    stock?: number;
    /** Only a CSV feed says it; a YML feed leaves the flag staff set. */
    hidden?: boolean;
    variants?: FeedVariant[];
  };
  /** Picture URLs in the feed's order (the first is the one customers see first). */
  pictures: string[];
  /** The offer ids it was made of, for messages. */
  offers: string[];
}

/** A problem with one offer (or category): which, which field, what is wrong. */
export interface FeedIssue {
  /** The offer's id (a category's as `category:<id>`), or `#n` for an offer without one. */
  ref: string;
  field: string;
  code: string;
  message: string;
}

/** What a feed holds, read and mapped; `offers` counts every offer, good or not. */
export interface FeedContent {
  categories: FeedCategory[];
  products: FeedProduct[];
  issues: FeedIssue[];
  offers: number;
  /**
   * The external ids of every product the feed names, bad ones too: a product whose offer is
   * wrong this time is left as it is, not hidden as if the feed had dropped it.
   */
  listed: string[];
}

/** How a feed is read: the business's currency, and the stock of an offer that says only "available". */
export interface FeedReadOptions {
  currency: string;
  stockWhenAvailable: number;
  maxOffers: number;
  maxPicturesPerProduct: number;
}

/** Longest texts the catalogue keeps (as its bulk upsert allows). */
const TITLE_MAX = 120;
const VARIANT_TITLE_MAX = 64;
const DESCRIPTION_MAX = 800;
const OPTION_MAX = 32;
const PICTURE_URL_MAX = 1000;

/** An offer as the XML says it, before any checks. */
interface RawOffer {
  position: number;
  id: string;
  available: string | undefined;
  groupId: string | undefined;
  fields: Map<string, string>;
  pictures: string[];
  params: { name: string; value: string }[];
  /** The sum of `outlets/outlet[@instock]`, when the feed counts stock per outlet. */
  outletStock: number | undefined;
}

/** The encoding the XML declaration names; YML feeds are often windows-1251. */
function declaredEncoding(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
  return /^\uFEFF?\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.replace(/^\xEF\xBB\xBF/, ''))?.[1]?.toLowerCase() ?? 'utf-8';
}

/** The feed's bytes as text in the encoding it declares. */
export function decodeFeed(bytes: Uint8Array): string {
  const encoding = declaredEncoding(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new CatalogError('catalog.feed_not_xml', `The feed declares the encoding "${encoding}", which Lavka does not know.`, { encoding });
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new CatalogError('catalog.feed_not_xml', `The feed is not valid ${encoding} text.`, { encoding });
  }
}

/** Collapses whitespace and drops the HTML tags YML descriptions may carry (in CDATA). */
function plain(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]{0,200}>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_whole, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts a text to `max` characters at a word where it can, with an ellipsis. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Yandex writes the rouble as RUR. */
const currencyCode = (code: string): string => (code.toUpperCase() === 'RUR' ? 'RUB' : code.toUpperCase());

/** An attribute's value, trimmed; '' when absent (attributes are plain strings without namespaces). */
function attribute(tag: { attributes: Record<string, unknown> }, name: string): string {
  const value = tag.attributes[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Parses the XML into categories and raw offers; broken XML throws `catalog.feed_not_xml`. */
function parseYml(text: string, maxOffers: number): { categories: FeedCategory[]; offers: RawOffer[]; categoryIssues: FeedIssue[] } {
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  const categories: FeedCategory[] = [];
  const categoryIssues: FeedIssue[] = [];
  const offers: RawOffer[] = [];
  let textBuffer = '';
  let category: { id: string; parentId: string | null } | undefined;
  let offer: RawOffer | undefined;
  let param: string | undefined;
  let error: Error | undefined;

  parser.on('error', (problem) => {
    error ??= problem;
  });
  parser.on('opentag', (tag) => {
    const name = tag.name;
    const parent = stack.at(-1);
    stack.push(name);
    textBuffer = '';
    if (stack.length === 1 && name !== 'yml_catalog') {
      throw new CatalogError('catalog.feed_not_yml', `The feed's root element is <${name}>, not <yml_catalog>: this is not a YML feed.`, { root: name });
    }
    if (name === 'category' && parent === 'categories') {
      category = { id: attribute(tag, 'id'), parentId: attribute(tag, 'parentId') || null };
    } else if (name === 'offer' && parent === 'offers') {
      if (offers.length >= maxOffers) throw new CatalogError('catalog.feed_too_large', `The feed has more than ${maxOffers} offers.`, { maxOffers });
      offer = {
        position: offers.length,
        id: attribute(tag, 'id'),
        available: attribute(tag, 'available').toLowerCase() || undefined,
        groupId: attribute(tag, 'group_id') || undefined,
        fields: new Map(),
        pictures: [],
        params: [],
        outletStock: undefined,
      };
    } else if (offer && name === 'param' && parent === 'offer') {
      param = attribute(tag, 'name');
    } else if (offer && name === 'outlet' && parent === 'outlets') {
      const instock = Number(attribute(tag, 'instock') || 'x');
      if (Number.isInteger(instock) && instock >= 0) offer.outletStock = (offer.outletStock ?? 0) + instock;
    }
  });
  const onText = (chunk: string) => {
    textBuffer += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    stack.pop();
    const parent = stack.at(-1);
    const value = textBuffer.trim();
    if (tag.name === 'category' && category) {
      if (category.id === '' || category.id.length > EXTERNAL_ID_MAX) {
        categoryIssues.push({ ref: `category:${category.id}`, field: 'id', code: 'catalog.feed_bad_id', message: `A category has no id, or one longer than ${EXTERNAL_ID_MAX} characters.` });
      } else if (value === '') {
        categoryIssues.push({ ref: `category:${category.id}`, field: 'title', code: 'catalog.feed_no_title', message: `Category ${category.id} has no name.` });
      } else {
        categories.push({ externalId: category.id, parentExternalId: category.parentId, title: fit(plain(value), 64) });
      }
      category = undefined;
    } else if (offer && tag.name === 'offer' && parent === 'offers') {
      offers.push(offer);
      offer = undefined;
    } else if (offer && parent === 'offer') {
      if (tag.name === 'picture') {
        if (value) offer.pictures.push(value);
      } else if (tag.name === 'param') {
        if (param && value) offer.params.push({ name: param, value });
        param = undefined;
      } else if (!offer.fields.has(tag.name)) {
        offer.fields.set(tag.name, value);
      }
    }
    textBuffer = '';
  });

  try {
    parser.write(text).close();
  } catch (thrown) {
    if (thrown instanceof CatalogError) throw thrown;
    error ??= thrown as Error;
  }
  if (error) throw new CatalogError('catalog.feed_not_xml', `The feed is not well-formed XML: ${error.message}`, { detail: error.message });
  if (stack.length > 0) throw new CatalogError('catalog.feed_not_xml', 'The feed ends before its XML is closed (a truncated file?).');
  return { categories, offers, categoryIssues };
}

/** The stock an offer states: count, quantity, stock or outlets; `available="false"` is none. */
function stockOf(offer: RawOffer, stockWhenAvailable: number): number | 'bad' {
  if (offer.available === 'false') return 0;
  for (const field of ['count', 'quantity', 'stock', 'stock_quantity']) {
    const text = offer.fields.get(field);
    if (text === undefined || text === '') continue;
    const number = Number(text.replace(/[\s\u00a0]/g, ''));
    if (!Number.isFinite(number)) return 'bad';
    // Some systems publish a negative balance (sold ahead of stock): nothing to sell.
    return Math.min(1_000_000, Math.max(0, Math.floor(number)));
  }
  if (offer.outletStock !== undefined) return Math.min(1_000_000, offer.outletStock);
  return stockWhenAvailable;
}

/** The offer's title: `name`, or `typePrefix vendor model` for the vendor.model type. */
function titleOf(offer: RawOffer): string {
  const name = plain(offer.fields.get('name') ?? '');
  if (name) return name;
  return plain([offer.fields.get('typePrefix'), offer.fields.get('vendor'), offer.fields.get('model')].filter(Boolean).join(' '));
}

/** A checked offer, ready to become a product or a variant. */
interface CheckedOffer {
  raw: RawOffer;
  title: string;
  priceMinor: number;
  stock: number;
}

/** Checks one offer's own fields; every problem becomes an issue. */
function checkOffer(raw: RawOffer, options: FeedReadOptions, issues: FeedIssue[]): CheckedOffer | undefined {
  const ref = raw.id || `#${raw.position + 1}`;
  const before = issues.length;
  const problem = (field: string, code: string, message: string) => issues.push({ ref, field, code, message });
  if (raw.id === '' || raw.id.length > EXTERNAL_ID_MAX) problem('id', 'catalog.feed_bad_id', `The offer has no id, or one longer than ${EXTERNAL_ID_MAX} characters.`);
  if (raw.groupId !== undefined && raw.groupId.length > EXTERNAL_ID_MAX) problem('group_id', 'catalog.feed_bad_id', `group_id is longer than ${EXTERNAL_ID_MAX} characters.`);
  const title = titleOf(raw);
  if (title === '') problem('name', 'catalog.feed_no_title', 'The offer has neither name nor vendor and model.');
  const currency = currencyCode(raw.fields.get('currencyId') ?? options.currency);
  if (currency !== options.currency) problem('currencyId', 'catalog.currency_mismatch', `The offer is priced in ${currency}; the shop sells in ${options.currency}, and prices are not converted.`);
  const priceText = (raw.fields.get('price') ?? '').replace(/([.,]\d*?)0+$/, '$1').replace(/[.,]$/, '');
  const priceMinor = parsePriceMinor(priceText, options.currency);
  if (priceMinor === undefined) problem('price', 'catalog.feed_bad_price', `The price "${raw.fields.get('price') ?? ''}" is not an amount such as 7490 or 7490.50.`);
  const stock = stockOf(raw, options.stockWhenAvailable);
  if (stock === 'bad') problem('count', 'catalog.feed_bad_stock', 'The stock is not a number.');
  if (issues.length > before) return undefined;
  return { raw, title, priceMinor: priceMinor as number, stock: stock as number };
}

/** Picture URLs of offers, each once, http(s) only, up to the limit. */
function picturesOf(offers: readonly RawOffer[], max: number): string[] {
  const result: string[] = [];
  for (const offer of offers) {
    for (const url of offer.pictures) {
      if (result.length >= max) return result;
      if (!/^https?:\/\//i.test(url) || url.length > PICTURE_URL_MAX || result.includes(url)) continue;
      result.push(url);
    }
  }
  return result;
}

/** The description of the first offer that has one. */
function descriptionOf(offers: readonly RawOffer[]): string | undefined {
  for (const offer of offers) {
    const text = plain(offer.fields.get('description') ?? '');
    if (text) return fit(text, DESCRIPTION_MAX);
  }
  return undefined;
}

const categoryOf = (offer: RawOffer): string | null => offer.fields.get('categoryId')?.trim() || null;

/** A variant's name: its params' values (`M, red`), or the offer's own name. */
function variantTitleOf(offer: CheckedOffer): string {
  const fromParams = offer.raw.params.map((entry) => plain(entry.value)).filter(Boolean).join(', ');
  return fit(fromParams || offer.title, VARIANT_TITLE_MAX);
}

function optionsOf(offer: RawOffer): Record<string, string> | undefined {
  if (offer.params.length === 0) return undefined;
  const options: Record<string, string> = {};
  for (const entry of offer.params) {
    const name = fit(plain(entry.name), OPTION_MAX);
    if (name && !(name in options)) options[name] = fit(plain(entry.value), OPTION_MAX);
  }
  return options;
}

/**
 * Reads a YML feed's bytes into the catalogue's bulk items: one product per offer, or per
 * `group_id` with the group's offers as its variants. Broken XML, another root than
 * `yml_catalog`, or more offers than allowed throw; problems of single offers are issues.
 */
export function readYmlFeed(bytes: Uint8Array, options: FeedReadOptions): FeedContent {
  const { categories, offers, categoryIssues } = parseYml(decodeFeed(bytes), options.maxOffers);
  const issues: FeedIssue[] = [...categoryIssues];
  const products: FeedProduct[] = [];
  // Groups keep the place of their first offer, so the catalogue follows the feed's order.
  const groups = new Map<string, RawOffer[]>();
  const order: ({ kind: 'single'; offer: RawOffer } | { kind: 'group'; id: string })[] = [];
  for (const offer of offers) {
    if (offer.groupId === undefined) {
      order.push({ kind: 'single', offer });
      continue;
    }
    const members = groups.get(offer.groupId);
    if (members) members.push(offer);
    else {
      groups.set(offer.groupId, [offer]);
      order.push({ kind: 'group', id: offer.groupId });
    }
  }

  for (const entry of order) {
    if (entry.kind === 'single') {
      const checked = checkOffer(entry.offer, options, issues);
      if (!checked) continue;
      const description = descriptionOf([entry.offer]);
      products.push({
        item: {
          external_id: checked.raw.id,
          category_external_id: categoryOf(entry.offer),
          title: fit(checked.title, TITLE_MAX),
          ...(description === undefined ? {} : { description }),
          price_minor: checked.priceMinor,
          stock: checked.stock,
        },
        pictures: picturesOf([entry.offer], options.maxPicturesPerProduct),
        offers: [checked.raw.id],
      });
      continue;
    }
    const members = groups.get(entry.id) as RawOffer[];
    const checked = members.flatMap((offer) => checkOffer(offer, options, issues) ?? []);
    // A group with a bad offer still sells its good ones; the bad one is reported.
    const first = checked[0];
    if (!first) continue;
    const description = descriptionOf(members);
    products.push({
      item: {
        external_id: entry.id,
        category_external_id: categoryOf(first.raw),
        title: fit(first.title, TITLE_MAX),
        ...(description === undefined ? {} : { description }),
        price_minor: Math.min(...checked.map((offer) => offer.priceMinor)),
        variants: checked.map((offer) => {
          const options = optionsOf(offer.raw);
          return { external_id: offer.raw.id, title: variantTitleOf(offer), price_minor: offer.priceMinor, stock: offer.stock, ...(options ? { options } : {}) };
        }),
      },
      pictures: picturesOf(checked.map((offer) => offer.raw), options.maxPicturesPerProduct),
      offers: checked.map((offer) => offer.raw.id),
    });
  }
  const listed = new Set(offers.flatMap((offer) => [offer.groupId ?? offer.id].filter(Boolean)));
  return { categories, products, issues, offers: offers.length, listed: [...listed] };
}
