import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { CatalogError } from '../catalog/catalog.errors.ts';
import { itemKey, type ItemRef } from '../catalog/catalog.service.ts';
import type { LineTitles } from '../orders/orders.lines.ts';
import type { OrderLineInput } from '../orders/orders.service.ts';
import { createCartRepository } from './cart.repository.ts';
import { type CartCore, type CartIssue, type CheckoutInput, type CheckoutQuote, type CheckoutResult, type DeliveryChoice } from './cart.core.ts';

/** Ordering from the cart: re-checking it against the catalogue, quoting a delivery choice and checking out. */
export function createCartCheckout(core: CartCore) {
  const { deps, repository, buildView, pickupDetails, quoteOf } = core;
  const checkout = {
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
      const reviewed = await checkout.review(input.userId, input.locale, input.delivery);
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
        const again = await checkout.review(input.userId, input.locale, input.delivery);
        return { status: 'changed', issues: again.issues, quote: again.quote };
      }
    },

    /** The quote for a delivery choice, without changing the cart. */
    async quote(userId: number, locale: Locale, delivery?: DeliveryChoice): Promise<CheckoutQuote> {
      return quoteOf((await buildView(userId, locale)).view, delivery);
    },
  };

  return checkout;
}
