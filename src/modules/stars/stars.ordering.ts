import type { Transaction } from 'kysely';
import { type Locale } from '../../config/business.ts';
import type { Database } from '../../db/schema.ts';
import type { Order } from '../orders/orders.service.ts';
import { createStarsRepository } from './stars.repository.ts';
import { STARS_KIND } from './stars.status.ts';
import { type StarsOrder } from './stars.tables.ts';
import { StarsError, type StarsCore } from './stars.core.ts';

/** Ordering Stars: the packages and prices, and creating an order awaiting payment. */
export function createStarsOrdering(core: StarsCore) {
  const { deps, i18n, settings, priceOf } = core;
  return {
    priceOf,
    settings,

    /** Whether `stars` is a package or within the custom bounds. */
    isValidAmount(stars: number): boolean {
      return settings.packages.includes(stars) || (settings.custom !== null && Number.isInteger(stars) && stars >= settings.custom.min && stars <= settings.custom.max);
    },

    /** Creates an order awaiting payment. */
    async createOrder(input: { userId: number; stars: number; recipient: string; locale: Locale }): Promise<StarsOrder> {
      if (!this.isValidAmount(input.stars)) throw new StarsError('stars.invalid_amount', 'not a package or outside the custom bounds', { stars: input.stars });
      const recipient = input.recipient.trim().replace(/^@/, '');
      if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(recipient)) throw new StarsError('stars.invalid_recipient', 'not a Telegram username', { recipient });
      const priceMinor = priceOf(input.stars);
      const customer = await deps.customer(input.userId);
      const contactName = (customer.username ? `${customer.name} (@${customer.username})` : customer.name).slice(0, 200) || String(input.userId);
      // One line naming what is sold in every language, so each reader of the order list reads it in theirs.
      const titleIn = (locale: Locale) => i18n.t(locale, 'stars-order-line-title', { stars: input.stars, recipient: `@${recipient}` });
      const titles = Object.fromEntries(i18n.locales.map((locale) => [locale, { title: titleIn(locale) }]));
      let placed: StarsOrder | undefined;
      // The order of the orders module and the purchase commit together, or neither does.
      await deps.orders.place(
        {
          kind: STARS_KIND,
          userId: input.userId,
          currency: deps.currency,
          lines: [{ kind: 'item', title: titleIn(deps.staffLocale), titles, unitPriceMinor: priceMinor, quantity: 1 }],
          contactName,
          paymentMethod: 'online',
        },
        {
          inTransaction: async (trx, order) => {
            placed = await insertPurchase(trx, order);
          },
        },
      );
      return placed as StarsOrder;

      async function insertPurchase(trx: Transaction<Database>, order: Order): Promise<StarsOrder> {
        const nowMs = order.created_at;
        const scoped = createStarsRepository(trx);
        const purchase = await scoped.insert({
          order_id: order.id,
          order_number: order.number,
          user_id: input.userId,
          recipient,
          stars: input.stars,
          price_minor: priceMinor,
          currency: deps.currency,
          status: 'awaiting_payment',
          payment_id: null,
          fulfilment_ref: null,
          failure_reason: null,
          locale: input.locale,
          created_at: nowMs,
          updated_at: nowMs,
          expires_at: nowMs + settings.orderTtlMinutes * 60_000,
          paid_at: null,
          delivered_at: null,
        });
        await scoped.addHistory({ order_id: purchase.id, from_status: null, to_status: 'awaiting_payment', actor_type: 'user', actor_id: String(input.userId), note: null, at: nowMs });
        return purchase;
      }
    },
  };
}
