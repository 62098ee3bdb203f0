import { Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import type { ReportSource } from '../reports/reports.types.ts';
import { statusOf, type OrdersComposerDeps } from './orders.bot.shared.ts';
import { registerCustomerOrders } from './orders.customer.bot.ts';
import { buildOrderExport, exportOrderFilter } from './orders.export.ts';
import { lineNameIn } from './orders.lines.ts';
import { registerOrderPayment } from './orders.pay.bot.ts';
import { registerStaffStatus } from './orders.staff.bot.ts';
import { registerTrackOrder } from './orders.track.bot.ts';

export { orderPayData, type OrdersComposerDeps } from './orders.bot.shared.ts';
export { orderPaymentScreen } from './orders.pay.bot.ts';

/**
 * Orders in the bot: `/my_orders`, `/track_order`, paying an unpaid order (or choosing to pay
 * on delivery), customer cancellation, staff status buttons on order alerts (a refund of an
 * order paid online refunds its payment), `/stats` and `/export` for admins.
 */
export function createOrdersComposer(deps: OrdersComposerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  registerCustomerOrders(composer, deps);
  registerOrderPayment(composer, deps);
  registerTrackOrder(composer, deps);
  registerStaffStatus(composer, deps);
  return composer;
}

/**
 * The orders module's part of the staff commands `/stats` and `/export` (see the reports
 * module): users, orders, revenue and conversion for today, 7 and 30 days with the best
 * sellers and each kind's own figures (print jobs, Stars); and the orders of every kind as a
 * CSV and an XLSX.
 */
export function createOrdersReport(deps: Pick<OrdersComposerDeps, 'orders' | 'messages' | 'screens' | 'timeZone' | 'now' | 'currency'>): ReportSource {
  const { orders } = deps;
  return {
    name: 'orders',
    async stats(reader) {
      // Every kind the business sells; kinds with their own figures add them below.
      const dashboard = await orders.dashboard();
      const sections: string[][] = [];
      for (const screens of deps.screens.values()) if (screens.stats) sections.push(await screens.stats(reader.locale));
      const money = (list: { currency: string; totalMinor: number }[]) =>
        list.length === 0 ? formatMoney(0, deps.currency, reader.locale) : list.map((item) => formatMoney(item.totalMinor, item.currency, reader.locale)).join(' + ');
      const lines = [reader.t('orders-stats-users-total', { count: dashboard.usersTotal }), ''];
      for (const period of dashboard.periods) {
        lines.push(reader.t(`orders-stats-period-${period.key}`));
        lines.push(reader.t('orders-stats-new-users', { count: period.newUsers }));
        lines.push(reader.t('orders-stats-orders', { count: period.orders, revenue: money(period.revenue) }));
        for (const step of period.funnel) {
          const rate = step.users === 0 ? '—' : `${Math.round((period.customers / step.users) * 1000) / 10}%`;
          lines.push(reader.t('orders-stats-conversion', { step: reader.t(`orders-stats-funnel-${step.name}`), users: step.users, customers: period.customers, rate }));
        }
        lines.push('');
      }
      // Best sellers are catalogue products: a business whose orders are all of other kinds skips an always empty list.
      if (dashboard.topProducts.length > 0 || sections.length === 0) {
        lines.push(reader.t('orders-stats-top'));
        if (dashboard.topProducts.length === 0) lines.push(reader.t('orders-stats-top-none'));
        dashboard.topProducts.forEach((product, index) => {
          lines.push(`${index + 1}. ${lineNameIn({ title: product.title, variant_title: null, titles: product.titles }, reader.locale).title} — ${product.quantity} · ${formatMoney(product.revenueMinor, product.currency, reader.locale)}`);
        });
      }
      for (const section of sections) {
        if (lines.at(-1) !== '') lines.push('');
        lines.push(...section);
      }
      return lines;
    },
    exportStatuses: () => orders.statuses(),
    async exportFiles(filter, reader) {
      // Orders of every kind: a business selling through several modules exports them together.
      const list = await orders.exportOrders(exportOrderFilter(filter));
      const files = await buildOrderExport(list, { t: (key) => reader.t(key), locale: reader.locale, timeZone: deps.timeZone(), statusText: (order) => statusOf(deps, order, reader.locale) });
      const stamp = new Date(deps.now()).toISOString().slice(0, 10);
      const name = `orders-${filter.periodLabel.replace(/[^0-9a-z.-]/gi, '_')}${filter.status ? `-${filter.status}` : ''}-${stamp}`;
      const caption = reader.t('orders-export-caption', { count: files.rows, period: filter.periodLabel, status: filter.status ?? '—' });
      return { name, csv: files.csv, xlsx: files.xlsx, rows: files.rows, caption };
    },
  };
}
