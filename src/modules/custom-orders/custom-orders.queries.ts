import type { DbExecutor } from '../../db/database.ts';
import type { PageWindow } from '../../telegram/paginator.ts';
import { startOfDayMs, type Order, type OrderChange } from '../orders/orders.service.ts';
import {
  PAID_STATUSES,
  PRINT_KIND,
  SUBSCRIBABLE_STATUSES,
  nextStatuses,
  type ActorRole,
  type CustomOrderStatus,
} from './custom-orders.status.ts';
import { CustomOrdersError, type OrderFile, type CustomOrder, type CustomOrderStats, type CustomOrderFilter, type CustomOrdersCore } from './custom-orders.core.ts';

/** What staff and customers read about jobs, and the customer's notification choices. */
export function createCustomOrdersQueries(core: CustomOrdersCore) {
  const { deps, repository, orders, toFile, compose, viewIn, subscriptionsIn } = core;
  const queries = {
    /** A print job by its order id; undefined for an unknown id or an order of another kind. */
    async get(orderId: number): Promise<CustomOrder | undefined> {
      const order = await orders.get(orderId);
      return order ? viewIn(deps.db, order) : undefined;
    },

    /** Print jobs matching a filter, newest first, one page, with their files. */
    async list(filter: CustomOrderFilter, page: number, pageSize: number): Promise<{ orders: CustomOrder[]; window: PageWindow }> {
      const listed = await orders.list({ kind: PRINT_KIND, userId: filter.userId, statuses: filter.statuses, fromMs: filter.fromMs, toMs: filter.toMs }, page, pageSize);
      const ids = listed.orders.map((order) => order.id);
      const jobs = await repository.jobsOf(ids);
      const files = await repository.filesOf(ids);
      const composed: CustomOrder[] = [];
      for (const order of listed.orders) {
        const job = jobs.find((item) => item.order_id === order.id);
        if (job) composed.push(compose(order, job, files.filter((file) => file.order_id === order.id)));
      }
      return { orders: composed, window: listed.window };
    },

    /** Where `role` may move the order next with a plain status change (prices have their own steps). */
    nextStatuses(order: Pick<CustomOrder, 'status'>, role: ActorRole): CustomOrderStatus[] {
      return nextStatuses(order.status, role).filter((status) => status !== 'quoted' && status !== 'awaiting_payment');
    },

    /** A file of an order with its bytes, for staff downloads. */
    async fileWithContent(orderId: number, fileId: number): Promise<{ file: OrderFile; content: Uint8Array; thumbnailPng: Uint8Array } | undefined> {
      const file = await repository.findFile(fileId);
      if (!file || file.order_id !== orderId) return undefined;
      const data = await repository.fileData(fileId);
      return data ? { file: toFile(file), content: data.content, thumbnailPng: data.thumbnail_png } : undefined;
    },

    /** Statuses the customer hears about (all subscribable ones until they choose). */
    subscriptionsOf(userId: number): Promise<CustomOrderStatus[]> {
      return subscriptionsIn(deps.db, userId);
    },

    /**
     * The `/subscribe` rule the orders service applies to print jobs: the customer hears about
     * what staff did, as they chose; a new price, a cancellation by staff and a refund always
     * go. What the customer did, or a payment did, they saw happen in the chat.
     */
    async notifiesCustomer(executor: DbExecutor, order: Order, change: OrderChange): Promise<boolean> {
      if (change.to === 'refunded') return true;
      if (change.actor.role !== 'staff') return false;
      if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(change.to)) return true;
      return (await subscriptionsIn(executor, order.user_id)).includes(change.to as CustomOrderStatus);
    },

    /** Turns notifications about one status on or off; returns the new list. */
    async toggleSubscription(userId: number, status: string): Promise<CustomOrderStatus[]> {
      if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(status)) {
        throw new CustomOrdersError('custom_orders.not_subscribable', `${status} cannot be chosen`, { status });
      }
      const current = await queries.subscriptionsOf(userId);
      const next = current.includes(status as CustomOrderStatus) ? current.filter((item) => item !== status) : [...current, status as CustomOrderStatus];
      await repository.saveSubscription(userId, JSON.stringify(next), deps.now());
      return SUBSCRIBABLE_STATUSES.filter((item) => next.includes(item));
    },

    /** Orders by status, and orders, paid orders, their revenue and money received today, in 7 and 30 days. */
    async stats(): Promise<CustomOrderStats> {
      const nowMs = deps.now();
      const dayMs = 24 * 3600_000;
      const periods: CustomOrderStats['periods'] = [];
      for (const [key, fromMs] of [
        ['today', startOfDayMs(nowMs, deps.timeZone())],
        ['7d', nowMs - 7 * dayMs],
        ['30d', nowMs - 30 * dayMs],
      ] as const) {
        periods.push({
          key,
          orders: await orders.count({ kind: PRINT_KIND, fromMs }),
          paidOrders: await orders.count({ kind: PRINT_KIND, fromMs, statuses: PAID_STATUSES }),
          revenue: await orders.totals({ kind: PRINT_KIND, fromMs, statuses: PAID_STATUSES }),
          received: (await deps.payments.paidSince(fromMs, deps.purpose)).map((item) => ({ currency: item.currency, amount: item.totalMinor, count: item.count })),
        });
      }
      return { byStatus: await orders.countByStatus({ kind: PRINT_KIND }), periods };
    },

  };
  return queries;
}
