// The clinic's ERP as Lavka's store (connectors.clinic): whether it answers, when each round
// with it last ran and what it did (a round can be started at once), and the writes it is
// still owed. The page is in the panel only while the connector is configured.

import { Fragment } from 'react';
import { api, useResource } from '../api.ts';
import { useAction } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, PageHeader, type Tone } from '../components/ui.tsx';
import { dateTime } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.tsx';

interface RoundOutcome {
  ok: boolean;
  at: number;
  summary: Record<string, number>;
  error: string | null;
}

interface Overview {
  url: string;
  state: 'closed' | 'open' | 'half_open';
  lastFailure: string | null;
  rounds: { name: string; outcome: RoundOutcome | null }[];
  queue: Partial<Record<'pending' | 'sent' | 'refused' | 'expired', number>>;
  refused: { operation: string; key: string; error: string | null; at: number }[];
}

const STATE_TONE: Record<Overview['state'], Tone> = { closed: 'ok', open: 'danger', half_open: 'warn' };
const QUEUE = ['pending', 'sent', 'refused', 'expired'] as const;

/** The Clinic ERP page. */
export function ClinicErpPage() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const resource = useResource<Overview>('/api/clinic-erp');
  const action = useAction();
  const known = (key: string): key is MessageKey => t.has(key);

  const summaryText = (summary: Record<string, number>) =>
    Object.entries(summary)
      .map(([name, n]) => (known(`clinicErp.summary.${name}`) ? t(`clinicErp.summary.${name}` as MessageKey, { n }) : `${name}: ${n}`))
      .join(', ');
  const run = (name: string) => action.run(() => api('POST', `/api/clinic-erp/rounds/${name}`, {}).then(resource.reload), t('clinicErp.ran'));

  return (
    <>
      <PageHeader
        title={t('clinicErp.title')}
        subtitle={t('clinicErp.hint')}
        actions={
          <Button onClick={resource.reload} busy={resource.loading}>
            {t('clinicErp.refresh')}
          </Button>
        }
      />
      <Async resource={resource} rows={6}>
        {(data) => (
          <div className="stack">
            <div className={`status-banner ${data.state === 'closed' ? 'ok' : data.state === 'open' ? 'danger' : 'warn'}`} role="status">
              <Icon name={data.state === 'closed' ? 'check' : 'alert'} />
              <strong>{t(`clinicErp.state.${data.state}`)}</strong>
            </div>
            <div className="grid-2">
              <Card title={t('clinicErp.rounds')} padded={false}>
                <ul className="list">
                  {data.rounds.map(({ name, outcome }) => (
                    <li key={name} className="list-item" data-round={name}>
                      <span className="list-main">
                        <strong>{known(`clinicErp.round.${name}`) ? t(`clinicErp.round.${name}` as MessageKey) : name}</strong>
                        {known(`clinicErp.round.${name}.hint`) ? <span className="muted small">{t(`clinicErp.round.${name}.hint` as MessageKey)}</span> : null}
                        <span className="small">
                          {outcome ? `${dateTime(outcome.at, locale, me.business.timeZone)} · ${outcome.ok ? summaryText(outcome.summary) : (outcome.error ?? t('clinicErp.failed'))}` : t('clinicErp.never')}
                        </span>
                      </span>
                      {outcome ? <Badge tone={outcome.ok ? 'ok' : 'danger'}>{outcome.ok ? t('clinicErp.ran') : t('clinicErp.failed')}</Badge> : null}
                      <Button size="sm" onClick={() => void run(name)} busy={action.busy}>
                        {t('clinicErp.runNow')}
                      </Button>
                    </li>
                  ))}
                </ul>
              </Card>
              <Card title={t('clinicErp.address')}>
                <dl className="facts">
                  <dt>{t('clinicErp.address')}</dt>
                  <dd>
                    <code>{data.url}</code>
                  </dd>
                  <dt>{t('clinicErp.state.closed')}</dt>
                  <dd>
                    <Badge tone={STATE_TONE[data.state]}>{t(`clinicErp.state.${data.state}`)}</Badge>
                  </dd>
                  {data.lastFailure ? (
                    <>
                      <dt>{t('clinicErp.lastFailure')}</dt>
                      <dd className="small">{data.lastFailure}</dd>
                    </>
                  ) : null}
                </dl>
              </Card>
            </div>
            <Card title={t('clinicErp.queue')}>
              <p className="muted small">{t('clinicErp.queue.hint')}</p>
              <dl className="facts">
                {QUEUE.map((status) => (
                  <Fragment key={status}>
                    <dt>{t(`clinicErp.queue.${status}`)}</dt>
                    <dd data-queue={status}>{data.queue[status] ?? 0}</dd>
                  </Fragment>
                ))}
              </dl>
              {data.refused.length > 0 ? (
                <>
                  <h3 className="small">{t('clinicErp.refusedList')}</h3>
                  <ul className="list">
                    {data.refused.map((item) => (
                      <li key={item.key} className="list-item">
                        <span className="list-main">
                          <strong>{item.operation}</strong>
                          <span className="muted small">{item.error}</span>
                        </span>
                        <span className="muted small">{dateTime(item.at, locale, me.business.timeZone)}</span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </Card>
          </div>
        )}
      </Async>
    </>
  );
}
