// Customers: search by id, @username, name or phone; filter by tag; a profile with orders,
// wallet, tags, language and blocked status; tags and a direct message (sent through the
// outbox, so Telegram's limits are respected).

import { useState, type FormEvent } from 'react';
import { api, query, useResource } from '../api.ts';
import { Icon } from '../components/icons.tsx';
import { BackLink, ConfirmDialog, DataTable, FilterBar, ListCard, RowLink, SearchField, pathId, usePageParam, useAction } from '../components/data.tsx';
import { Async, Badge, Button, Card, Empty, Field, PageHeader } from '../components/ui.tsx';
import { dateTime, relative } from '../format.ts';
import { useI18n, useT } from '../i18n.ts';
import { navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { OrderSummaryTable } from './Orders.tsx';

interface Customer {
  id: number;
  name: string;
  username: string | null;
  phone: string | null;
  locale: string;
  blocked: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
  tags: string[];
}

const LANGUAGE_LABEL: Record<string, string> = { ru: 'Русский', en: 'English', kk: 'Қазақша' };

/** The customers page: a profile when the path names one, else the list. */
export function CustomersPage(props: { path: string[] }) {
  const id = pathId(props.path);
  return id ? <CustomerView id={id} /> : <CustomerList />;
}

function CustomerList() {
  const t = useT();
  const { locale } = useI18n();
  const { search } = useRoute();
  const q = search.get('q') ?? '';
  const tag = search.get('tag') ?? '';
  const page = usePageParam();
  const [typed, setTyped] = useState(q);
  const tags = useResource<{ tags: { tag: string; users: number }[] }>('/api/admin/customers/tags');
  const resource = useResource<{ customers: Customer[]; total: number; page: number; pages: number }>(`/api/admin/customers${query({ q, tag, page, pageSize: 25 })}`);
  const nowMs = Date.now();

  return (
    <>
      <PageHeader title={t('customers.title')} subtitle={resource.data ? t('customers.count', { n: resource.data.total }) : undefined} />
      <FilterBar onSubmit={() => setQuery({ q: typed.trim(), page: undefined })}>
        <SearchField value={typed} placeholder={t('customers.searchHint')} onChange={setTyped} />
        <Field label={t('customers.tag')}>
          <select value={tag} onChange={(event) => setQuery({ tag: event.target.value, page: undefined })}>
            <option value="">{t('customers.anyTag')}</option>
            {(tags.data?.tags ?? []).map((item) => (
              <option key={item.tag} value={item.tag}>
                {item.tag} ({item.users})
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" variant="primary">
          {t('common.search')}
        </Button>
      </FilterBar>
      <ListCard resource={resource} filtered={Boolean(q || tag)} isEmpty={(data) => data.customers.length === 0} emptyTitle={t('customers.empty')} emptyHint={t('customers.emptyHint')} paged={(data) => data}>
        {(data) => (
          <DataTable
            stack
            rows={data.customers}
            rowKey={(customer) => customer.id}
            onRowClick={(customer) => navigate(`/customers/${customer.id}`)}
            columns={[
              {
                key: 'name',
                header: t('customers.name'),
                className: 'cell-title',
                cell: (customer) => (
                  <>
                    <RowLink to={`/customers/${customer.id}`}>{customer.name}</RowLink>
                    <span className="muted block small">
                      {customer.username ? `@${customer.username} · ` : ''}
                      {customer.id}
                      {customer.blocked ? (
                        <>
                          {' '}
                          <Badge tone="danger">{t('customers.blocked')}</Badge>
                        </>
                      ) : null}
                    </span>
                  </>
                ),
              },
              { key: 'phone', header: t('customers.phone'), className: 'hide-sm', cell: (customer) => customer.phone ?? <span className="muted">—</span> },
              {
                key: 'tags',
                header: t('customers.tags'),
                className: 'hide-sm',
                cell: (customer) => (
                  <span className="tag-list">
                    {customer.tags.map((item) => (
                      <Badge key={item}>{item}</Badge>
                    ))}
                  </span>
                ),
              },
              { key: 'seen', header: t('customers.lastSeen'), className: 'muted cell-amount', cell: (customer) => relative(customer.lastSeenAt, nowMs, locale) },
            ]}
          />
        )}
      </ListCard>
    </>
  );
}

interface Profile {
  customer: Customer;
  isAdmin: boolean;
  orders: { total: number; items: { id: number; number: string; status: string; totalMinor: number; currency: string; createdAt: number }[] } | null;
  wallet: { balance: number; entries: { id: number; kind: string; amount: number; reason: string; created_at: number }[] } | null;
}

function CustomerView(props: { id: number }) {
  const t = useT();
  const { locale } = useI18n();
  const { me, can } = useSession();
  const resource = useResource<Profile>(`/api/admin/customers/${props.id}`);
  const [tag, setTag] = useState('');
  const [composing, setComposing] = useState(false);
  const [message, setMessage] = useState('');
  const { busy, run } = useAction();
  const writable = can('customers:write');
  const tz = me.business.timeZone;

  const addTag = (event: FormEvent) => {
    event.preventDefault();
    if (!tag.trim()) return;
    void run(() => api('POST', `/api/admin/customers/${props.id}/tags`, { tag: tag.trim() })).then((ok) => {
      if (!ok) return;
      setTag('');
      resource.reload();
    });
  };
  const removeTag = (value: string) => void run(() => api('DELETE', `/api/admin/customers/${props.id}/tags/${encodeURIComponent(value)}`)).then((ok) => ok && resource.reload());
  const send = () =>
    void run(() => api('POST', `/api/admin/customers/${props.id}/message`, { text: message }), t('customers.messageQueued')).then((ok) => {
      if (!ok) return;
      setComposing(false);
      setMessage('');
    });

  return (
    <>
      <BackLink to="/customers" label="customers.title" />
      <Async resource={resource} rows={6}>
        {(data) => (
          <>
            <PageHeader
              title={
                <>
                  {data.customer.name} {data.isAdmin ? <Badge tone="accent">{t('customers.admin')}</Badge> : null} {data.customer.blocked ? <Badge tone="danger">{t('customers.blocked')}</Badge> : null}
                </>
              }
              subtitle={`${data.customer.username ? `@${data.customer.username} · ` : ''}Telegram id ${data.customer.id}`}
              actions={
                writable ? (
                  <Button variant="primary" onClick={() => setComposing(true)} disabled={data.customer.blocked} title={data.customer.blocked ? t('customers.blockedHint') : undefined}>
                    <Icon name="send" /> {t('customers.message')}
                  </Button>
                ) : null
              }
            />
            <div className="grid-main-side">
              <div className="stack">
                {data.orders ? (
                  <Card title={t('customers.orders', { n: data.orders.total })} padded={false}>
                    {data.orders.items.length === 0 ? (
                      <div className="card-body">
                        <Empty title={t('customers.noOrders')} />
                      </div>
                    ) : (
                      <OrderSummaryTable orders={data.orders.items} />
                    )}
                  </Card>
                ) : null}
                {data.wallet ? (
                  <Card title={t('customers.wallet')}>
                    <p className="big-number">{data.wallet.balance}</p>
                    {data.wallet.entries.length === 0 ? (
                      <p className="muted">{t('customers.noLedger')}</p>
                    ) : (
                      <ul className="ledger">
                        {data.wallet.entries.map((entry) => (
                          <li key={entry.id}>
                            <span>{entry.reason}</span>
                            <strong className={entry.amount >= 0 ? 'positive' : 'negative'}>{entry.amount > 0 ? `+${entry.amount}` : entry.amount}</strong>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Card>
                ) : null}
              </div>
              <div className="stack">
                <Card title={t('customers.profile')}>
                  <dl className="facts">
                    <dt>{t('customers.phone')}</dt>
                    <dd>{data.customer.phone ?? '—'}</dd>
                    <dt>{t('customers.language')}</dt>
                    <dd>{LANGUAGE_LABEL[data.customer.locale] ?? data.customer.locale}</dd>
                    <dt>{t('customers.firstSeen')}</dt>
                    <dd>{dateTime(data.customer.firstSeenAt, locale, tz)}</dd>
                    <dt>{t('customers.lastSeen')}</dt>
                    <dd>{dateTime(data.customer.lastSeenAt, locale, tz)}</dd>
                  </dl>
                </Card>
                <Card title={t('customers.tags')}>
                  <div className="tag-list">
                    {data.customer.tags.length === 0 ? <span className="muted">{t('customers.noTags')}</span> : null}
                    {data.customer.tags.map((item) => (
                      <span key={item} className="chip">
                        {item}
                        {writable ? (
                          <button onClick={() => void removeTag(item)} aria-label={t('customers.removeTag', { tag: item })}>
                            ×
                          </button>
                        ) : null}
                      </span>
                    ))}
                  </div>
                  {writable ? (
                    <form className="inline-form" onSubmit={addTag}>
                      <input value={tag} onChange={(event) => setTag(event.target.value)} placeholder={t('customers.newTag')} aria-label={t('customers.newTag')} maxLength={64} />
                      <Button type="submit" disabled={!tag.trim()}>
                        {t('common.add')}
                      </Button>
                    </form>
                  ) : null}
                </Card>
              </div>
            </div>
            {composing ? (
              <ConfirmDialog title={t('customers.messageTo', { name: data.customer.name })} confirm={t('customers.send')} busy={busy} disabled={!message.trim()} onClose={() => setComposing(false)} onConfirm={send}>
                <Field label={t('customers.messageText')} hint={t('customers.messageHint')}>
                  <textarea rows={5} maxLength={4000} value={message} onChange={(event) => setMessage(event.target.value)} />
                </Field>
              </ConfirmDialog>
            ) : null}
          </>
        )}
      </Async>
    </>
  );
}
