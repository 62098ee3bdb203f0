import { startOfDayMs } from '../../config/dates.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import type { OrderFilter } from './orders.repository.ts';
import type { OrderLineRecord } from './orders.tables.ts';
import { OrdersError, type Order, type OrderDetail, type PeriodStats, type Dashboard, type OrdersCore } from './orders.core.ts';

/** What staff, customers and reports read: one order, lists, totals, exports and the dashboard. */
export function createOrdersQueries(core: OrdersCore) {
  const { deps, repository, funnels, machineOf, allStatuses, machinesOf, revenueOf, withLines } = core;
  const queries = {
    async get(id: number): Promise<Order | undefined> {
      const row = await repository.findById(id);
      return row ? withLines(row) : undefined;
    },

    /** An order by its number, typed in any case (`a-1042`). */
    async getByNumber(raw: string): Promise<Order | undefined> {
      const number = raw.trim().toUpperCase();
      if (!/^[A-Z]{1,4}-\d{1,12}$/.test(number)) return undefined;
      const row = await repository.findByNumber(number);
      return row ? withLines(row) : undefined;
    },

    async detail(id: number): Promise<OrderDetail | undefined> {
      const order = await queries.get(id);
      return order ? { ...order, history: await repository.historyOf(id) } : undefined;
    },

    /** A customer's orders, newest first, one page. */
    async listForUser(userId: number, page: number, pageSize: number): Promise<{ orders: Order[]; window: PageWindow }> {
      return queries.list({ userId }, page, pageSize);
    },

    /** Orders matching a filter, one page: newest first, or by total or status (in its life order) when `sort` says. */
    async list(filter: OrderFilter, page: number, pageSize: number, sort?: { by: 'created' | 'total' | 'status'; direction: 'asc' | 'desc' }): Promise<{ orders: Order[]; window: PageWindow }> {
      const statusOrder = sort?.by === 'status' ? (filter.kind === undefined ? allStatuses() : machineOf(filter.kind).statuses) : undefined;
      const order = sort ? { ...sort, statusOrder } : undefined;
      // The page asked for and the total in one read; a page past the end (a stale button:
      // orders went away since) is counted and read again as the last page.
      const asked = pageWindow(Number.MAX_SAFE_INTEGER, page, pageSize);
      const first = await repository.listCounted(filter, asked.offset, asked.limit, order);
      const window = pageWindow(first.total ?? (await repository.count(filter)), page, pageSize);
      const rows = window.offset === asked.offset ? first.rows : await repository.list(filter, window.offset, window.limit, order);
      const lines = await repository.linesOf(rows.map((row) => row.id));
      return { orders: rows.map((row) => ({ ...row, lines: lines.filter((line) => line.order_id === row.id) })), window };
    },

    /**
     * Orders matching a filter, newest first, `limit` at a time from before the order
     * `startingAfter` (a cursor, as the integration API pages): a page does not shift when
     * orders come in meanwhile.
     */
    async page(filter: OrderFilter, cursor: { limit: number; startingAfter?: number | undefined }): Promise<{ orders: Order[]; hasMore: boolean }> {
      const rows = await repository.listBefore(filter, cursor.startingAfter, cursor.limit + 1);
      const shown = rows.slice(0, cursor.limit);
      const lines = Map.groupBy(await repository.linesOf(shown.map((row) => row.id)), (line) => line.order_id);
      return { orders: shown.map((row) => ({ ...row, lines: lines.get(row.id) ?? [] })), hasMore: rows.length > cursor.limit };
    },

    /** The sum of the totals of orders matching a filter, per currency (statistics of one kind). */
    async totals(filter: OrderFilter): Promise<{ currency: string; totalMinor: number }[]> {
      return (await repository.revenue(filter, [])).map(({ currency, totalMinor }) => ({ currency, totalMinor }));
    },

    /** Every order matching a filter with its lines, newest first, for exports; at most `limit`. */
    async exportOrders(filter: OrderFilter, limit = 50_000): Promise<Order[]> {
      const rows = await repository.list(filter, 0, limit);
      const lines: OrderLineRecord[] = [];
      // Chunked: SQLite limits the number of bound parameters in one IN list.
      for (let index = 0; index < rows.length; index += 500) {
        lines.push(...(await repository.linesOf(rows.slice(index, index + 500).map((row) => row.id))));
      }
      const byOrder = Map.groupBy(lines, (line) => line.order_id);
      return rows.map((row) => ({ ...row, lines: byOrder.get(row.id) ?? [] }));
    },

    /** Customers who ordered within the last `days` days, for broadcast segments. */
    async customersWithinDays(days: number): Promise<number[]> {
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new OrdersError('orders.invalid_days', 'days must be a whole number from 1 to 3650');
      return repository.userIdsOrderedSince(deps.now() - days * 86_400_000);
    },

    /**
     * Orders placed in a window and their revenue (void statuses excluded), for the daily
     * report: of one kind, or of every kind (each without its own void statuses) by default.
     */
    async windowSummary(window: { sinceMs: number; untilMs: number }, kind?: string): Promise<{ orders: number; waiting: number; revenue: { currency: string; totalMinor: number }[] }> {
      const filter: OrderFilter = { kind, fromMs: window.sinceMs, toMs: window.untilMs };
      let waiting = 0;
      // Orders still waiting for staff, whenever they were placed.
      for (const machine of machinesOf(kind)) waiting += await repository.count({ kind: machine.kind, statuses: [machine.initial] });
      return { orders: await repository.count(filter), waiting, revenue: await revenueOf(filter, kind) };
    },

    /**
     * Users, orders, revenue and conversion for today, 7 and 30 days, and the best sellers: of
     * one kind, or of every kind the business sells (the default).
     */
    async dashboard(kind?: string): Promise<Dashboard> {
      const nowMs = deps.now();
      const voids = [...new Set(machinesOf(kind).flatMap((machine) => machine.voidStatuses))];
      const dayMs = 24 * 3600_000;
      const today = startOfDayMs(nowMs, deps.timeZone());
      const starts: [PeriodStats['key'], number][] = [
        ['today', today],
        ['7d', nowMs - 7 * dayMs],
        ['30d', nowMs - 30 * dayMs],
      ];
      const periods: PeriodStats[] = [];
      for (const [key, fromMs] of starts) {
        const filter: OrderFilter = { kind, fromMs };
        const funnel: { name: string; users: number }[] = [];
        for (const source of funnels) funnel.push({ name: source.name, users: await source.usersSince(fromMs) });
        const customers = await repository.countCustomers(filter);
        periods.push({
          key,
          fromMs,
          newUsers: await deps.users.countSince(fromMs),
          orders: await repository.count(filter),
          customers,
          revenue: await revenueOf(filter, kind),
          funnel,
        });
      }
      return {
        usersTotal: await deps.users.countAll(),
        periods,
        // Only catalogue products are ranked, so the void statuses of every kind can apply at once.
        topProducts: await repository.topProducts({ kind, fromMs: nowMs - 30 * dayMs }, voids, 5),
      };
    },
  };
  return queries;
}
