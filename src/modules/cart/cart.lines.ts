import { type Locale } from '../../config/business.ts';
import { itemKey, type ItemRef } from '../catalog/catalog.service.ts';
import { CartError, toRef, type CartCore, type CartView } from './cart.core.ts';

/** The cart's lines: viewing the cart, adding, changing and removing lines, emptying it. */
export function createCartLines(core: CartCore) {
  const { deps, repository, settings, readCart, viewOf, buildView } = core;
  return {
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
      // The whole cart in one read (it is a few lines at most): the line, if any, and the count of lines.
      const lines = await repository.listItems(userId);
      const existing = lines.find((line) => line.product_id === ref.productId && line.variant_id === (ref.variantId ?? 0));
      const next = (existing?.quantity ?? 0) + quantity;
      if (next > settings.maxQuantityPerLine) throw new CartError('cart.quantity_out_of_range', 'quantity out of range', { max: settings.maxQuantityPerLine });
      if (next > quote.stock) throw new CartError('cart.not_enough_stock', 'not enough stock', { available: quote.stock });
      if (!existing && lines.length >= settings.maxLines) {
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

    /**
     * {@link changeQuantity} for the cart screen, which shows the cart right after: the lines
     * and their quotes are read once, for the check and for the screen (`view`, in `locale`),
     * instead of once for each. Undefined when the line is not this user's.
     */
    async changeQuantityAndView(userId: number, itemId: number, delta: number, locale: Locale): Promise<{ quantity: number; view: CartView } | undefined> {
      const { items, quotes } = await readCart(userId, locale);
      const item = items.find((candidate) => candidate.id === itemId);
      if (!item) return undefined;
      const next = item.quantity + delta;
      if (next <= 0) {
        await repository.deleteItem(userId, itemId);
        return { quantity: 0, view: viewOf(items.filter((candidate) => candidate !== item), quotes).view };
      }
      if (next > settings.maxQuantityPerLine) throw new CartError('cart.quantity_out_of_range', 'quantity out of range', { max: settings.maxQuantityPerLine });
      if (delta > 0) {
        const quote = quotes.get(itemKey(toRef(item)));
        if (!quote) throw new CartError('cart.item_unavailable', 'the item cannot be sold', { itemId });
        if (next > quote.stock) throw new CartError('cart.not_enough_stock', 'not enough stock', { available: quote.stock });
      }
      await repository.updateItem(itemId, { quantity: next }, deps.now());
      const changed = items.map((candidate) => (candidate === item ? { ...candidate, quantity: next } : candidate));
      return { quantity: next, view: viewOf(changed, quotes).view };
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
  };
}
