// Wallet and payments: manual top-ups waiting for a decision (with the customer's receipt),
// payments filtered by customer, period, method and status; the token ledger filtered by
// customer, period and kind; a customer's balance and adjustments with a reason.

import { useState, type FormEvent } from 'react';
import { api, query, useResource } from '../api.ts';
import { ConfirmDialog, DataTable, DateRangeFields, FilterBar, ListCard, SelectField, StatusBadge, usePageParam, useAction } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Button, Card, Field, PageHeader, Segmented, type Tone } from '../components/ui.tsx';
import { dateInputToMs, dateTime, money, number } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';

interface Payment {
  id: number;
  userId: number;
  provider: string;
  variant: string | null;
  purpose: string;
  ref: string;
  status: string;
  amountMinor: number;
  currency: string;
  units: number | null;
  /** The method as the bot names it (`🪙 USDT transfer`), in the panel's language. */
  methodLabel?: string;
  /** What it pays for in its purpose's words (`Order S-1001 · 250 ⭐ → @friend`); null for a top-up. */
  subject?: string | null;
  /** Who pays, by name (the list only); null for a customer the bot does not know. */
  customerName?: string | null;
  hasReceipt: boolean;
  declineReason: string | null;
  decidedBy: string | null;
  createdAt: number;
  paidAt: number | null;
}
interface LedgerEntry {
  id: number;
  user_id: number;
  kind: string;
  amount: number;
  balance_after: number;
  reason: string;
  actor_type: string;
  actor_id: string | null;
  created_at: number;
}

const PAYMENT_STATUSES = ['pending', 'paid', 'declined', 'expired', 'failed', 'refunding', 'refunded'] as const;
const PROVIDERS = ['telegram_stars', 'telegram_card', 'heleket', 'qr', 'manual'] as const;
const LEDGER_KINDS = ['topup', 'purchase', 'spend', 'refund', 'bonus', 'adjustment', 'reversal'] as const;
const TONE: Record<string, Tone> = { pending: 'warn', paid: 'ok', declined: 'danger', expired: 'neutral', failed: 'danger', refunding: 'info', refunded: 'info' };
const KIND_TONE: Record<string, Tone> = { topup: 'ok', purchase: 'ok', bonus: 'accent', refund: 'info', spend: 'neutral', adjustment: 'warn', reversal: 'danger' };

/** A payment status as a coloured label. */
export function PaymentStatusBadge(props: { status: string }) {
  return <StatusBadge status={props.status} prefix="payments.status" tones={TONE} />;
}

/** A payment of an order as the orders and custom orders APIs list it. */
export interface OrderPayment {
  id: number;
  provider: string;
  variant: string | null;
  status: string;
  amountMinor: number;
  currency: string;
  declineReason: string | null;
  createdAt: number;
  paidAt: number | null;
  refundedAt: number | null;
}

/** The payments made or tried for one order, with a link to the customer's payments. */
export function OrderPaymentsCard(props: { payments: readonly OrderPayment[]; userId: number; emptyText: string }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  return (
    <Card title={t('orders.payments')} padded={false}>
      {props.payments.length === 0 ? (
        <p className="card-body muted">{props.emptyText}</p>
      ) : (
        <DataTable
          rows={props.payments}
          rowKey={(payment) => payment.id}
          columns={[
            { key: 'id', header: '#', cell: (payment) => (me.pages.includes('payments') ? <Link to={`/payments?tab=payments&status=all&userId=${props.userId}`}>{payment.id}</Link> : payment.id) },
            { key: 'method', header: t('payments.method'), cell: (payment) => `${payment.provider}${payment.variant ? ` · ${payment.variant}` : ''}` },
            {
              key: 'status',
              header: t('payments.status'),
              cell: (payment) => (
                <>
                  <PaymentStatusBadge status={payment.status} />
                  {payment.declineReason ? <span className="muted block small">{payment.declineReason}</span> : null}
                </>
              ),
            },
            { key: 'amount', header: t('payments.amount'), className: 'num', cell: (payment) => money(payment.amountMinor, payment.currency, locale) },
            { key: 'at', header: t('payments.created'), className: 'hide-sm muted', cell: (payment) => dateTime(payment.refundedAt ?? payment.paidAt ?? payment.createdAt, locale, me.business.timeZone) },
          ]}
        />
      )}
    </Card>
  );
}

type Tab = 'payments' | 'ledger' | 'wallet';

/** The wallet and payments page. */
export function PaymentsPage() {
  const t = useT();
  const { me } = useSession();
  const { search } = useRoute();
  const hasPayments = me.modules.includes('payments');
  const hasWallet = me.modules.includes('wallet');
  const tabs: Tab[] = [...(hasPayments ? (['payments'] as const) : []), ...(hasWallet ? (['ledger', 'wallet'] as const) : [])];
  const asked = search.get('tab') as Tab | null;
  const tab: Tab = asked && tabs.includes(asked) ? asked : (tabs[0] ?? 'payments');
  return (
    <>
      <PageHeader
        title={t('payments.title')}
        actions={
          tabs.length > 1 ? (
            <Segmented label={t('payments.title')} value={tab} onChange={(value) => navigate(`/payments?tab=${value}`, { replace: true })} options={tabs.map((value) => ({ value, label: t(`payments.tab.${value}` as MessageKey) }))} />
          ) : null
        }
      />
      {tab === 'payments' ? <PaymentsTab /> : tab === 'ledger' ? <LedgerTab /> : <WalletTab />}
    </>
  );
}

/** Approve, decline (with a reason) and refund, with their busy state and dialog. */
function usePaymentActions(onDone: () => void) {
  const t = useT();
  const { me } = useSession();
  const { busy, run } = useAction();
  const [declining, setDeclining] = useState<Payment>();
  const [refunding, setRefunding] = useState<Payment>();
  const [reason, setReason] = useState('');
  const act = (payment: Payment, action: 'approve' | 'decline' | 'refund', extra: Record<string, unknown> = {}) =>
    void run(() => api('POST', `/api/payments/${payment.id}/${action}`, { adminId: String(me.staff.id), ...extra }), t(`payments.done.${action}` as MessageKey, { id: payment.id })).then((ok) => {
      if (!ok) return;
      setDeclining(undefined);
      setRefunding(undefined);
      setReason('');
      onDone();
    });
  const dialogs = (
    <>
      {declining ? (
        <ConfirmDialog title={t('payments.declineTitle', { id: declining.id })} confirm={t('payments.decline')} danger busy={busy} disabled={!reason.trim()} onClose={() => setDeclining(undefined)} onConfirm={() => act(declining, 'decline', { reason: reason.trim() })}>
          <Field label={t('payments.reason')} hint={t('payments.reasonHint')}>
            <textarea rows={3} maxLength={400} value={reason} onChange={(event) => setReason(event.target.value)} />
          </Field>
        </ConfirmDialog>
      ) : null}
      {refunding ? (
        <ConfirmDialog title={t('payments.refund')} confirm={t('payments.refund')} danger busy={busy} onClose={() => setRefunding(undefined)} onConfirm={() => act(refunding, 'refund')}>
          <p>{t('payments.refundConfirm', { id: refunding.id })}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
  return { busy, approve: (payment: Payment) => act(payment, 'approve'), decline: setDeclining, refund: setRefunding, dialogs };
}

function PaymentsTab() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { search } = useRoute();
  const status = search.get('status') ?? 'pending';
  const provider = search.get('provider') ?? '';
  const userId = search.get('userId') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const page = usePageParam();
  const tz = me.business.timeZone;
  const resource = useResource<{ payments: Payment[]; page: number; pages: number; total: number }>(
    `/api/payments${query({ status: status === 'all' ? undefined : status, provider, userId: /^\d+$/.test(userId) ? userId : undefined, fromMs: dateInputToMs(from), toMs: dateInputToMs(to, true), limit: 25, page, locale })}`,
  );
  const waiting = useResource<{ payments: Payment[] }>(`/api/payments${query({ status: 'pending', provider: 'manual', limit: 50, locale })}`);
  const reload = () => {
    resource.reload();
    waiting.reload();
  };
  const actions = usePaymentActions(reload);
  const decisions = (waiting.data?.payments ?? []).filter((payment) => payment.hasReceipt);
  const filtered = status !== 'pending' || Boolean(provider || userId || from || to);
  // The customer by name where the bot knows it, with their Telegram id (what the filter takes) beside it.
  const customer = (payment: Payment) => {
    const label = payment.customerName ? (
      <>
        {payment.customerName} <span className="muted">{payment.userId}</span>
      </>
    ) : (
      payment.userId
    );
    return me.pages.includes('customers') ? <Link to={`/customers/${payment.userId}`}>{label}</Link> : label;
  };

  return (
    <div className="stack">
      {decisions.length > 0 ? (
        <section aria-label={t('payments.awaiting')}>
          <h2 className="section-title">{t('payments.awaiting')}</h2>
          <div className="decision-grid">
            {decisions.map((payment) => (
              <Card key={payment.id} className="decision-card" title={payment.subject ?? t('payments.topupBy', { id: payment.id })}>
                <Receipt payment={payment} />
                <dl className="facts">
                  <dt>{t('payments.customer')}</dt>
                  <dd>{customer(payment)}</dd>
                  <dt>{t('payments.amount')}</dt>
                  <dd>
                    <strong>{money(payment.amountMinor, payment.currency, locale)}</strong>
                    {payment.units !== null && !payment.subject ? <span className="muted"> · {t('payments.units', { n: payment.units })}</span> : null}
                  </dd>
                  <dt>{t('payments.method')}</dt>
                  <dd>{payment.methodLabel ?? payment.variant ?? payment.provider}</dd>
                  <dt>{t('payments.created')}</dt>
                  <dd>{dateTime(payment.createdAt, locale, tz)}</dd>
                </dl>
                <div className="button-row">
                  <Button variant="primary" busy={actions.busy} onClick={() => actions.approve(payment)}>
                    <Icon name="check" /> {t('payments.approve')}
                  </Button>
                  <Button variant="ghost" onClick={() => actions.decline(payment)}>
                    {t('payments.decline')}
                  </Button>
                </div>
              </Card>
            ))}
          </div>
        </section>
      ) : null}
      <FilterBar filtered={filtered} onReset={() => navigate('/payments?tab=payments', { replace: true })}>
        <Field label={t('payments.status')}>
          <select value={status} onChange={(event) => setQuery({ status: event.target.value, page: undefined })}>
            <option value="all">{t('payments.all')}</option>
            {PAYMENT_STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`payments.status.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <SelectField label={t('payments.method')} value={provider as (typeof PROVIDERS)[number] | ''} allLabel={t('payments.allMethods')} options={PROVIDERS} labelOf={(value) => t(`payments.provider.${value}` as MessageKey)} onChange={(value) => setQuery({ provider: value, page: undefined })} />
        <Field label={t('payments.customerId')}>
          <input inputMode="numeric" className="input-short" placeholder="123456789" value={userId} onChange={(event) => setQuery({ userId: event.target.value.replace(/\D/g, ''), page: undefined })} />
        </Field>
        <DateRangeFields from={from} to={to} />
      </FilterBar>
      <ListCard resource={resource} filtered={filtered} isEmpty={(data) => data.payments.length === 0} emptyTitle={t('payments.nonePending')} paged={(data) => data}>
        {(data) => (
          <DataTable
            stack
            rows={data.payments}
            rowKey={(payment) => payment.id}
            columns={[
              { key: 'id', header: '#', className: 'cell-title', cell: (payment) => <>№{payment.id}</> },
              {
                key: 'customer',
                header: t('payments.customer'),
                className: 'cell-sub',
                cell: (payment) => (
                  <>
                    {customer(payment)}
                    <span className="muted"> · {t(`payments.provider.${payment.provider}` as MessageKey)}</span>
                  </>
                ),
              },
              {
                key: 'method',
                header: t('payments.method'),
                className: 'hide-sm',
                cell: (payment) => (
                  <>
                    {payment.methodLabel ?? payment.variant ?? '—'}
                    {payment.hasReceipt ? (
                      <>
                        {' '}
                        <a href={`/api/payments/${payment.id}/receipt`} target="_blank" rel="noreferrer" className="badge badge-info">
                          {t('payments.receipt')}
                        </a>
                      </>
                    ) : null}
                  </>
                ),
              },
              {
                key: 'status',
                header: t('payments.status'),
                className: 'cell-badge',
                cell: (payment) => (
                  <>
                    <PaymentStatusBadge status={payment.status} />
                    {payment.declineReason ? <span className="muted block small hide-sm">{payment.declineReason}</span> : null}
                  </>
                ),
              },
              {
                key: 'amount',
                header: t('payments.amount'),
                className: 'num cell-amount',
                cell: (payment) => (
                  <>
                    {money(payment.amountMinor, payment.currency, locale)}
                    {payment.subject ? <span className="muted block small">{payment.subject}</span> : payment.units !== null ? <span className="muted block small">{t('payments.units', { n: payment.units })}</span> : null}
                  </>
                ),
              },
              { key: 'created', header: t('payments.created'), className: 'hide-sm muted', cell: (payment) => dateTime(payment.createdAt, locale, tz) },
              {
                key: 'actions',
                header: <span className="visually-hidden">{t('payments.actions')}</span>,
                className: 'actions hide-sm',
                cell: (payment) =>
                  payment.status === 'pending' && (payment.provider === 'manual' || payment.provider === 'qr') ? (
                    <>
                      <Button size="sm" variant="primary" busy={actions.busy} onClick={() => actions.approve(payment)}>
                        <Icon name="check" /> {t('payments.approve')}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => actions.decline(payment)}>
                        {t('payments.decline')}
                      </Button>
                    </>
                  ) : payment.status === 'paid' ? (
                    <Button size="sm" variant="ghost" onClick={() => actions.refund(payment)}>
                      {t('payments.refund')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </ListCard>
      {actions.dialogs}
    </div>
  );
}

/** The transfer receipt on an approval card: the picture, or a link when it is a PDF or cannot be shown. */
function Receipt(props: { payment: Payment }) {
  const t = useT();
  const [failed, setFailed] = useState(false);
  const url = `/api/payments/${props.payment.id}/receipt`;
  return (
    <a className="receipt" href={url} target="_blank" rel="noreferrer" aria-label={t('payments.openReceipt', { id: props.payment.id })}>
      {failed ? (
        <span className="receipt-fallback">
          <Icon name="receipt" size={28} />
          {t('payments.openReceipt', { id: props.payment.id })}
        </span>
      ) : (
        <img src={url} alt={t('payments.receiptOf', { id: props.payment.id })} loading="lazy" onError={() => setFailed(true)} />
      )}
    </a>
  );
}

function LedgerTab() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { search } = useRoute();
  const userId = search.get('userId') ?? '';
  const kind = search.get('kind') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const page = usePageParam();
  const filter = { userId: /^\d+$/.test(userId) ? userId : undefined, kind: kind || undefined, from: from || undefined, to: to || undefined };
  const resource = useResource<{ entries: LedgerEntry[]; page: number; pages: number; total: number }>(`/api/wallet/ledger${query({ ...filter, page, pageSize: 50 })}`);
  const filtered = Boolean(userId || kind || from || to);
  return (
    <div className="stack">
      <FilterBar filtered={filtered} onReset={() => navigate('/payments?tab=ledger', { replace: true })}>
        <Field label={t('payments.customerId')}>
          <input inputMode="numeric" className="input-short" placeholder="123456789" value={userId} onChange={(event) => setQuery({ userId: event.target.value.replace(/\D/g, ''), page: undefined })} />
        </Field>
        <SelectField label={t('payments.kind')} value={kind as (typeof LEDGER_KINDS)[number] | ''} allLabel={t('payments.allKinds')} options={LEDGER_KINDS} labelOf={(value) => t(`payments.kind.${value}` as MessageKey)} onChange={(value) => setQuery({ kind: value, page: undefined })} />
        <DateRangeFields from={from} to={to} />
        <a className="btn btn-secondary btn-md" href={`/api/wallet/transactions.csv${query(filter)}`} download>
          <Icon name="download" /> CSV
        </a>
      </FilterBar>
      <ListCard resource={resource} filtered={filtered} isEmpty={(data) => data.entries.length === 0} emptyTitle={t('payments.ledgerEmpty')} paged={(data) => data}>
        {(data) => (
          <DataTable
            stack
            rows={data.entries}
            rowKey={(entry) => entry.id}
            columns={[
              { key: 'at', header: t('payments.when'), className: 'cell-title', cell: (entry) => dateTime(entry.created_at, locale, me.business.timeZone) },
              { key: 'user', header: t('payments.customer'), className: 'cell-sub', cell: (entry) => (
                <>
                  {me.pages.includes('customers') ? <Link to={`/customers/${entry.user_id}`}>{entry.user_id}</Link> : entry.user_id}
                  <span className="muted"> · {entry.reason}</span>
                </>
              ) },
              { key: 'kind', header: t('payments.kind'), className: 'cell-badge', cell: (entry) => <StatusBadge status={entry.kind} prefix="payments.kind" tones={KIND_TONE} /> },
              { key: 'amount', header: t('payments.amount'), className: 'num cell-amount', cell: (entry) => <strong className={entry.amount >= 0 ? 'positive' : 'negative'}>{entry.amount > 0 ? `+${number(entry.amount, locale)}` : number(entry.amount, locale)}</strong> },
              { key: 'balance', header: t('payments.balanceAfter'), className: 'num hide-sm', cell: (entry) => number(entry.balance_after, locale) },
              { key: 'actor', header: t('payments.actor'), className: 'hide-sm muted', cell: (entry) => t(`payments.actor.${entry.actor_type}` as MessageKey) },
            ]}
          />
        )}
      </ListCard>
    </div>
  );
}

function WalletTab() {
  const t = useT();
  const { me } = useSession();
  const [userId, setUserId] = useState('');
  const [lookup, setLookup] = useState<string | null>(null);
  const balance = useResource<{ userId: number; balance: number }>(lookup ? `/api/wallet/balances/${lookup}` : null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const { busy, run } = useAction();

  const adjust = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api('POST', '/api/wallet/adjust', { userId: Number(userId), amount: Number(amount), reason: reason.trim(), adminId: String(me.staff.id) }), t('payments.adjusted')).then((ok) => {
      if (!ok) return;
      setAmount('');
      setReason('');
      setLookup(userId);
      balance.reload();
    });
  };

  return (
    <div className="grid-2">
      <Card title={t('payments.balance')}>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            setLookup(userId);
          }}
        >
          <input inputMode="numeric" placeholder="Telegram id" aria-label="Telegram id" value={userId} onChange={(event) => setUserId(event.target.value.replace(/\D/g, ''))} />
          <Button type="submit" disabled={!userId}>
            {t('payments.show')}
          </Button>
        </form>
        {lookup ? (
          <Async resource={balance} rows={1}>
            {(data) => (
              <>
                <p className="big-number" aria-live="polite">
                  {data.balance}
                </p>
                <Link to={`/payments?tab=ledger&userId=${data.userId}`}>{t('payments.ledgerOf')}</Link>
              </>
            )}
          </Async>
        ) : null}
      </Card>
      <Card title={t('payments.adjustment')}>
        <form className="form" onSubmit={adjust}>
          <p className="muted small">{t('payments.adjustmentHint')}</p>
          <Field label={t('payments.amount')} hint={t('payments.amountHint')}>
            <input inputMode="numeric" value={amount} onChange={(event) => setAmount(event.target.value.replace(/[^\d-]/g, ''))} />
          </Field>
          <Field label={t('payments.reason')}>
            <input value={reason} maxLength={300} onChange={(event) => setReason(event.target.value)} />
          </Field>
          <Button type="submit" variant="primary" busy={busy} disabled={!userId || !amount || Number(amount) === 0 || reason.trim().length < 3}>
            {t('payments.applyAdjustment')}
          </Button>
        </form>
      </Card>
    </div>
  );
}
