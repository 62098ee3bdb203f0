// Orders: a filtered, paged table of every kind (shop orders, print jobs); an order's page with
// its items, customer, payment and status history; status changes (the customer is notified
// by the orders module); exports of the current filter as CSV or XLSX. A print job opens on
// the custom orders page, where its files, prices and refunds are.

import { useState } from 'react';
import { api, query, useResource } from '../api.ts';
import { ConfirmDialog, DataTable, DateRangeFields, FilterBar, ListCard, RowLink, SearchField, SelectField, StatusBadge, pathId, usePageParam, useAction, BackLink } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Button, Card, Field, PageHeader, type Tone } from '../components/ui.tsx';
import { dateInputToMs, dateTime, inputToMinor, money } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { CustomStatus, PRINT_STATUSES } from './CustomOrders.tsx';
import { OrderPaymentsCard, type OrderPayment } from './Payments.tsx';

interface OrderLine {
  id: number;
  line_kind: 'product' | 'item' | 'fee';
  title: string;
  variant_title: string | null;
  unit_price_minor: number;
  quantity: number;
  total_minor: number;
}
interface Order {
  id: number;
  number: string;
  external_id?: string | null;
  kind: string;
  user_id: number;
  status: string;
  currency: string;
  total_minor: number;
  payment_method: string;
  contact_name: string;
  contact_phone: string | null;
  delivery_method: string | null;
  delivery_address: string | null;
  pickup_point: string | null;
  comment: string | null;
  created_at: number;
  updated_at: number;
  lines: OrderLine[];
}
interface OrderNote {
  id: number;
  author_type: 'staff' | 'api_key';
  author_name: string;
  text: string;
  at: number;
}

interface OrderDetail extends Order {
  history: { id: number; from_status: string | null; to_status: string; actor_type: string; actor_id: string | null; note: string | null; at: number }[];
}

/** Statuses of shop orders, in their usual order. */
export const ORDER_STATUSES = ['new', 'confirmed', 'paid', 'in_progress', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;

const STATUS_TONE: Record<string, Tone> = {
  new: 'accent',
  confirmed: 'info',
  paid: 'ok',
  in_progress: 'warn',
  shipped: 'info',
  delivered: 'ok',
  cancelled: 'neutral',
  refunded: 'danger',
};

/** Kinds of order the list can be narrowed to, with the panel page each is managed on. */
const KINDS = ['shop', 'print3d', 'stars'] as const;
/** Statuses of Telegram Stars purchases (the stars module moves them: delivery, retries, refunds). */
const STARS_STATUSES = ['awaiting_payment', 'paid', 'delivering', 'delivered', 'failed', 'refunded', 'expired'] as const;
const STARS_TONE: Record<string, Tone> = { awaiting_payment: 'warn', paid: 'info', delivering: 'info', delivered: 'ok', failed: 'danger', refunded: 'neutral', expired: 'neutral' };
/** The message prefix of each kind's status labels. */
const STATUS_PREFIX: Record<string, string> = { print3d: 'custom.status', stars: 'stars.status' };
/** Kinds whose orders have a page of their own (files, prices, refunds). */
const KIND_PAGES: Record<string, string> = { print3d: 'custom-orders' };

/** An order status as a coloured label. */
export function OrderStatusBadge(props: { status: string }) {
  return <StatusBadge status={props.status} prefix="status" tones={STATUS_TONE} />;
}

/** An order's status in its kind's own words. */
function KindStatusBadge(props: { kind: string; status: string }) {
  if (props.kind === 'stars') return <StatusBadge status={props.status} prefix="stars.status" tones={STARS_TONE} />;
  return props.kind === 'print3d' ? <CustomStatus status={props.status} /> : <OrderStatusBadge status={props.status} />;
}

/** An order as summaries elsewhere show it (the dashboard, a customer's profile). */
export interface OrderSummary {
  id: number;
  number: string;
  status: string;
  customer?: string;
  totalMinor: number;
  currency: string;
  createdAt: number;
}

/** A short table of orders linking to them (when the role may open orders). */
export function OrderSummaryTable(props: { orders: readonly OrderSummary[]; withCustomer?: boolean }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  return (
    <DataTable
      stack
      rows={props.orders}
      rowKey={(order) => order.id}
      columns={[
        { key: 'number', header: t('orders.number'), className: 'cell-title', cell: (order) => (me.pages.includes('orders') ? <Link to={`/orders/${order.id}`}>{order.number}</Link> : order.number) },
        ...(props.withCustomer ? [{ key: 'customer', header: t('orders.customer'), className: 'cell-sub', cell: (order: OrderSummary) => order.customer }] : []),
        { key: 'status', header: t('orders.status'), className: 'cell-badge', cell: (order) => <OrderStatusBadge status={order.status} /> },
        { key: 'total', header: t('orders.total'), className: 'num cell-amount', cell: (order) => money(order.totalMinor, order.currency, locale) },
        { key: 'created', header: t('orders.created'), className: `hide-sm muted${props.withCustomer ? '' : ' cell-sub'}`, cell: (order) => dateTime(order.createdAt, locale, me.business.timeZone) },
      ]}
    />
  );
}

/** How the list can be sorted: `<column>-<direction>`. */
const SORTS = ['created-desc', 'created-asc', 'total-desc', 'total-asc', 'status-asc', 'status-desc'] as const;

/** The orders page: the list, or one order when the path names it. */
export function OrdersPage(props: { path: string[] }) {
  const id = pathId(props.path);
  return id ? <OrderView id={id} /> : <OrderList />;
}

function OrderList() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { search } = useRoute();
  const status = search.get('status') ?? '';
  // With print jobs or Stars in the business, the list can be narrowed to one kind (statuses follow it).
  const kindOptions = KINDS.filter((value) => value === 'shop' || (value === 'print3d' ? me.pages.includes('custom-orders') : me.modules.includes(value)));
  const kinds = kindOptions.length > 1;
  const kind = kinds && (kindOptions as readonly string[]).includes(search.get('kind') ?? '') ? (search.get('kind') as string) : '';
  const statuses: readonly string[] = kind === 'print3d' ? PRINT_STATUSES : kind === 'stars' ? STARS_STATUSES : ORDER_STATUSES;
  /** Where a row opens: the page of its kind when it has one the staff member may see. */
  const pathOf = (order: Order) => {
    const page = KIND_PAGES[order.kind];
    return page && me.pages.includes(page) ? `/${page}/${order.id}` : `/orders/${order.id}`;
  };
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const q = search.get('q') ?? '';
  const min = search.get('min') ?? '';
  const max = search.get('max') ?? '';
  const customer = search.get('customer') ?? '';
  const sort = (SORTS as readonly string[]).includes(search.get('sort') ?? '') ? (search.get('sort') as (typeof SORTS)[number]) : 'created-desc';
  const page = usePageParam();
  const currency = me.business.currency;
  const [by, direction] = sort.split('-') as [string, string];
  const filter = {
    kind: kind || undefined,
    status: status || undefined,
    fromMs: dateInputToMs(from),
    toMs: dateInputToMs(to, true),
    userId: /^\d+$/.test(customer) ? customer : undefined,
    q: q.trim().length >= 2 ? q.trim() : undefined,
    minTotalMinor: inputToMinor(min, currency),
    maxTotalMinor: inputToMinor(max, currency),
  };
  const resource = useResource<{ orders: Order[]; page: number; pages: number; total: number }>(`/api/orders${query({ ...filter, sort: by, direction, page, pageSize: 25 })}`);
  const exportUrl = (format: 'csv' | 'xlsx') => `/api/orders/export${query({ kind: filter.kind, status: filter.status, fromMs: filter.fromMs, toMs: filter.toMs, userId: filter.userId, format, locale })}`;
  const filtered = Boolean(kind || status || from || to || customer || q || min || max);

  return (
    <>
      <PageHeader
        title={t('orders.title')}
        actions={
          <>
            <a className="btn btn-secondary btn-md" href={exportUrl('csv')} download>
              <Icon name="download" /> CSV
            </a>
            <a className="btn btn-secondary btn-md" href={exportUrl('xlsx')} download>
              <Icon name="download" /> XLSX
            </a>
          </>
        }
      />
      <FilterBar filtered={filtered} onReset={() => navigate('/orders', { replace: true })}>
        <SearchField value={q} placeholder={t('orders.searchHint')} onChange={(value) => setQuery({ q: value, page: undefined })} />
        {kinds ? (
          <SelectField label={t('orders.kind')} value={kind} allLabel={t('orders.allKinds')} options={kindOptions} labelOf={(value) => t(`orders.kind.${value}` as MessageKey)} onChange={(value) => setQuery({ kind: value, status: undefined, page: undefined })} />
        ) : null}
        <SelectField
          label={t('orders.status')}
          value={status}
          allLabel={t('orders.allStatuses')}
          options={statuses}
          labelOf={(value) => t(`${STATUS_PREFIX[kind] ?? 'status'}.${value}` as MessageKey)}
          onChange={(value) => setQuery({ status: value, page: undefined })}
        />
        <DateRangeFields from={from} to={to} />
        <Field label={t('orders.amountFrom', { currency })} error={min && filter.minTotalMinor === undefined ? t('catalog.badPrice') : undefined}>
          <input inputMode="decimal" className="input-short" value={min} onChange={(event) => setQuery({ min: event.target.value, page: undefined })} />
        </Field>
        <Field label={t('orders.amountTo', { currency })} error={max && filter.maxTotalMinor === undefined ? t('catalog.badPrice') : undefined}>
          <input inputMode="decimal" className="input-short" value={max} onChange={(event) => setQuery({ max: event.target.value, page: undefined })} />
        </Field>
        <Field label={t('orders.sort')}>
          <select value={sort} onChange={(event) => setQuery({ sort: event.target.value === 'created-desc' ? undefined : event.target.value, page: undefined })}>
            {SORTS.map((value) => (
              <option key={value} value={value}>
                {t(`orders.sort.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
      </FilterBar>
      <ListCard resource={resource} filtered={filtered} isEmpty={(data) => data.orders.length === 0} emptyTitle={t('orders.empty')} emptyHint={t('orders.emptyHint')} paged={(data) => data}>
        {(data) => (
          <DataTable
            stack
            rows={data.orders}
            rowKey={(order) => order.id}
            onRowClick={(order) => navigate(pathOf(order))}
            columns={[
              { key: 'number', header: t('orders.number'), className: 'cell-title', cell: (order) => <RowLink to={pathOf(order)}>{order.number}</RowLink> },
              {
                key: 'customer',
                header: t('orders.customer'),
                className: 'cell-sub',
                cell: (order) => (
                  <>
                    {order.contact_name}
                    <span className="muted block small hide-sm">{order.contact_phone ?? `id ${order.user_id}`}</span>
                  </>
                ),
              },
              { key: 'items', header: t('orders.items'), className: 'hide-sm muted', cell: (order) => order.lines.filter((line) => line.line_kind !== 'fee').length },
              ...(kinds ? [{ key: 'kind', header: t('orders.kind'), className: 'hide-sm muted', cell: (order: Order) => (t.has(`orders.kind.${order.kind}`) ? t(`orders.kind.${order.kind}` as MessageKey) : order.kind) }] : []),
              { key: 'status', header: t('orders.status'), className: 'cell-badge', cell: (order) => <KindStatusBadge kind={order.kind} status={order.status} /> },
              { key: 'total', header: t('orders.total'), className: 'num cell-amount', cell: (order) => money(order.total_minor, order.currency, locale) },
              { key: 'created', header: t('orders.created'), className: 'hide-sm muted', cell: (order) => dateTime(order.created_at, locale, me.business.timeZone) },
            ]}
          />
        )}
      </ListCard>
    </>
  );
}

function OrderView(props: { id: number }) {
  const t = useT();
  const { locale } = useI18n();
  const { me, can } = useSession();
  const resource = useResource<{ order: OrderDetail; next: string[]; payments?: OrderPayment[]; managedBy?: string | null; notes?: OrderNote[] }>(`/api/orders/${props.id}`);
  const [target, setTarget] = useState<string>();
  const [note, setNote] = useState('');
  const { busy, run } = useAction();
  const tz = me.business.timeZone;

  const change = async (order: OrderDetail, to: string) => {
    const ok = await run(
      () => api('POST', `/api/orders/${order.id}/status`, { to, expectedFrom: order.status, note: note.trim() || undefined, actorId: String(me.staff.id) }),
      t('orders.statusChanged', { status: t(`status.${to}` as MessageKey) }),
    );
    if (!ok) return;
    setTarget(undefined);
    setNote('');
    resource.reload();
  };

  return (
    <>
      <BackLink to="/orders" label="orders.title" />
      <Async resource={resource} rows={8}>
        {({ order, next, payments = [], managedBy, notes = [] }) => (
          <>
            <PageHeader
              title={
                <>
                  {t('orders.order')} {order.number} <KindStatusBadge kind={order.kind} status={order.status} />
                </>
              }
              subtitle={dateTime(order.created_at, locale, tz)}
              actions={managedBy && me.pages.includes(managedBy) ? <Link className="btn btn-secondary btn-md" to={`/${managedBy}/${order.id}`}>{t('custom.openPage')}</Link> : undefined}
            />
            <div className="grid-main-side">
              <div className="stack">
                <Card title={t('orders.items')} padded={false}>
                  <DataTable
                    rows={order.lines}
                    rowKey={(line) => line.id}
                    columns={[
                      {
                        key: 'item',
                        header: t('orders.item'),
                        className: 'wrap',
                        cell: (line) => (
                          <>
                            {line.title}
                            {line.variant_title ? <span className="muted"> · {line.variant_title}</span> : null}
                          </>
                        ),
                      },
                      // The unit price is the first to go on a phone: the quantity and the sum say enough.
                      { key: 'price', header: t('orders.price'), className: 'num hide-narrower', cell: (line) => money(line.unit_price_minor, order.currency, locale) },
                      { key: 'quantity', header: t('orders.quantity'), className: 'num', cell: (line) => line.quantity },
                      { key: 'sum', header: t('orders.sum'), className: 'num', cell: (line) => money(line.total_minor, order.currency, locale) },
                    ]}
                    footer={
                      <tr>
                        <td>{t('orders.total')}</td>
                        <td className="hide-narrower" />
                        <td />
                        <td className="num">
                          <strong>{money(order.total_minor, order.currency, locale)}</strong>
                        </td>
                      </tr>
                    }
                  />
                </Card>
                <OrderPaymentsCard payments={payments} userId={order.user_id} emptyText={order.payment_method === 'on_delivery' ? t('orders.noPaymentsOnDelivery') : t('orders.noPayments')} />
                <Card title={t('orders.history')}>
                  <ol className="timeline">
                    {order.history.map((step) => (
                      <li key={step.id}>
                        <KindStatusBadge kind={order.kind} status={step.to_status} />
                        <span className="muted small">
                          {dateTime(step.at, locale, tz)} · {step.actor_id?.startsWith('api_key:') ? t('actor.api_key') : t(`actor.${step.actor_type}` as MessageKey)}
                        </span>
                        {step.note ? <p className="note">{step.note}</p> : null}
                      </li>
                    ))}
                  </ol>
                </Card>
              </div>
              <div className="stack">
                {can('orders') && next.length > 0 ? (
                  <Card title={t('orders.changeStatus')}>
                    <p className="muted small">{t('orders.customerNotified')}</p>
                    <div className="button-row">
                      {next.map((status) => (
                        <Button key={status} variant={status === 'cancelled' || status === 'refunded' ? 'danger' : 'primary'} onClick={() => setTarget(status)}>
                          {t(`status.${status}` as MessageKey)}
                        </Button>
                      ))}
                    </div>
                  </Card>
                ) : null}
                <OrderNotesCard orderId={order.id} notes={notes} canWrite={can('orders')} onAdded={resource.reload} />
                <Card title={t('orders.customer')}>
                  <dl className="facts">
                    <dt>{t('orders.name')}</dt>
                    <dd>{order.contact_name}</dd>
                    <dt>{t('orders.phone')}</dt>
                    <dd>{order.contact_phone ? <a href={`tel:${order.contact_phone}`}>{order.contact_phone}</a> : '—'}</dd>
                    <dt>Telegram id</dt>
                    <dd>{me.pages.includes('customers') ? <Link to={`/customers/${order.user_id}`}>{order.user_id}</Link> : order.user_id}</dd>
                  </dl>
                </Card>
                <Card title={t('orders.deliveryAndPayment')}>
                  <dl className="facts">
                    <dt>{t('orders.delivery')}</dt>
                    <dd>{order.delivery_method === 'pickup' ? `${t('orders.pickup')}${order.pickup_point ? ` · ${order.pickup_point}` : ''}` : order.delivery_method === 'courier' ? `${t('orders.courier')} · ${order.delivery_address ?? ''}` : '—'}</dd>
                    <dt>{t('orders.payment')}</dt>
                    <dd>{order.payment_method === 'on_delivery' ? t('orders.onDelivery') : order.payment_method}</dd>
                    {order.comment ? (
                      <>
                        <dt>{t('orders.comment')}</dt>
                        <dd>{order.comment}</dd>
                      </>
                    ) : null}
                    {order.external_id ? (
                      <>
                        <dt>{t('orders.externalId')}</dt>
                        <dd>
                          <code>{order.external_id}</code>
                        </dd>
                      </>
                    ) : null}
                  </dl>
                </Card>
              </div>
            </div>
            {target ? (
              <ConfirmDialog
                title={t('orders.confirmTitle', { number: order.number, status: t(`status.${target}` as MessageKey) })}
                confirm={t('orders.confirm')}
                danger={target === 'cancelled' || target === 'refunded'}
                busy={busy}
                onClose={() => setTarget(undefined)}
                onConfirm={() => void change(order, target)}
              >
                <p>{t('orders.confirmText')}</p>
                <Field label={t('orders.note')} hint={t('orders.noteHint')}>
                  <textarea rows={3} maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
                </Field>
              </ConfirmDialog>
            ) : null}
          </>
        )}
      </Async>
    </>
  );
}

/** Staff notes on an order, from the panel or another system with an API key; the customer never sees them. */
function OrderNotesCard(props: { orderId: number; notes: readonly OrderNote[]; canWrite: boolean; onAdded(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const [text, setText] = useState('');
  const { busy, run } = useAction();
  const add = async () => {
    if (await run(() => api('POST', `/api/orders/${props.orderId}/notes`, { text: text.trim() }), t('orders.noteAdded'))) {
      setText('');
      props.onAdded();
    }
  };
  return (
    <Card title={t('orders.notes')}>
      {props.notes.length === 0 ? <p className="muted small">{t('orders.notesEmpty')}</p> : null}
      <ul className="notes">
        {props.notes.map((note) => (
          <li key={note.id}>
            <p className="note">{note.text}</p>
            <span className="muted small">
              {note.author_name}
              {note.author_type === 'api_key' ? ` (${t('audit.actor.api_key')})` : ''} · {dateTime(note.at, locale, me.business.timeZone)}
            </span>
          </li>
        ))}
      </ul>
      {props.canWrite ? (
        <div className="stack-sm">
          <label className="visually-hidden" htmlFor="order-note">
            {t('orders.notes')}
          </label>
          <textarea id="order-note" rows={2} maxLength={2000} value={text} placeholder={t('orders.notePlaceholder')} onChange={(event) => setText(event.target.value)} />
          <Button size="sm" onClick={() => void add()} busy={busy} disabled={!text.trim()}>
            {t('orders.addNote')}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
