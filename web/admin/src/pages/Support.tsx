// The support inbox: the clinic's tickets and the shop's "Write to us" conversations with
// their status, one conversation as a chat, an answer (delivered in the bot through the
// outbox) and closing.

import { useState } from 'react';
import { api, query, useResource } from '../api.ts';
import { BackLink, ConfirmDialog, DataTable, FilterBar, ListCard, RowLink, StatusBadge, usePageParam, useAction } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Field, PageHeader, Segmented, type Tone } from '../components/ui.tsx';
import { dateTime, relative } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';

type Status = 'open' | 'answered' | 'closed';
const STATUSES: readonly Status[] = ['open', 'answered', 'closed'];
const TONE: Record<string, Tone> = { open: 'accent', answered: 'info', closed: 'neutral' };

interface Ticket {
  id: number;
  user_id: number;
  status: Status;
  subject: string;
  created_at: number;
  updated_at: number;
  who: string;
}
interface TicketMessage {
  id: number;
  author: 'patient' | 'staff';
  author_id: string | null;
  text: string;
  created_at: number;
}
interface Thread {
  userId: number;
  status: Status;
  lastMessageAt: number;
  lastText: string | null;
  lastKind: 'text' | 'photo' | 'document' | null;
  customer: { name: string; username: string | null } | null;
}
type Entry = { author: 'customer'; id: number; kind: 'text' | 'photo' | 'document'; text: string | null; createdAt: number } | { author: 'staff'; id: number; staffName: string; text: string; createdAt: number };

/** A conversation's status as a coloured label. */
function ThreadStatus(props: { status: string }) {
  return <StatusBadge status={props.status} prefix="support.status" tones={TONE} />;
}

/** The support page: a ticket or a conversation when the path names one, else the inbox. */
export function SupportPage(props: { path: string[] }) {
  const [kind, raw] = props.path;
  const id = Number(raw);
  if (kind === 'tickets' && Number.isInteger(id) && id > 0) return <TicketView id={id} />;
  if (kind === 'messages' && Number.isInteger(id) && id > 0) return <ConversationView userId={id} />;
  return <Inbox />;
}

function Inbox() {
  const t = useT();
  const { me } = useSession();
  const { search } = useRoute();
  const hasTickets = me.modules.includes('tickets');
  const hasMessages = me.modules.includes('support');
  const tab = search.get('tab') === 'messages' || !hasTickets ? 'messages' : 'tickets';
  const status = search.get('status') ?? 'open';
  return (
    <>
      <PageHeader
        title={t('support.title')}
        actions={
          hasTickets && hasMessages ? (
            <Segmented
              label={t('support.title')}
              value={tab}
              onChange={(value) => navigate(`/support?tab=${value}`, { replace: true })}
              options={[
                { value: 'tickets', label: t('support.tickets') },
                { value: 'messages', label: t('support.messages') },
              ]}
            />
          ) : null
        }
      />
      <FilterBar>
        <Segmented
          label={t('support.statusFilter')}
          value={status}
          onChange={(value) => setQuery({ status: value, page: undefined })}
          options={[...STATUSES.map((value) => ({ value, label: t(`support.status.${value}` as MessageKey) })), { value: 'all', label: t('support.all') }]}
        />
      </FilterBar>
      {tab === 'tickets' ? <TicketList status={status} /> : <ThreadList status={status} />}
    </>
  );
}

function TicketList(props: { status: string }) {
  const t = useT();
  const { locale } = useI18n();
  const page = usePageParam();
  const resource = useResource<{ tickets: Ticket[]; page: number; pages: number; total: number }>(`/api/tickets${query({ status: props.status === 'all' ? undefined : props.status, page, pageSize: 25 })}`);
  const nowMs = Date.now();
  return (
    <ListCard resource={resource} isEmpty={(data) => data.tickets.length === 0} emptyTitle={props.status === 'open' ? t('support.noneOpen') : t('support.none')} emptyHint={t('support.emptyHint')} paged={(data) => data}>
      {(data) => (
        <DataTable
          stack
          rows={data.tickets}
          rowKey={(ticket) => ticket.id}
          onRowClick={(ticket) => navigate(`/support/tickets/${ticket.id}`)}
          columns={[
            {
              key: 'subject',
              header: t('support.subject'),
              className: 'cell-title',
              cell: (ticket) => (
                <RowLink to={`/support/tickets/${ticket.id}`}>
                  №{ticket.id} · {ticket.subject}
                </RowLink>
              ),
            },
            { key: 'who', header: t('support.from'), className: 'cell-sub', cell: (ticket) => ticket.who },
            { key: 'status', header: t('support.status'), className: 'cell-badge', cell: (ticket) => <ThreadStatus status={ticket.status} /> },
            { key: 'updated', header: t('support.updated'), className: 'num cell-amount muted', cell: (ticket) => relative(ticket.updated_at, nowMs, locale) },
          ]}
        />
      )}
    </ListCard>
  );
}

function ThreadList(props: { status: string }) {
  const t = useT();
  const { locale } = useI18n();
  const page = usePageParam();
  const resource = useResource<{ threads: Thread[]; page: number; pages: number; total: number }>(`/api/support${query({ status: props.status === 'all' ? undefined : props.status, page, pageSize: 25 })}`);
  const nowMs = Date.now();
  return (
    <ListCard resource={resource} isEmpty={(data) => data.threads.length === 0} emptyTitle={props.status === 'open' ? t('support.noneOpen') : t('support.none')} emptyHint={t('support.emptyHint')} paged={(data) => data}>
      {(data) => (
        <DataTable
          stack
          rows={data.threads}
          rowKey={(thread) => thread.userId}
          onRowClick={(thread) => navigate(`/support/messages/${thread.userId}`)}
          columns={[
            {
              key: 'who',
              header: t('support.from'),
              className: 'cell-title',
              cell: (thread) => <RowLink to={`/support/messages/${thread.userId}`}>{thread.customer?.name ?? `#${thread.userId}`}</RowLink>,
            },
            {
              key: 'last',
              header: t('support.lastMessage'),
              className: 'cell-sub',
              cell: (thread) => (
                <span className="clamp-2 message-preview">
                  {thread.lastKind && thread.lastKind !== 'text' ? <Badge>{t(`support.kind.${thread.lastKind}` as MessageKey)}</Badge> : null} {thread.lastText ?? ''}
                </span>
              ),
            },
            { key: 'status', header: t('support.status'), className: 'cell-badge', cell: (thread) => <ThreadStatus status={thread.status} /> },
            { key: 'updated', header: t('support.updated'), className: 'num cell-amount muted', cell: (thread) => relative(thread.lastMessageAt, nowMs, locale) },
          ]}
        />
      )}
    </ListCard>
  );
}

/** A conversation as chat bubbles: the customer's on the left, the staff's on the right. */
function Bubbles(props: { entries: { key: string; mine: boolean; who: string; text: string | null; badge?: string; at: number }[] }) {
  const { locale } = useI18n();
  const { me } = useSession();
  return (
    <ol className="chat" aria-live="polite">
      {props.entries.map((entry) => (
        <li key={entry.key} className={`bubble ${entry.mine ? 'bubble-staff' : 'bubble-customer'}`}>
          <span className="bubble-meta">
            {entry.who} · {dateTime(entry.at, locale, me.business.timeZone)}
          </span>
          {entry.badge ? <Badge>{entry.badge}</Badge> : null}
          {entry.text ? <p className="bubble-text">{entry.text}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** The answer box and the close button of a conversation. */
function Composer(props: { closed: boolean; replyPath: string; closePath: string; onChanged(): void; maxLength: number }) {
  const t = useT();
  const [text, setText] = useState('');
  const [closing, setClosing] = useState(false);
  const { busy, run } = useAction();
  const send = () =>
    void run(() => api('POST', props.replyPath, { text: text.trim() }), t('support.sent')).then((ok) => {
      if (!ok) return;
      setText('');
      props.onChanged();
    });
  if (props.closed) return <p className="muted composer-closed">{t('support.closedHint')}</p>;
  return (
    <form
      className="composer-box"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <Field label={t('support.answer')} hint={t('support.answerHint')}>
        <textarea rows={4} maxLength={props.maxLength} value={text} onChange={(event) => setText(event.target.value)} />
      </Field>
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} disabled={!text.trim()}>
          <Icon name="send" /> {t('support.send')}
        </Button>
        <Button type="button" variant="ghost" onClick={() => setClosing(true)}>
          {t('support.close')}
        </Button>
      </div>
      {closing ? (
        <ConfirmDialog
          title={t('support.closeTitle')}
          confirm={t('support.close')}
          busy={busy}
          onClose={() => setClosing(false)}
          onConfirm={() =>
            void run(() => api('POST', props.closePath), t('support.closedDone')).then((ok) => {
              setClosing(false);
              if (ok) props.onChanged();
            })
          }
        >
          <p>{t('support.closeText')}</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

function TicketView(props: { id: number }) {
  const t = useT();
  const resource = useResource<{ ticket: Ticket; who: string; messages: TicketMessage[] }>(`/api/tickets/${props.id}`);
  return (
    <>
      <BackLink to="/support?tab=tickets" label="support.title" />
      <Async resource={resource} rows={6}>
        {({ ticket, who, messages }) => (
          <>
            <PageHeader
              title={
                <>
                  {t('support.ticket', { id: ticket.id })} <ThreadStatus status={ticket.status} />
                </>
              }
              subtitle={who}
            />
            <Card className="conversation">
              <Bubbles
                entries={messages.map((message) => ({
                  key: String(message.id),
                  mine: message.author === 'staff',
                  who: message.author === 'staff' ? (message.author_id && !/^\d+$/.test(message.author_id) ? message.author_id : t('support.staff')) : who,
                  text: message.text,
                  at: message.created_at,
                }))}
              />
              <Composer closed={ticket.status === 'closed'} replyPath={`/api/tickets/${ticket.id}/reply`} closePath={`/api/tickets/${ticket.id}/close`} onChanged={resource.reload} maxLength={3500} />
            </Card>
          </>
        )}
      </Async>
    </>
  );
}

function ConversationView(props: { userId: number }) {
  const t = useT();
  const { me } = useSession();
  const resource = useResource<{ thread: { status: Status }; customer: Thread['customer']; entries: Entry[] }>(`/api/support/${props.userId}`);
  return (
    <>
      <BackLink to="/support?tab=messages" label="support.title" />
      <Async resource={resource} rows={6}>
        {({ thread, customer, entries }) => {
          const name = customer?.name ?? `#${props.userId}`;
          return (
            <>
              <PageHeader
                title={
                  <>
                    {name} <ThreadStatus status={thread.status} />
                  </>
                }
                subtitle={
                  <>
                    {customer?.username ? `@${customer.username} · ` : ''}
                    {me.pages.includes('customers') ? <Link to={`/customers/${props.userId}`}>Telegram id {props.userId}</Link> : `Telegram id ${props.userId}`}
                  </>
                }
              />
              <Card className="conversation">
                <Bubbles
                  entries={entries.map((entry) => ({
                    key: `${entry.author}-${entry.id}`,
                    mine: entry.author === 'staff',
                    who: entry.author === 'staff' ? entry.staffName : name,
                    text: entry.text,
                    badge: entry.author === 'customer' && entry.kind !== 'text' ? t(`support.kind.${entry.kind}` as MessageKey) : undefined,
                    at: entry.createdAt,
                  }))}
                />
                <Composer closed={thread.status === 'closed'} replyPath={`/api/support/${props.userId}/reply`} closePath={`/api/support/${props.userId}/close`} onChanged={resource.reload} maxLength={3500} />
              </Card>
            </>
          );
        }}
      </Async>
    </>
  );
}
