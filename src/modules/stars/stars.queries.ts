import { type Locale } from '../../config/business.ts';
import { STARS_PAID_STATUSES } from './stars.status.ts';
import { STARS_ORDER_STATUSES, type StarsOrder, type StarsOrderStatus } from './stars.tables.ts';
import { type StarsCore } from './stars.core.ts';

/** Reading purchases: staff figures, the staff card, lookups and listings. */
export function createStarsQueries(core: StarsCore) {
  const { repository, messages, staffCardOf } = core;
  return {
    /**
     * Staff figures since `sinceMs`: Stars sold (delivered) and their revenue, what customers
     * paid for (delivered or still on its way), and orders per status.
     */
    async figures(sinceMs: number): Promise<{ starsSold: number; deliveredOrders: number; revenue: { currency: string; totalMinor: number }[]; byStatus: { status: StarsOrderStatus; orders: number }[] }> {
      const rows = await repository.totalsByStatus(sinceMs);
      const revenue = new Map<string, number>();
      const byStatus = new Map<StarsOrderStatus, number>();
      let starsSold = 0;
      let deliveredOrders = 0;
      for (const row of rows) {
        byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.orders);
        if (row.status === 'delivered') {
          starsSold += row.stars;
          deliveredOrders += row.orders;
        }
        if ((STARS_PAID_STATUSES as readonly string[]).includes(row.status)) revenue.set(row.currency, (revenue.get(row.currency) ?? 0) + row.priceMinor);
      }
      return {
        starsSold,
        deliveredOrders,
        revenue: [...revenue].map(([currency, totalMinor]) => ({ currency, totalMinor })),
        byStatus: STARS_ORDER_STATUSES.filter((status) => byStatus.has(status)).map((status) => ({ status, orders: byStatus.get(status) ?? 0 })),
      };
    },

    /** The staff card of a purchase (HTML), in `locale`. */
    async staffCard(order: StarsOrder, locale: Locale): Promise<string> {
      return (await staffCardOf(order))(locale);
    },

    messages,
    findByOrderId: repository.findByOrderId,
    get: repository.find,
    history: repository.history,
    listForUser: repository.listForUser,
    listRecent: repository.listRecent,
  };
}
