import { z } from 'zod';
import { startOfDayMs } from '../../config/dates.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { DASHBOARD_READERS, type AdminApiDeps } from './admin.api.ts';

const moneySchema = z.object({ currency: z.string(), totalMinor: z.number() });

const periodSchema = z.object({
  key: z.enum(['today', '7d', '30d']),
  fromMs: z.number(),
  newUsers: z.number(),
  activeUsers: z.number(),
  orders: z.number().nullable(),
  customers: z.number().nullable(),
  revenue: z.array(moneySchema),
  averageOrder: z.array(moneySchema),
  conversion: z.number().nullable().describe('Share of active users who ordered, 0–1'),
});

/** What needs the staff's attention: transfers to confirm, a gateway down, a broadcast running. */
async function alerts(deps: AdminApiDeps): Promise<{ kind: string; count?: number; detail?: string }[]> {
  const { services } = deps;
  const found: { kind: string; count?: number; detail?: string }[] = [];
  if (services.payments) {
    const pending = await services.payments.listRecent(200, 0, 'pending');
    const waiting = pending.filter((payment) => payment.provider === 'manual' && payment.receipt_file_id !== null).length;
    if (waiting > 0) found.push({ kind: 'manual_topups', count: waiting });
  }
  for (const check of deps.runtime.readiness().filter((item) => item.name.startsWith('payments.'))) {
    const result = await check.check().catch((error: unknown) => ({ ok: false, detail: (error as Error).message }));
    if (!result.ok || /circuit (open|half)/.test(result.detail ?? '')) found.push({ kind: 'gateway_circuit', detail: `${check.name}: ${result.detail ?? 'down'}` });
  }
  if (services.broadcasts) {
    const sending = (await services.broadcasts.list(20)).filter((row) => row.status === 'sending');
    if (sending.length > 0) found.push({ kind: 'broadcast_running', count: sending.length });
  }
  return found;
}

/** The dashboard: users, orders, revenue and conversion, the last 30 days, and what needs attention. */
export function dashboardRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  const { services } = deps;
  return [
    route({
      method: 'GET',
      url: '/dashboard',
      tag: 'dashboard',
      summary: 'Users, orders, revenue and conversion for today, 7 and 30 days; daily series; recent orders; alerts',
      staffRoles: DASHBOARD_READERS,
      response: z.object({ periods: z.array(periodSchema) }).loose(),
      handler: async () => {
        const users = services.users;
        const nowMs = deps.now();
        const orders = services.orders;
        const board = orders ? await orders.dashboard() : undefined;
        const dayMs = 86_400_000;
        const starts: [('today' | '7d' | '30d'), number][] = board
          ? board.periods.map((period) => [period.key, period.fromMs])
          : [['today', startOfDayMs(nowMs, deps.config.business.timeZone)], ['7d', nowMs - 7 * dayMs], ['30d', nowMs - 30 * dayMs]];
        const periods = [];
        for (const [key, fromMs] of starts) {
          const fromOrders = board?.periods.find((period) => period.key === key);
          const activeUsers = await users.countActiveSince(fromMs);
          const ordersCount = fromOrders?.orders ?? null;
          const revenue = fromOrders?.revenue ?? [];
          periods.push({
            key,
            fromMs,
            newUsers: fromOrders?.newUsers ?? (await users.countSince(fromMs)),
            activeUsers,
            orders: ordersCount,
            customers: fromOrders?.customers ?? null,
            revenue,
            averageOrder: ordersCount ? revenue.map((item) => ({ currency: item.currency, totalMinor: Math.round(item.totalMinor / ordersCount) })) : [],
            conversion: fromOrders && activeUsers > 0 ? Math.min(1, fromOrders.customers / activeUsers) : null,
          });
        }
        // Thirty calendar days in the business's time zone, oldest first, for the charts.
        const today = startOfDayMs(nowMs, deps.config.business.timeZone);
        const series = [];
        for (let index = 29; index >= 0; index -= 1) {
          const sinceMs = today - index * dayMs;
          const untilMs = sinceMs + dayMs;
          const summary = orders ? await orders.windowSummary({ sinceMs, untilMs }) : undefined;
          series.push({
            dayMs: sinceMs,
            newUsers: await users.countNewBetween(sinceMs, untilMs),
            orders: summary?.orders ?? 0,
            revenueMinor: summary?.revenue.find((item) => item.currency === deps.config.business.currency)?.totalMinor ?? summary?.revenue[0]?.totalMinor ?? 0,
          });
        }
        const recent = orders ? (await orders.list({}, 1, 8)).orders : [];
        return {
          currency: deps.config.business.currency,
          usersTotal: board?.usersTotal ?? (await users.countAll()),
          periods,
          series,
          topProducts: board?.topProducts ?? [],
          recentOrders: recent.map((order) => ({
            id: order.id,
            number: order.number,
            status: order.status,
            customer: order.contact_name,
            userId: order.user_id,
            totalMinor: order.total_minor,
            currency: order.currency,
            createdAt: order.created_at,
          })),
          alerts: await alerts(deps),
        };
      },
    }),
  ];
}
