import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import type { Db } from '../../db/database.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { itemKey, type CatalogService, type ItemQuote, type ItemRef } from '../catalog/catalog.service.ts';
import type { Order, OrdersService } from '../orders/orders.service.ts';
import { createCartRepository } from './cart.repository.ts';
import type { CartItemRecord } from './cart.tables.ts';

/** A cart rule was broken; `code` says which (`cart.quantity_out_of_range`, …). */
export class CartError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CartError';
    this.code = code;
    this.details = details;
  }
}

/** A pickup point: one name, or its name per language (`{ ru: …, kk: …, en: … }`). */
const pickupPointSchema = z.union([
  z.string().trim().min(1).max(60),
  z
    .partialRecord(z.enum(SUPPORTED_LOCALES), z.string().trim().min(1).max(60))
    .refine((names) => Object.values(names).some(Boolean), 'name the pickup point in at least one language'),
]);

/** A pickup point as configured: one name for every language, or a name per language. */
export type PickupPoint = z.infer<typeof pickupPointSchema>;

/** A pickup point's name in `locale`: its own, else the business's language's, else any. */
export function pickupPointName(point: PickupPoint, locale: Locale, defaultLocale: Locale): string {
  if (typeof point === 'string') return point;
  return point[locale] ?? point[defaultLocale] ?? (SUPPORTED_LOCALES.map((code) => point[code]).find(Boolean) as string);
}

/** A pickup point's name in every language (what an order keeps, so each reader sees their own). */
export function pickupPointNames(point: PickupPoint, defaultLocale: Locale): Record<Locale, string> {
  return Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, pickupPointName(point, locale, defaultLocale)])) as Record<Locale, string>;
}

/** Settings under `settings.cart` in the business config. Fees are in major units (tenge). */
export const cartSettingsSchema = z
  .object({
    /** Most units of one product (or variant) in a cart. */
    maxQuantityPerLine: z.number().int().min(1).max(999).default(20),
    /** Most different lines in a cart. */
    maxLines: z.number().int().min(1).max(100).default(30),
    /** Lines per page of the cart screen. */
    pageSize: z.number().int().min(1).max(10).default(5),
    /** Where customers can collect orders, named in one language or per language; empty turns pickup off. */
    pickupPoints: z.array(pickupPointSchema).max(20).default([]),
    courier: z
      .object({
        enabled: z.boolean().default(true),
        fee: z.number().min(0).default(0),
        /** Orders of at least this much travel free. */
        freeFrom: z.number().min(0).optional(),
      })
      .default({ enabled: true, fee: 0 }),
  })
  .default({ maxQuantityPerLine: 20, maxLines: 30, pageSize: 5, pickupPoints: [], courier: { enabled: true, fee: 0 } });

/** Validated cart settings. */
export type CartSettings = z.infer<typeof cartSettingsSchema>;

/** A cart line with today's name, price and stock. */
export interface CartLine {
  itemId: number;
  productId: number;
  variantId: number | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
  stock: number;
}

/** The cart as the customer sees it. */
export interface CartView {
  lines: CartLine[];
  currency: string;
  totalMinor: number;
  /** Units in the cart, all lines together. */
  units: number;
}

/** Something about the cart that changed since the customer last looked. */
export type CartIssue =
  | { kind: 'gone' }
  | { kind: 'sold_out'; title: string; variantTitle: string | null }
  | { kind: 'reduced'; title: string; variantTitle: string | null; from: number; to: number }
  | { kind: 'price_changed'; title: string; variantTitle: string | null; fromMinor: number; toMinor: number };

/** How the order reaches the customer. */
export interface DeliveryChoice {
  method: 'pickup' | 'courier';
  /** The pickup point's name in the business's language (how the order and staff name it). */
  pickupPoint?: string | null;
  address?: string | null;
}

/** The priced order the customer is asked to confirm. */
export interface CheckoutQuote {
  view: CartView;
  deliveryFeeMinor: number;
  totalMinor: number;
  /** Fingerprint of lines, prices and total: confirming checks nothing moved since. */
  signature: string;
}

/** What the customer submits when confirming. */
export interface CheckoutInput {
  userId: number;
  locale: Locale;
  contactName: string;
  contactPhone: string;
  delivery: DeliveryChoice;
  comment: string | null;
  /** The signature of the quote the customer saw. */
  expectedSignature: string;
}

/** The outcome of a checkout. */
export type CheckoutResult =
  | { status: 'placed'; order: Order }
  | { status: 'empty' }
  /** Something changed (price, stock, a product removed): show the new quote, ask again. */
  | { status: 'changed'; issues: CartIssue[]; quote: CheckoutQuote };

/** Dependencies of the cart service. */
export interface CartServiceDeps {
  db: Db;
  now(): number;
  catalog: CatalogService;
  orders: OrdersService;
  i18n: Translator;
  settings: CartSettings;
  currency: string;
  /** The business's language: an order line's own title is in it; every language's names go with it. */
  defaultLocale: Locale;
  /** How a new order is to be paid (`on_delivery`, or `online` when payment up front is required); default on delivery. */
  initialPaymentMethod?(): string;
}

/** The catalogue item a cart line holds. */
export const toRef = (item: CartItemRecord): ItemRef => ({ productId: item.product_id, variantId: item.variant_id === 0 ? null : item.variant_id });

/** What the cart's use cases share: the repository, the settings and the priced view of a cart. */
export function createCartCore(deps: CartServiceDeps) {
  const repository = createCartRepository(deps.db);
  const { settings } = deps;

  /** The priced view of cart lines from their quotes (no database work: a changed line is re-viewed from the same quotes). */
  const viewOf = (items: readonly CartItemRecord[], quotes: ReadonlyMap<string, ItemQuote>): { view: CartView; issues: CartIssue[] } => {
    const lines: CartLine[] = [];
    const issues: CartIssue[] = [];
    for (const item of items) {
      const quote = quotes.get(itemKey(toRef(item)));
      if (!quote) {
        issues.push({ kind: 'gone' });
        continue;
      }
      const quantity = Math.min(item.quantity, quote.stock);
      if (quote.stock === 0) issues.push({ kind: 'sold_out', title: quote.title, variantTitle: quote.variantTitle });
      else if (quantity < item.quantity) issues.push({ kind: 'reduced', title: quote.title, variantTitle: quote.variantTitle, from: item.quantity, to: quantity });
      if (quote.unitPriceMinor !== item.price_seen_minor && quote.stock > 0) {
        issues.push({ kind: 'price_changed', title: quote.title, variantTitle: quote.variantTitle, fromMinor: item.price_seen_minor, toMinor: quote.unitPriceMinor });
      }
      if (quantity === 0) continue;
      lines.push({
        itemId: item.id,
        productId: item.product_id,
        variantId: quote.variantId,
        title: quote.title,
        variantTitle: quote.variantTitle,
        quantity,
        unitPriceMinor: quote.unitPriceMinor,
        lineTotalMinor: quote.unitPriceMinor * quantity,
        stock: quote.stock,
      });
    }
    const view: CartView = {
      lines,
      currency: deps.currency,
      totalMinor: lines.reduce((sum, line) => sum + line.lineTotalMinor, 0),
      units: lines.reduce((sum, line) => sum + line.quantity, 0),
    };
    return { view, issues };
  };

  /** The user's cart lines with today's quotes: one read of the lines, one quote of their items. */
  const readCart = async (userId: number, locale: Locale): Promise<{ items: CartItemRecord[]; quotes: Map<string, ItemQuote> }> => {
    const items = await repository.listItems(userId);
    return { items, quotes: await deps.catalog.quote(items.map(toRef), locale) };
  };

  const buildView = async (userId: number, locale: Locale): Promise<{ view: CartView; items: CartItemRecord[]; issues: CartIssue[] }> => {
    const { items, quotes } = await readCart(userId, locale);
    return { ...viewOf(items, quotes), items };
  };

  const deliveryFee = (itemsTotalMinor: number, delivery: DeliveryChoice | undefined): number => {
    if (delivery?.method !== 'courier') return 0;
    const freeFrom = settings.courier.freeFrom;
    if (freeFrom !== undefined && itemsTotalMinor >= toMinor(freeFrom, deps.currency)) return 0;
    return toMinor(settings.courier.fee, deps.currency);
  };

  /** An order's `details` naming its pickup point per language; null for a courier or a point no longer configured. */
  const pickupDetails = (delivery: DeliveryChoice): { pickupPointNames: Record<Locale, string> } | null => {
    if (delivery.method !== 'pickup' || !delivery.pickupPoint) return null;
    const point = settings.pickupPoints.find((candidate) => pickupPointName(candidate, deps.defaultLocale, deps.defaultLocale) === delivery.pickupPoint);
    return point ? { pickupPointNames: pickupPointNames(point, deps.defaultLocale) } : null;
  };

  const quoteOf = (view: CartView, delivery: DeliveryChoice | undefined): CheckoutQuote => {
    const fee = deliveryFee(view.totalMinor, delivery);
    const total = view.totalMinor + fee;
    const signature = [...view.lines.map((line) => `${line.productId}:${line.variantId ?? 0}:${line.quantity}:${line.unitPriceMinor}`), `fee:${fee}`, `total:${total}`].join('|');
    return { view, deliveryFeeMinor: fee, totalMinor: total, signature };
  };

  return { deps, repository, settings, readCart, viewOf, buildView, pickupDetails, quoteOf };
}

/** What the cart's use cases share. */
export type CartCore = ReturnType<typeof createCartCore>;
