// The webhooks of the Integrations page: where the business's systems hear what happened
// (an order moved, a payment came), each delivery with the receiver's answer, and a way to
// send one again.

import { useState } from 'react';
import { api, useResource } from '../api.ts';
import { DataTable, FormDialog, useAction } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Dialog, Empty, Field, toast, useErrorText } from '../components/ui.tsx';
import { dateTime, relative } from '../format.ts';
import { useI18n, useT } from '../i18n.ts';
import { useSession } from '../session.tsx';

interface Endpoint {
  id: number;
  url: string;
  description: string;
  eventTypes: string[];
  state: 'enabled' | 'disabled';
  disabledReason: 'owner' | 'failing' | null;
  failingSince: number | null;
  /** Set up from the config file (`orders_backend`): paused and resumed here, changed only there. */
  managedBy: string | null;
}

interface Delivery {
  id: number;
  eventId: string;
  type: string;
  resource: { type: string; id: string };
  sequence: number;
  status: 'pending' | 'delivered' | 'expired';
  attempts: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

const DELIVERY_TONE = { pending: 'warn', delivered: 'ok', expired: 'neutral' } as const;

/** An endpoint's state: on, failing and retrying, paused, or off after failing. */
function EndpointState(props: { endpoint: Endpoint }) {
  const t = useT();
  const { endpoint } = props;
  if (endpoint.state === 'disabled') return <Badge tone="danger">{t(endpoint.disabledReason === 'failing' ? 'webhooks.disabledFailing' : 'webhooks.disabled')}</Badge>;
  return endpoint.failingSince ? <Badge tone="warn">{t('webhooks.failing')}</Badge> : <Badge tone="ok">{t('webhooks.enabled')}</Badge>;
}

/** The webhooks card. */
export function WebhooksCard() {
  const t = useT();
  const errorText = useErrorText();
  const resource = useResource<{ endpoints: Endpoint[]; eventTypes: string[] }>('/api/integrations/webhooks');
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<Endpoint>();

  const act = async (task: () => Promise<unknown>, done: string) => {
    try {
      await task();
      toast(done);
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    }
  };

  return (
    <Card
      title={t('webhooks.title')}
      actions={
        <Button size="sm" onClick={() => setAdding(true)}>
          <Icon name="plus" /> {t('webhooks.add')}
        </Button>
      }
      padded={false}
    >
      <p className="card-note muted small">{t('webhooks.hint')}</p>
      <Async resource={resource} rows={2} isEmpty={(data) => data.endpoints.length === 0} empty={<Empty title={t('webhooks.empty')} hint={t('webhooks.emptyHint')} />}>
        {(data) => (
          <DataTable
            rows={data.endpoints}
            rowKey={(endpoint) => endpoint.id}
            rowClassName={(endpoint) => (endpoint.state === 'enabled' ? undefined : 'row-muted')}
            columns={[
              {
                key: 'url',
                header: 'URL',
                className: 'wrap',
                cell: (endpoint) => (
                  <>
                    <code>{endpoint.url}</code>
                    {endpoint.managedBy ? (
                      <div className="small">
                        <Badge tone="neutral">{t(endpoint.managedBy === 'orders_backend' ? 'webhooks.ordersBackend' : 'webhooks.managed')}</Badge> <span className="muted">{t('webhooks.managedHint')}</span>
                      </div>
                    ) : null}
                    {endpoint.description ? <div className="muted small">{endpoint.description}</div> : null}
                  </>
                ),
              },
              { key: 'events', header: t('webhooks.events'), className: 'hide-sm small', cell: (endpoint) => endpoint.eventTypes.join(', ') },
              { key: 'state', header: t('integrations.state'), cell: (endpoint) => <EndpointState endpoint={endpoint} /> },
              {
                key: 'actions',
                header: <span className="visually-hidden">{t('payments.actions')}</span>,
                className: 'actions',
                cell: (endpoint) => (
                  <>
                    <Button size="sm" variant="ghost" onClick={() => setOpen(endpoint)}>
                      {t('webhooks.deliveries')}
                    </Button>
                    {endpoint.state === 'enabled' ? (
                      <Button size="sm" variant="ghost" onClick={() => void act(() => api('PATCH', `/api/integrations/webhooks/${endpoint.id}`, { enabled: false }), t('webhooks.paused'))}>
                        {t('webhooks.pause')}
                      </Button>
                    ) : (
                      <Button size="sm" onClick={() => void act(() => api('PATCH', `/api/integrations/webhooks/${endpoint.id}`, { enabled: true }), t('webhooks.resumed'))}>
                        {t('webhooks.resume')}
                      </Button>
                    )}
                    {endpoint.managedBy ? null : (
                      <>
                        <Button size="sm" variant="ghost" onClick={() => void api<{ secret: string }>('GET', `/api/integrations/webhooks/${endpoint.id}/secret`).then((answer) => setSecret(answer.secret), (error: Error) => toast(errorText(error), 'danger'))}>
                          {t('webhooks.secret')}
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => window.confirm(t('webhooks.removeConfirm', { url: endpoint.url })) && void act(() => api('DELETE', `/api/integrations/webhooks/${endpoint.id}`), t('webhooks.removed'))}
                        >
                          {t('common.delete')}
                        </Button>
                      </>
                    )}
                  </>
                ),
              },
            ]}
          />
        )}
      </Async>
      {adding && resource.data ? (
        <AddEndpoint
          eventTypes={resource.data.eventTypes}
          onClose={() => setAdding(false)}
          onAdded={(created) => {
            setAdding(false);
            setSecret(created);
            resource.reload();
          }}
        />
      ) : null}
      {secret ? <SecretDialog secret={secret} onClose={() => setSecret(undefined)} /> : null}
      {open ? <DeliveriesDialog endpoint={open} onClose={() => setOpen(undefined)} /> : null}
    </Card>
  );
}

function AddEndpoint(props: { eventTypes: readonly string[]; onClose(): void; onAdded(secret: string): void }) {
  const t = useT();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const send = async () => {
    const created = await api<{ secret: string }>('POST', '/api/integrations/webhooks', { url: url.trim(), description: description.trim() || undefined, eventTypes: chosen });
    props.onAdded(created.secret);
  };
  return (
    <FormDialog
      title={t('webhooks.add')}
      formId="endpoint-form"
      submitLabel={t('common.add')}
      ready={Boolean(url.trim())}
      wide
      check={() => (chosen.length === 0 ? t('webhooks.chooseEvent') : undefined)}
      send={send}
      onClose={props.onClose}
    >
      <Field label="URL" hint={t('webhooks.urlHint')}>
        <input type="url" value={url} placeholder="https://erp.example.kz/hooks/lavka" onChange={(event) => setUrl(event.target.value)} maxLength={2000} autoFocus />
      </Field>
      <Field label={t('webhooks.description')}>
        <input value={description} onChange={(event) => setDescription(event.target.value)} maxLength={200} />
      </Field>
      <fieldset className="scope-grid">
        <legend>{t('webhooks.events')}</legend>
        <div className="event-grid">
          {props.eventTypes.map((type) => (
            <label key={type} className="check">
              <input type="checkbox" checked={chosen.includes(type)} onChange={() => setChosen(chosen.includes(type) ? chosen.filter((item) => item !== type) : [...chosen, type])} /> <code>{type}</code>
            </label>
          ))}
        </div>
      </fieldset>
    </FormDialog>
  );
}

function SecretDialog(props: { secret: string; onClose(): void }) {
  const t = useT();
  return (
    <Dialog
      title={t('webhooks.secretTitle')}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose}>
          {t('common.close')}
        </Button>
      }
    >
      <p>{t('webhooks.secretHint')}</p>
      <p className="secret-line">
        <code data-webhook-secret>{props.secret}</code>
      </p>
    </Dialog>
  );
}

function DeliveriesDialog(props: { endpoint: Endpoint; onClose(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const resource = useResource<{ deliveries: Delivery[] }>(`/api/integrations/webhooks/${props.endpoint.id}/deliveries`);
  const { busy, run } = useAction();
  const resend = async (delivery: Delivery) => {
    if (await run(() => api('POST', `/api/integrations/webhooks/${props.endpoint.id}/deliveries/${delivery.id}/redeliver`), t('webhooks.resent'))) resource.reload();
  };
  return (
    <Dialog title={`${t('webhooks.deliveries')} · ${props.endpoint.url}`} onClose={props.onClose} wide>
      <Async resource={resource} rows={4} isEmpty={(data) => data.deliveries.length === 0} empty={<Empty title={t('webhooks.noDeliveries')} />}>
        {(data) => (
          <DataTable
            rows={data.deliveries}
            rowKey={(delivery) => delivery.id}
            columns={[
              {
                key: 'event',
                header: t('webhooks.event'),
                cell: (delivery) => (
                  <>
                    <code>{delivery.type}</code>
                    <div className="muted small">
                      {delivery.resource.type} {delivery.resource.id} · #{delivery.sequence}
                    </div>
                  </>
                ),
              },
              {
                key: 'status',
                header: t('integrations.state'),
                cell: (delivery) => (
                  <>
                    <Badge tone={DELIVERY_TONE[delivery.status]}>{t(`webhooks.status.${delivery.status}`)}</Badge>
                    <div className="muted small">{t('webhooks.attempts', { n: delivery.attempts })}</div>
                  </>
                ),
              },
              { key: 'answer', header: t('webhooks.answer'), className: 'hide-sm small', cell: (delivery) => (delivery.lastStatus ? `HTTP ${delivery.lastStatus}` : (delivery.lastError ?? '—')) },
              {
                key: 'when',
                header: t('webhooks.when'),
                className: 'hide-sm muted small',
                cell: (delivery) => (
                  <span title={delivery.lastAttemptAt ? dateTime(delivery.lastAttemptAt, locale, me.business.timeZone) : undefined}>
                    {delivery.lastAttemptAt ? relative(delivery.lastAttemptAt, Date.now(), locale) : '—'}
                    {delivery.status === 'pending' && delivery.nextAttemptAt ? <div>{t('webhooks.nextAttempt', { when: relative(delivery.nextAttemptAt, Date.now(), locale) })}</div> : null}
                  </span>
                ),
              },
              {
                key: 'actions',
                header: <span className="visually-hidden">{t('payments.actions')}</span>,
                className: 'actions',
                cell: (delivery) =>
                  delivery.status === 'pending' ? null : (
                    <Button size="sm" variant="ghost" busy={busy} onClick={() => void resend(delivery)}>
                      {t('webhooks.resend')}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Async>
    </Dialog>
  );
}
