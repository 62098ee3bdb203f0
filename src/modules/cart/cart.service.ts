import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import type { Db } from '../../db/database.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { CatalogError } from '../catalog/catalog.errors.ts';
import { itemKey, type CatalogService, type ItemRef } from '../catalog/catalog.service.ts';
import type { LineTitles } from '../orders/orders.lines.ts';
import type { Order, OrderLineInput, OrdersService } from '../orders/orders.service.ts';
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

const toRef = (item: CartItemRecord): ItemRef => ({ productId: item.product_id, variantId: item.variant_id === 0 ? null : item.variant_id });

/** The cart: lines in the database, bounded quantities, re-checks before ordering, checkout. */
export function createCartService(deps: CartServiceDeps) {
  const repository = createCartRepository(deps.db);
  const { settings } = deps;

  const buildView = async (userId: number, locale: Locale): Promise<{ view: CartView; items: CartItemRecord[]; issues: CartIssue[] }> => {
    const items = await repository.listItems(userId);
    const quotes = await deps.catalog.quote(items.map(toRef), locale);
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
    return { view, items, issues };
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

  const service = {
    settings,
    /** The business's language: pickup points and order lines are kept by their names in it. */
    defaultLocale: deps.defaultLocale,

    /** The cart with today's names and prices; lines no longer sellable are left out. */
    async view(userId: number, locale: Locale): Promise<CartView> {
      return (await buildView(userId, locale)).view;
    },

    /**
     * Adds `quantity` of an item. Refuses an item that cannot be sold (`cart.item_unavailable`),
     * more than the stock (`cart.not_enough_stock`), more than the per-line limit
     * (`cart.quantity_out_of_range`) or one line too many (`cart.too_many_lines`).
     * Returns the line's new quantity and the item's name in `locale`.
     */
    async add(userId: number, ref: ItemRef, quantity = 1, locale: Locale = deps.defaultLocale): Promise<{ quantity: number; title: string }> {
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > settings.maxQuantityPerLine) {
        throw new CartError('cart.quantity_out_of_range', 'quantity out of range', { max: settings.maxQuantityPerLine });
      }
      const quote = (await deps.catalog.quote([ref], locale)).get(itemKey(ref));
      if (!quote) throw new CartError('cart.item_unavailable', 'the item cannot be sold', { ...ref });
      const existing = await repository.findLine(userId, ref.productId, ref.variantId ?? 0);
      const next = (existing?.quantity ?? 0) + quantity;
      if (next > settings.maxQuantityPerLine) throw new CartError('cart.quantity_out_of_range', 'quantity out of range', { max: settings.maxQuantityPerLine });
      if (next > quote.stock) throw new CartError('cart.not_enough_stock', 'not enough stock', { available: quote.stock });
      if (!existing && (await repository.countLines(userId)) >= settings.maxLines) {
        throw new CartError('cart.too_many_lines', 'the cart is full', { max: settings.maxLines });
      }
      const nowMs = deps.now();
      if (existing) await repository.updateItem(existing.id, { quantity: next, price_seen_minor: quote.unitPriceMinor }, nowMs);
      else await repository.insertItem({ user_id: userId, product_id: ref.productId, variant_id: ref.variantId ?? 0, quantity, price_seen_minor: quote.unitPriceMinor }, nowMs);
      await repository.recordAddition(userId, ref.productId, nowMs);
      return { quantity: next, title: quote.variantTitle ? `${quote.title} (${quote.variantTitle})` : quote.title };
    },

    /**
     * Changes a line by `delta` units (+1 / −1). Reaching 0 removes the line. Undefined when
     * the line is not this user's (a stale or forged button).
     */
    async changeQuantity(userId: number, itemId: number, delta: number): Promise<{ quantity: number } | undefined> {
      const item = await repository.findItem(userId, itemId);
      if (!item) return undefined;
      const next = item.quantity + delta;
      if (next <= 0) {
        await repository.deleteItem(userId, itemId);
        return { quantity: 0 };
      }
      if (next > settings.maxQuantityPerLine) throw new CartError('cart.quantity_out_of_range', 'quantity out of range', { max: settings.maxQuantityPerLine });
      if (delta > 0) {
        const quote = (await deps.catalog.quote([toRef(item)], deps.defaultLocale)).get(itemKey(toRef(item)));
        if (!quote) throw new CartError('cart.item_unavailable', 'the item cannot be sold', { itemId });
        if (next > quote.stock) throw new CartError('cart.not_enough_stock', 'not enough stock', { available: quote.stock });
      }
      await repository.updateItem(itemId, { quantity: next }, deps.now());
      return { quantity: next };
    },

    /** Removes a line; false when it was not this user's. */
    remove(userId: number, itemId: number): Promise<boolean> {
      return repository.deleteItem(userId, itemId);
    },

    /** Empties the cart. */
    clear(userId: number): Promise<number> {
      return repository.clear(userId);
    },

    /** Whether a line belongs to the user (to tell a stale button from a live one). */
    async owns(userId: number, itemId: number): Promise<boolean> {
      return (await repository.findItem(userId, itemId)) !== undefined;
    },

    /**
     * Re-checks the cart against the catalogue before ordering and brings it up to date:
     * removed products and sold-out lines leave the cart, quantities shrink to the stock, and
     * the prices shown become the prices seen. Returns what changed, for the customer to read.
     */
    async review(userId: number, locale: Locale, delivery?: DeliveryChoice): Promise<{ issues: CartIssue[]; quote: CheckoutQuote }> {
      const { view, items, issues } = await buildView(userId, locale);
      const nowMs = deps.now();
      const kept = new Map(view.lines.map((line) => [line.itemId, line]));
      for (const item of items) {
        const line = kept.get(item.id);
        if (!line) await repository.deleteItem(userId, item.id);
        else if (line.quantity !== item.quantity || line.unitPriceMinor !== item.price_seen_minor) {
          await repository.updateItem(item.id, { quantity: line.quantity, price_seen_minor: line.unitPriceMinor }, nowMs);
        }
      }
      return { issues, quote: quoteOf(view, delivery) };
    },

    /**
     * Places the order if the cart still matches the quote the customer confirmed. Stock is
     * taken and the cart emptied in the order's own transaction; if another customer took
     * the last unit a moment earlier, nothing is written and the new quote comes back.
     */
    async checkout(input: CheckoutInput): Promise<CheckoutResult> {
      const reviewed = await service.review(input.userId, input.locale, input.delivery);
      if (reviewed.quote.view.lines.length === 0) return { status: 'empty' };
      if (reviewed.issues.length > 0 || reviewed.quote.signature !== input.expectedSignature) {
        return { status: 'changed', issues: reviewed.issues, quote: reviewed.quote };
      }
      const lines = reviewed.quote.view.lines;
      const refs = lines.map((line) => ({ productId: line.productId, variantId: line.variantId }));
      // Every language's names are captured now, so the order reads the same later whatever
      // happens to the catalogue, and each reader (customer, staff, export) sees their own.
      const names = new Map<Locale, Map<string, { title: string; variantTitle: string | null }>>();
      for (const locale of SUPPORTED_LOCALES) names.set(locale, await deps.catalog.quote(refs, locale));
      const titlesOf = (ref: ItemRef): LineTitles =>
        Object.fromEntries(
          SUPPORTED_LOCALES.flatMap((locale) => {
            const quote = names.get(locale)?.get(itemKey(ref));
            return quote ? [[locale, { title: quote.title, variantTitle: quote.variantTitle }]] : [];
          }),
        );
      const orderLines: OrderLineInput[] = lines.map((line) => {
        const titles = titlesOf(line);
        const own = titles[deps.defaultLocale];
        return {
          kind: 'product',
          productId: line.productId,
          variantId: line.variantId,
          title: own?.title ?? line.title,
          variantTitle: own?.variantTitle ?? line.variantTitle,
          titles,
          unitPriceMinor: line.unitPriceMinor,
          quantity: line.quantity,
        };
      });
      if (reviewed.quote.deliveryFeeMinor > 0) {
        orderLines.push({
          kind: 'fee',
          title: deps.i18n.t(deps.defaultLocale, 'cart-delivery-fee-line'),
          variantTitle: null,
          titles: Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, { title: deps.i18n.t(locale, 'cart-delivery-fee-line'), variantTitle: null }])),
          unitPriceMinor: reviewed.quote.deliveryFeeMinor,
          quantity: 1,
        });
      }
      try {
        const order = await deps.orders.place(
          {
            kind: 'shop',
            userId: input.userId,
            currency: deps.currency,
            lines: orderLines,
            contactName: input.contactName,
            contactPhone: input.contactPhone,
            delivery: { method: input.delivery.method, address: input.delivery.address ?? null, pickupPoint: input.delivery.pickupPoint ?? null },
            // The point's name in every language goes with the order, for each reader's order card.
            details: pickupDetails(input.delivery),
            comment: input.comment,
            // Paying online is offered once the order exists; until then it is paid on delivery.
            paymentMethod: deps.initialPaymentMethod?.() ?? 'on_delivery',
          },
          {
            inTransaction: async (trx) => {
              await deps.catalog.reserveStock(
                trx,
                lines.map((line) => ({ productId: line.productId, variantId: line.variantId, quantity: line.quantity })),
              );
              await createCartRepository(trx).clear(input.userId);
            },
          },
        );
        return { status: 'placed', order };
      } catch (error) {
        if (!(error instanceof CatalogError) || error.code !== 'catalog.out_of_stock') throw error;
        const again = await service.review(input.userId, input.locale, input.delivery);
        return { status: 'changed', issues: again.issues, quote: again.quote };
      }
    },

    /** The quote for a delivery choice, without changing the cart. */
    async quote(userId: number, locale: Locale, delivery?: DeliveryChoice): Promise<CheckoutQuote> {
      return quoteOf((await buildView(userId, locale)).view, delivery);
    },

    /** Users who left items in their cart untouched for at least `days` days (broadcast segment). */
    async abandonedForDays(days: number): Promise<number[]> {
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new CartError('cart.invalid_days', 'days must be a whole number from 1 to 365');
      return repository.userIdsWithCartIdleSince(deps.now() - days * 86_400_000);
    },

    /** Distinct users who added anything to a cart since `sinceMs`. */
    usersAddingSince(sinceMs: number): Promise<number> {
      return repository.countUsersAddingSince(sinceMs);
    },
  };
  return service;
}

/** The cart service's shape. */
export type CartService = ReturnType<typeof createCartService>;
