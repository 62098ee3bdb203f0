// System: whether each dependency answers, what runs (version, preset, modules) and a
// summary of the metrics Prometheus scrapes at /metrics.

import { useResource } from '../api.ts';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, PageHeader } from '../components/ui.tsx';
import { number } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';

interface SystemData {
  version: string;
  node: string;
  preset: string;
  mode: string;
  database: string;
  uptimeSeconds: number;
  memoryMb: number;
  modules: { name: string; hasRoutes: boolean; staffRoles: string[] }[];
  /** `critical: false`: a failure is a warning (the bot keeps working, someone should act). */
  checks: { name: string; ok: boolean; critical?: boolean; detail: string | null; ms: number }[];
  metrics: { updates: number; updateErrors: number; apiCalls: number; apiErrors: number; tooManyRequests: number; outbox: Record<string, number> };
}

function uptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
}

/** The system page. */
export function SystemPage() {
  const t = useT();
  const { locale } = useI18n();
  const resource = useResource<SystemData>('/api/admin/system');
  return (
    <>
      <PageHeader
        title={t('system.title')}
        actions={
          <Button onClick={resource.reload} busy={resource.loading}>
            {t('system.refresh')}
          </Button>
        }
      />
      <Async resource={resource} rows={8}>
        {(data) => {
          const isWarning = (check: SystemData['checks'][number]) => !check.ok && check.critical === false;
          const failing = data.checks.some((check) => !check.ok && !isWarning(check));
          const warning = data.checks.some(isWarning);
          const banner = failing ? 'danger' : warning ? 'warn' : 'ok';
          return (
            <div className="stack">
              <div className={`status-banner ${banner}`} role="status">
                <Icon name={banner === 'ok' ? 'check' : 'alert'} />
                <strong>{failing ? t('system.problems') : warning ? t('system.warnings') : t('system.allOk')}</strong>
              </div>
              <div className="grid-2">
                <Card title={t('system.health')} padded={false}>
                  <ul className="list">
                    {data.checks.map((check) => (
                      <li key={check.name} className="list-item">
                        <span className="list-main">
                          <strong>{check.name}</strong>
                          {check.detail ? <span className="muted small">{check.detail}</span> : null}
                        </span>
                        <span className="muted small">{check.ms} ms</span>
                        <Badge tone={check.ok ? 'ok' : isWarning(check) ? 'warn' : 'danger'}>
                          {check.ok ? t('system.ok') : isWarning(check) ? t('system.warning') : t('system.down')}
                        </Badge>
                      </li>
                    ))}
                  </ul>
                </Card>
                <Card title={t('system.about')}>
                  <dl className="facts">
                    <dt>{t('system.version')}</dt>
                    <dd>Lavka {data.version}</dd>
                    <dt>{t('system.preset')}</dt>
                    <dd>{data.preset}</dd>
                    <dt>{t('system.mode')}</dt>
                    <dd>{t(`system.mode.${data.mode}` as MessageKey)}</dd>
                    <dt>{t('system.database')}</dt>
                    <dd>{data.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</dd>
                    <dt>Node.js</dt>
                    <dd>{data.node}</dd>
                    <dt>{t('system.uptime')}</dt>
                    <dd>{uptime(data.uptimeSeconds)}</dd>
                    <dt>{t('system.memory')}</dt>
                    <dd>{data.memoryMb} MB</dd>
                  </dl>
                </Card>
              </div>
              <Card title={t('system.metrics')}>
                <div className="tiles tiles-compact">
                  {(
                    [
                      ['system.updates', data.metrics.updates],
                      ['system.updateErrors', data.metrics.updateErrors],
                      ['system.apiCalls', data.metrics.apiCalls],
                      ['system.apiErrors', data.metrics.apiErrors],
                      ['system.tooMany', data.metrics.tooManyRequests],
                      ['system.outboxPending', data.metrics.outbox.pending ?? 0],
                    ] as const
                  ).map(([label, value]) => (
                    <div key={label} className="tile">
                      <span className="tile-label">{t(label)}</span>
                      <strong className="tile-value">{number(value, locale)}</strong>
                    </div>
                  ))}
                </div>
                <p className="muted small">{t('system.metricsHint')}</p>
              </Card>
              <Card title={t('system.modules')}>
                <div className="tag-list">
                  {data.modules.map((item) => (
                    <Badge key={item.name} tone={item.hasRoutes ? 'info' : 'neutral'}>
                      {item.name}
                    </Badge>
                  ))}
                </div>
              </Card>
            </div>
          );
        }}
      </Async>
    </>
  );
}
