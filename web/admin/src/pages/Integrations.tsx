// Integrations: the API keys the owner gives the business's other systems (an ERP, a warehouse,
// a site). A key's secret is shown once, when it is made; afterwards only its prefix.

import { useState } from 'react';
import { api, useResource } from '../api.ts';
import { DataTable, FormDialog } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Dialog, Empty, Field, PageHeader, toast, useErrorText } from '../components/ui.tsx';
import { dateInputToMs, dateTime, relative, todayIn } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { WebhooksCard } from './Webhooks.tsx';

interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  state: 'active' | 'revoked' | 'expired';
  expiresAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

interface KeysAnswer {
  keys: ApiKey[];
  resources: string[];
}

const STATE_TONE = { active: 'ok', revoked: 'danger', expired: 'neutral' } as const;

/** "Orders: change · Catalogue: read" for a key's scopes. */
function scopeSummary(scopes: readonly string[], t: ReturnType<typeof useT>): string {
  const byResource = new Map<string, string>();
  for (const scope of scopes) {
    const [resource, access] = scope.split(':') as [string, string];
    if (access === 'write' || !byResource.has(resource)) byResource.set(resource, access);
  }
  return [...byResource].map(([resource, access]) => `${t(`integrations.resource.${resource}` as MessageKey)}: ${t(access === 'write' ? 'integrations.write' : 'integrations.read').toLowerCase()}`).join(' · ');
}

/** The Integrations page. */
export function IntegrationsPage() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const errorText = useErrorText();
  const resource = useResource<KeysAnswer>('/api/integrations/keys');
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string>();

  const revoke = async (key: ApiKey) => {
    if (!window.confirm(t('integrations.revokeConfirm', { name: key.name }))) return;
    try {
      await api('POST', `/api/integrations/keys/${key.id}/revoke`);
      toast(t('integrations.revoked'));
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    }
  };

  return (
    <>
      <PageHeader
        title={t('integrations.title')}
        subtitle={t('integrations.subtitle')}
        actions={
          <>
            <a className="btn btn-ghost btn-md" href="/api/v1/docs" target="_blank" rel="noreferrer">
              {t('integrations.reference')}
            </a>
            <Button variant="primary" onClick={() => setCreating(true)}>
              <Icon name="plus" /> {t('integrations.newKey')}
            </Button>
          </>
        }
      />
      <div className="stack">
        <Card padded={false}>
          <Async
            resource={resource}
            rows={3}
            isEmpty={(data) => data.keys.length === 0}
            empty={<Empty title={t('integrations.empty')} hint={t('integrations.emptyHint')} />}
          >
            {(data) => (
              <DataTable
                rows={data.keys}
                rowKey={(key) => key.id}
                rowClassName={(key) => (key.state === 'active' ? undefined : 'row-muted')}
                columns={[
                  { key: 'name', header: t('integrations.name'), cell: (key) => key.name },
                  { key: 'prefix', header: t('integrations.key'), cell: (key) => <code>{key.prefix}…</code> },
                  { key: 'scopes', header: t('integrations.scopes'), className: 'hide-sm small', cell: (key) => scopeSummary(key.scopes, t) },
                  { key: 'state', header: t('integrations.state'), cell: (key) => <Badge tone={STATE_TONE[key.state]}>{t(`integrations.state.${key.state}` as MessageKey)}</Badge> },
                  {
                    key: 'used',
                    header: t('integrations.lastUsed'),
                    className: 'hide-sm muted',
                    cell: (key) => (
                      <span title={key.lastUsedAt ? dateTime(key.lastUsedAt, locale, me.business.timeZone) : undefined}>
                        {key.lastUsedAt ? `${relative(key.lastUsedAt, Date.now(), locale)}${key.lastUsedIp ? ` · ${key.lastUsedIp}` : ''}` : t('integrations.never')}
                      </span>
                    ),
                  },
                  { key: 'expires', header: t('integrations.expires'), className: 'hide-sm muted', cell: (key) => (key.expiresAt ? dateTime(key.expiresAt, locale, me.business.timeZone) : t('integrations.noExpiry')) },
                  {
                    key: 'actions',
                    header: <span className="visually-hidden">{t('payments.actions')}</span>,
                    className: 'actions',
                    cell: (key) =>
                      key.state === 'active' ? (
                        <Button size="sm" variant="ghost" onClick={() => void revoke(key)}>
                          {t('integrations.revoke')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            )}
          </Async>
        </Card>
        <WebhooksCard />
      </div>
      {creating && resource.data ? (
        <CreateKey
          resources={resource.data.resources}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setSecret(created);
            resource.reload();
          }}
        />
      ) : null}
      {secret ? <ShowSecret secret={secret} onClose={() => setSecret(undefined)} /> : null}
    </>
  );
}

function CreateKey(props: { resources: readonly string[]; onClose(): void; onCreated(secret: string): void }) {
  const t = useT();
  const { me } = useSession();
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Record<string, 'none' | 'read' | 'write'>>({});
  const [expires, setExpires] = useState('');
  const scopes = Object.entries(access).flatMap(([resource, level]) => (level === 'none' ? [] : [`${resource}:${level}`]));
  const send = async () => {
    const expiresAt = expires ? dateInputToMs(expires, true) : undefined;
    const created = await api<{ secret: string }>('POST', '/api/integrations/keys', { name: name.trim(), scopes, ...(expiresAt ? { expiresAt } : {}) });
    props.onCreated(created.secret);
  };
  return (
    <FormDialog
      title={t('integrations.newKey')}
      formId="key-form"
      submitLabel={t('integrations.create')}
      ready={Boolean(name.trim())}
      wide
      check={() => (scopes.length === 0 ? t('integrations.chooseScope') : undefined)}
      send={send}
      onClose={props.onClose}
    >
      <Field label={t('integrations.name')} hint={t('integrations.nameHint')}>
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={64} autoFocus />
      </Field>
      <fieldset className="scope-grid">
        <legend>
          {t('integrations.scopes')} <span className="muted small">{t('integrations.writeHint')}</span>
        </legend>
        <table className="table">
          <thead>
            <tr>
              <th>{t('integrations.resource')}</th>
              <th>{t('integrations.read')}</th>
              <th>{t('integrations.write')}</th>
            </tr>
          </thead>
          <tbody>
            {props.resources.map((resource) => {
              const level = access[resource] ?? 'none';
              const toggle = (wanted: 'read' | 'write') => setAccess({ ...access, [resource]: level === wanted ? 'none' : wanted });
              return (
                <tr key={resource}>
                  <td>{t(`integrations.resource.${resource}` as MessageKey)}</td>
                  <td>
                    <input type="checkbox" aria-label={`${resource}:read`} checked={level !== 'none'} onChange={() => toggle('read')} />
                  </td>
                  <td>
                    <input type="checkbox" aria-label={`${resource}:write`} checked={level === 'write'} onChange={() => toggle('write')} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <Field label={t('integrations.expires')} hint={t('integrations.expiryHint')}>
        <input type="date" value={expires} min={todayIn(me.business.timeZone)} onChange={(event) => setExpires(event.target.value)} />
      </Field>
    </FormDialog>
  );
}

function ShowSecret(props: { secret: string; onClose(): void }) {
  const t = useT();
  const copy = async () => {
    await navigator.clipboard?.writeText(props.secret).catch(() => undefined);
    toast(t('integrations.copied'));
  };
  return (
    <Dialog
      title={t('integrations.created')}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose}>
          {t('integrations.done')}
        </Button>
      }
    >
      <p>{t('integrations.createdHint')}</p>
      <p className="secret-line">
        <code data-secret>{props.secret}</code>{' '}
        <Button size="sm" onClick={() => void copy()}>
          {t('integrations.copy')}
        </Button>
      </p>
    </Dialog>
  );
}
