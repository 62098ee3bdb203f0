// The owner's first screen: how the business did today, this week and this month, the trend
// over thirty days, what needs attention, and the latest orders.

import { useState } from 'react';
import { useResource } from '../api.ts';
import { LineChart, Sparkline } from '../components/charts.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Card, Empty, PageHeader, Segmented } from '../components/ui.tsx';
import { money, number, percent, day } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { OrderSummaryTable } from './Orders.tsx';

type Money = { currency: string; totalMinor: number };
interface Period {
  key: 'today' | '7d' | '30d';
  newUsers: number;
  activeUsers: number;
  orders: number | null;
  customers: number | null;
  revenue: Money[];
  averageOrder: Money[];
  conversion: number | null;
}
interface DashboardData {
  currency: string;
  usersTotal: number;
  periods: Period[];
  series: { dayMs: number; newUsers: number; orders: number; revenueMinor: number }[];
  topProducts: { productId: number; title: string; quantity: number; revenueMinor: number; currency: string }[];
  recentOrders: { id: number; number: string; status: string; customer: string; totalMinor: number; currency: string; createdAt: number }[];
  alerts: { kind: string; count?: number; detail?: string }[];
}

const PERIOD_DAYS: Record<Period['key'], number> = { today: 1, '7d': 7, '30d': 30 };

/** The dashboard page. */
export function DashboardPage() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const [periodKey, setPeriodKey] = useState<Period['key']>('7d');
  const resource = useResource<DashboardData>('/api/admin/dashboard');
  const hasOrders = me.modules.includes('orders');
  const tz = me.business.timeZone;

  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        subtitle={t('dashboard.subtitle', { name: me.staff.displayName })}
        actions={
          <Segmented
            label={t('dashboard.period')}
            value={periodKey}
            onChange={setPeriodKey}
            options={[
              { value: 'today', label: t('dashboard.today') },
              { value: '7d', label: t('dashboard.days7') },
              { value: '30d', label: t('dashboard.days30') },
            ]}
          />
        }
      />
      <Async resource={resource} rows={6}>
        {(data) => {
          const period = data.periods.find((item) => item.key === periodKey) ?? data.periods[0];
          if (!period) return null;
          const main = (list: Money[]) => list.find((item) => item.currency === data.currency) ?? list[0];
          const revenue = main(period.revenue);
          const average = main(period.averageOrder);
          const recent = data.series.slice(-PERIOD_DAYS[periodKey]);
          const tiles: { label: MessageKey; value: string; trend?: number[]; hint?: string }[] = [
            { label: 'dashboard.newUsers', value: number(period.newUsers, locale), trend: recent.map((item) => item.newUsers), hint: t('dashboard.usersTotal', { n: number(data.usersTotal, locale) }) },
            { label: 'dashboard.activeUsers', value: number(period.activeUsers, locale) },
            ...(hasOrders
              ? [
                  { label: 'dashboard.orders' as const, value: number(period.orders ?? 0, locale), trend: recent.map((item) => item.orders) },
                  { label: 'dashboard.revenue' as const, value: money(revenue?.totalMinor ?? 0, revenue?.currency ?? data.currency, locale), trend: recent.map((item) => item.revenueMinor) },
                  { label: 'dashboard.averageOrder' as const, value: average ? money(average.totalMinor, average.currency, locale, { whole: true }) : '—' },
                  { label: 'dashboard.conversion' as const, value: period.conversion === null ? '—' : percent(period.conversion, locale), hint: t('dashboard.conversionHint') },
                ]
              : []),
          ];
          const points = (pick: (item: DashboardData['series'][number]) => number) => data.series.map((item) => ({ label: day(item.dayMs, locale, tz), value: pick(item) }));
          return (
            <div className="stack">
              {data.alerts.length > 0 ? (
                <div className="alerts" role="region" aria-label={t('dashboard.alerts')}>
                  {data.alerts.map((alert, index) => (
                    <AlertRow key={index} alert={alert} />
                  ))}
                </div>
              ) : null}
              <div className="tiles tiles-dashboard">
                {tiles.map((tile) => (
                  <div key={tile.label} className="tile">
                    <span className="tile-label">{t(tile.label)}</span>
                    <strong className="tile-value">{tile.value}</strong>
                    {tile.trend && tile.trend.length > 1 ? <Sparkline values={tile.trend} /> : null}
                    {tile.hint ? <span className="tile-hint muted">{tile.hint}</span> : null}
                  </div>
                ))}
              </div>
              <div className="grid-2">
                {hasOrders ? (
                  <Card title={t('dashboard.revenueChart')}>
                    <LineChart points={points((item) => item.revenueMinor)} format={(value) => money(value, data.currency, locale)} axisFormat={(value) => money(value, data.currency, locale, { compact: true })} label={t('dashboard.revenue30')} />
                  </Card>
                ) : null}
                {hasOrders ? (
                  <Card title={t('dashboard.ordersChart')}>
                    <LineChart kind="bars" tone="violet" integer points={points((item) => item.orders)} format={(value) => number(value, locale, true)} label={t('dashboard.orders30')} />
                  </Card>
                ) : null}
                <Card title={t('dashboard.usersChart')}>
                  <LineChart tone="green" integer points={points((item) => item.newUsers)} format={(value) => number(value, locale, true)} label={t('dashboard.users30')} />
                </Card>
                {hasOrders ? (
                  <Card title={t('dashboard.topProducts')}>
                    {data.topProducts.length === 0 ? (
                      <Empty title={t('dashboard.noSales')} />
                    ) : (
                      <ol className="rank">
                        {data.topProducts.map((item) => (
                          <li key={item.productId}>
                            <span>{item.title}</span>
                            <span className="muted">× {number(item.quantity, locale)}</span>
                            <strong>{money(item.revenueMinor, item.currency, locale)}</strong>
                          </li>
                        ))}
                      </ol>
                    )}
                  </Card>
                ) : null}
              </div>
              {hasOrders ? (
                <Card title={t('dashboard.recentOrders')} actions={me.pages.includes('orders') ? <Link to="/orders">{t('dashboard.allOrders')} →</Link> : null} padded={false}>
                  {data.recentOrders.length === 0 ? (
                    <div className="card-body">
                      <Empty title={t('orders.empty')} hint={t('orders.emptyHint')} />
                    </div>
                  ) : (
                    <OrderSummaryTable orders={data.recentOrders} withCustomer />
                  )}
                </Card>
              ) : null}
            </div>
          );
        }}
      </Async>
    </>
  );
}

function AlertRow(props: { alert: DashboardData['alerts'][number] }) {
  const t = useT();
  const { alert } = props;
  const text =
    alert.kind === 'manual_topups'
      ? t('dashboard.alertTopups', { n: alert.count ?? 0 })
      : alert.kind === 'gateway_circuit'
        ? t('dashboard.alertGateway', { detail: alert.detail ?? '' })
        : alert.kind === 'broadcast_running'
          ? t('dashboard.alertBroadcast', { n: alert.count ?? 0 })
          : alert.kind;
  const to = alert.kind === 'manual_topups' ? '/payments' : alert.kind === 'broadcast_running' ? '/broadcasts' : '/system';
  return (
    <Link to={to} className={`alert alert-${alert.kind === 'gateway_circuit' ? 'danger' : 'warn'}`}>
      <Icon name="alert" />
      <span>{text}</span>
      <Badge tone={alert.kind === 'gateway_circuit' ? 'danger' : 'warn'}>{t('dashboard.open')}</Badge>
    </Link>
  );
}
