import type { Locale } from '../../config/business.ts';
import { formatDateTime } from '../../config/dates.ts';
import { formatMoney } from '../../config/money.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { StarsOrder, StarsOrderStatus } from './stars.tables.ts';

/** The number people read for a Stars order: the orders module's (`S-1001`), or `#7` for purchases made before. */
export function starsOrderNumber(order: Pick<StarsOrder, 'id' | 'order_number'>): string {
  return order.order_number ?? `#${order.id}`;
}

/** `<`, `>` and `&` escaped for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Who ordered, as staff read it: a name, and the @username when there is one. */
export interface StarsCustomer {
  id: number;
  name: string;
  username: string | null;
}

/**
 * A link to the customer for staff (HTML): their name opening their profile (`tg://user?id=`,
 * which works without a username), followed by the @username when they have one.
 */
export function customerLinkHtml(customer: StarsCustomer): string {
  const name = `<a href="tg://user?id=${customer.id}">${escapeHtml(customer.name || String(customer.id))}</a>`;
  return customer.username ? `${name} (@${escapeHtml(customer.username)})` : name;
}

/** Texts of Stars orders for staff: one card, in the reader's language, with times in the business's time zone. */
export function createStarsMessages(deps: { i18n: Translator; timeZone(): string }) {
  const { i18n } = deps;
  const statusLabel = (status: StarsOrderStatus, locale: Locale) => i18n.t(locale, `stars-state-${status.replace('_', '-')}`);
  return {
    statusLabel,
    /** A message in `locale`. */
    t: (locale: Locale, key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args),

    /**
     * The staff card of an order (HTML): its number and status, the customer as a link, the
     * Stars and their recipient, the amount in the business currency, how it is paid (the
     * payments module's label of the method, when known) and when it was placed.
     */
    staffCardHtml(order: StarsOrder, customer: StarsCustomer, locale: Locale, method?: string): string {
      const lines = [
        i18n.t(locale, 'stars-card-title', { number: starsOrderNumber(order), status: statusLabel(order.status, locale) }),
        i18n.t(locale, 'stars-card-customer', { customer: customerLinkHtml(customer) }),
        i18n.t(locale, 'stars-card-stars', { stars: order.stars, recipient: `@${escapeHtml(order.recipient)}` }),
        i18n.t(locale, 'stars-card-amount', { amount: formatMoney(order.price_minor, order.currency, locale) }),
      ];
      if (method) lines.push(i18n.t(locale, 'stars-card-method', { method: escapeHtml(method) }));
      lines.push(i18n.t(locale, 'stars-card-placed', { at: formatDateTime(order.created_at, locale, deps.timeZone()) }));
      return lines.join('\n');
    },
  };
}

/** The staff texts' shape. */
export type StarsMessages = ReturnType<typeof createStarsMessages>;
