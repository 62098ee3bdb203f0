// Custom orders (3D printing): requests with their model files and previews, the automatic or
// manual price, payments and status history, status changes (cancelling a paid job refunds
// it) and messages to the customer (all notified by the module). Each job is an order of the
// orders module, with its number, history and payments from there.

import { useState, type FormEvent } from 'react';
import { api, query, useResource } from '../api.ts';
import { BackLink, DataTable, FilterBar, ListCard, RowLink, SelectField, StatusBadge, pathId, usePageParam, useAction } from '../components/data.tsx';
import { OrderPaymentsCard, type OrderPayment } from './Payments.tsx';
import { Async, Badge, Button, Card, Dialog, Field, PageHeader, toast, type Tone } from '../components/ui.tsx';
import { dateTime, money } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';

/** Statuses of a print job, in their usual order. */
export const PRINT_STATUSES = ['new', 'quoted', 'awaiting_payment', 'paid', 'printing', 'post_processing', 'ready', 'shipped', 'done', 'cancelled', 'refunded'] as const;
/** Statuses a staff price may be given in. */
const QUOTABLE = ['new', 'quoted', 'awaiting_payment'];
const TONE: Record<string, Tone> = {
  new: 'accent',
  quoted: 'info',
  awaiting_payment: 'warn',
  paid: 'ok',
  printing: 'info',
  post_processing: 'info',
  ready: 'ok',
  shipped: 'info',
  done: 'ok',
  cancelled: 'neutral',
  refunded: 'danger',
};

interface CustomOrder {
  id: number;
  number: string;
  user_id: number;
  status: string;
  currency: string;
  /** 0 until a price is set (`quote_version` 0). */
  total_minor: number;
  quote_version: number;
  payment_id: number | null;
  technology: string;
  material: string;
  colour: string;
  infill_percent: number | null;
  quantity: number;
  comment: string | null;
  deadline: string | null;
  contact_name: string;
  manual_quote: number;
  created_at: number;
  files: { id: number; file_name: string; format: string; size_bytes: number; thumbnailUrl?: string }[];
}
interface CustomOrderDetail extends CustomOrder {
  history: { id: number; from_status: string | null; to_status: string; actor_type: string; note: string | null; at: number }[];
}
/** A print job's status as a coloured label. */
export function CustomStatus(props: { status: string }) {
  return <StatusBadge status={props.status} prefix="custom.status" tones={TONE} />;
}

/** The custom orders page: one order when the path names it, else the list. */
export function CustomOrdersPage(props: { path: string[] }) {
  const id = pathId(props.path);
  return id ? <CustomOrderView id={id} /> : <CustomOrderList />;
}

function CustomOrderList() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { search } = useRoute();
  const status = search.get('status') ?? '';
  const page = usePageParam();
  const resource = useResource<{ orders: CustomOrder[]; page: number; pages: number; total: number }>(`/api/custom-orders${query({ status, page, pageSize: 25 })}`);
  return (
    <>
      <PageHeader title={t('nav.customOrders')} />
      <FilterBar filtered={Boolean(status)} onReset={() => setQuery({ status: undefined, page: undefined })}>
        <SelectField label={t('orders.status')} value={status} allLabel={t('orders.allStatuses')} options={PRINT_STATUSES} labelOf={(value) => t(`custom.status.${value}` as MessageKey)} onChange={(value) => setQuery({ status: value, page: undefined })} />
      </FilterBar>
      <ListCard resource={resource} filtered={Boolean(status)} isEmpty={(data) => data.orders.length === 0} emptyTitle={t('custom.empty')} emptyHint={t('custom.emptyHint')} paged={(data) => data}>
        {(data) => (
          <DataTable
            stack
            rows={data.orders}
            rowKey={(order) => order.id}
            onRowClick={(order) => navigate(`/custom-orders/${order.id}`)}
            columns={[
              { key: 'number', header: t('orders.number'), className: 'cell-title', cell: (order) => <RowLink to={`/custom-orders/${order.id}`}>{order.number}</RowLink> },
              { key: 'customer', header: t('orders.customer'), className: 'cell-sub', cell: (order) => order.contact_name },
              { key: 'print', header: t('custom.print'), className: 'hide-sm muted', cell: (order) => `${order.technology} · ${order.material} · ×${order.quantity}` },
              { key: 'status', header: t('orders.status'), className: 'cell-badge', cell: (order) => <CustomStatus status={order.status} /> },
              {
                key: 'total',
                header: t('orders.total'),
                className: 'num cell-amount',
                cell: (order) => (order.quote_version === 0 ? <Badge tone="warn">{t('custom.needsPrice')}</Badge> : money(order.total_minor, order.currency, locale)),
              },
              { key: 'created', header: t('orders.created'), className: 'hide-sm muted', cell: (order) => dateTime(order.created_at, locale, me.business.timeZone) },
            ]}
          />
        )}
      </ListCard>
    </>
  );
}

function CustomOrderView(props: { id: number }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const resource = useResource<{ order: CustomOrderDetail; next: string[]; payments?: OrderPayment[] }>(`/api/custom-orders/${props.id}`);
  const [dialog, setDialog] = useState<'status' | 'quote' | 'message' | null>(null);
  const [target, setTarget] = useState('');
  const [text, setText] = useState('');
  const [price, setPrice] = useState('');
  const { busy, run } = useAction();

  const send = async (path: string, body: Record<string, unknown>, done: string) => {
    // A refund Telegram has not confirmed yet still cancelled the job: say so rather than "done".
    let refundPending = false;
    const ok = await run(async () => {
      refundPending = Boolean((await api<{ refundPending?: boolean }>('POST', `/api/custom-orders/${props.id}/${path}`, body))?.refundPending);
    });
    if (!ok) {
      resource.reload();
      return;
    }
    toast(refundPending ? t('custom.refundPending') : done);
    setDialog(null);
    setText('');
    setPrice('');
    resource.reload();
  };

  return (
    <>
      <BackLink to="/custom-orders" label="nav.customOrders" />
      <Async resource={resource} rows={8}>
        {({ order, next, payments = [] }) => (
          <>
            <PageHeader
              title={
                <>
                  {order.number} <CustomStatus status={order.status} />
                </>
              }
              subtitle={`${order.contact_name} · ${dateTime(order.created_at, locale, me.business.timeZone)}`}
              actions={
                <Button onClick={() => setDialog('message')}>
                  {t('customers.message')}
                </Button>
              }
            />
            <div className="grid-main-side">
              <div className="stack">
                <Card title={t('custom.files')}>
                  {order.files.length === 0 ? (
                    <p className="muted">{t('custom.noFiles')}</p>
                  ) : (
                    <div className="file-grid">
                      {order.files.map((file) => (
                        <a key={file.id} className="file-tile" href={`/api/custom-orders/${order.id}/files/${file.id}`} download>
                          <img src={`/api/custom-orders/${order.id}/files/${file.id}/thumbnail.png`} alt="" loading="lazy" />
                          <span className="ellipsis">{file.file_name}</span>
                          <span className="muted small">
                            {file.format.toUpperCase()} · {(file.size_bytes / 1048576).toFixed(1)} MB
                          </span>
                        </a>
                      ))}
                    </div>
                  )}
                </Card>
                <OrderPaymentsCard payments={payments} userId={order.user_id} emptyText={t('orders.noPayments')} />
                <Card title={t('orders.history')}>
                  <ol className="timeline">
                    {order.history.map((step) => (
                      <li key={step.id}>
                        <CustomStatus status={step.to_status} />
                        <span className="muted small">
                          {dateTime(step.at, locale, me.business.timeZone)} · {t(`actor.${step.actor_type}` as MessageKey)}
                        </span>
                        {step.note ? <p className="note">{step.note}</p> : null}
                      </li>
                    ))}
                  </ol>
                </Card>
              </div>
              <div className="stack">
                <Card title={t('custom.price')}>
                  <p className="big-number">{order.quote_version === 0 ? '—' : money(order.total_minor, order.currency, locale)}</p>
                  {order.manual_quote ? <p className="muted small">{t('custom.manualQuote')}</p> : null}
                  {QUOTABLE.includes(order.status) ? <Button onClick={() => setDialog('quote')}>{t('custom.setPrice')}</Button> : null}
                </Card>
                {next.length > 0 ? (
                  <Card title={t('orders.changeStatus')}>
                    <div className="button-row">
                      {next.map((status) => (
                        <Button
                          key={status}
                          variant={status === 'cancelled' || status === 'refunded' ? 'danger' : 'primary'}
                          onClick={() => {
                            setTarget(status);
                            setDialog('status');
                          }}
                        >
                          {t(status === 'refunded' ? 'custom.action.refunded' : (`custom.status.${status}` as MessageKey))}
                        </Button>
                      ))}
                    </div>
                  </Card>
                ) : null}
                <Card title={t('custom.print')}>
                  <dl className="facts">
                    <dt>{t('custom.technology')}</dt>
                    <dd>{order.technology}</dd>
                    <dt>{t('custom.material')}</dt>
                    <dd>
                      {order.material} · {order.colour}
                    </dd>
                    {order.infill_percent !== null ? (
                      <>
                        <dt>{t('custom.infill')}</dt>
                        <dd>{order.infill_percent}%</dd>
                      </>
                    ) : null}
                    <dt>{t('orders.quantity')}</dt>
                    <dd>{order.quantity}</dd>
                    {order.deadline ? (
                      <>
                        <dt>{t('custom.deadline')}</dt>
                        <dd>{order.deadline}</dd>
                      </>
                    ) : null}
                    {order.comment ? (
                      <>
                        <dt>{t('orders.comment')}</dt>
                        <dd>{order.comment}</dd>
                      </>
                    ) : null}
                  </dl>
                </Card>
              </div>
            </div>
            {dialog ? (
              <Dialog
                title={dialog === 'status' ? t('orders.confirmTitle', { number: order.number, status: t(`custom.status.${target}` as MessageKey) }) : dialog === 'quote' ? t('custom.setPrice') : t('customers.message')}
                onClose={() => setDialog(null)}
                footer={
                  <>
                    <Button variant="ghost" onClick={() => setDialog(null)}>
                      {t('common.cancel')}
                    </Button>
                    <Button variant="primary" type="submit" form="custom-form" busy={busy} disabled={dialog === 'quote' ? !(Number(price) > 0) : dialog === 'message' ? !text.trim() : false}>
                      {dialog === 'status' ? t('orders.confirm') : dialog === 'quote' ? t('common.save') : t('customers.send')}
                    </Button>
                  </>
                }
              >
                <form
                  id="custom-form"
                  className="form"
                  onSubmit={(event: FormEvent) => {
                    event.preventDefault();
                    if (dialog === 'status') void send('status', { to: target, expectedFrom: order.status, note: text.trim() || undefined, actorId: String(me.staff.id) }, t('orders.statusChanged', { status: t(`custom.status.${target}` as MessageKey) }));
                    else if (dialog === 'quote') void send('quote', { total: Number(price), expectedVersion: order.quote_version, note: text.trim() || undefined, actorId: String(me.staff.id) }, t('custom.priceSent'));
                    else void send('message', { text: text.trim() }, t('customers.messageQueued'));
                  }}
                >
                  {dialog === 'status' && target === 'refunded' ? <p className="muted">{t('custom.refundHint')}</p> : null}
                  {dialog === 'quote' ? (
                    <Field label={`${t('custom.price')}, ${order.currency}`} hint={t('custom.priceHint')}>
                      <input inputMode="decimal" value={price} onChange={(event) => setPrice(event.target.value.replace(',', '.').replace(/[^\d.]/g, ''))} />
                    </Field>
                  ) : null}
                  <Field label={dialog === 'message' ? t('customers.messageText') : t('custom.noteToCustomer')}>
                    <textarea rows={4} maxLength={dialog === 'message' ? 3000 : 500} value={text} onChange={(event) => setText(event.target.value)} />
                  </Field>
                </form>
              </Dialog>
            ) : null}
          </>
        )}
      </Async>
    </>
  );
}
