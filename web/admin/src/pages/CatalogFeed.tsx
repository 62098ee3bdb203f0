// The catalogue feed on the Catalog page: where the feed is, its format and schedule (the
// owner's to change), "Import now", and the latest imports with their summary and problems.
// While an import waits or runs, the list reloads every second to show its progress.

import { useEffect, useState } from 'react';
import { ApiError, api, useResource } from '../api.ts';
import { useAction } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Dialog, Field, toast, type Tone } from '../components/ui.tsx';
import { dateTime, number } from '../format.ts';
import { useI18n, useT } from '../i18n.ts';
import { useSession } from '../session.tsx';

interface FeedSettings {
  url: string | null;
  format: 'yml' | 'csv';
  intervalMinutes: number;
}
interface FeedIssue {
  ref: string;
  field: string;
  code: string;
  message: string;
}
interface FeedRun {
  id: number;
  trigger: 'schedule' | 'manual';
  status: 'queued' | 'running' | 'ok' | 'failed';
  phase: string | null;
  reason: string | null;
  message: string | null;
  feedBytes: number | null;
  offers: number | null;
  added: number;
  updated: number;
  unchanged: number;
  hidden: number;
  pictures: number;
  errorCount: number;
  errors: FeedIssue[];
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}
interface FeedView {
  settings: FeedSettings;
  limits: { maxBytes: number; maxInvalidPercent: number; maxHiddenPercent: number; pictures: boolean };
  runs: FeedRun[];
}

/** The schedules offered, in minutes; 0 is "only by hand". */
const INTERVALS = [0, 15, 30, 60, 180, 360, 720, 1440];
const STATUS_TONE: Record<FeedRun['status'], Tone> = { queued: 'info', running: 'info', ok: 'ok', failed: 'danger' };

const megabytes = (bytes: number, locale: string) => `${number(Math.round((bytes / 1024 / 1024) * 10) / 10, locale)} MB`;

/** The catalogue feed dialog. */
export function FeedDialog(props: { onClose(): void; onImported(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const resource = useResource<FeedView>('/api/catalog/feed');
  const active = resource.data?.runs.some((run) => run.status === 'queued' || run.status === 'running') ?? false;
  const [watching, setWatching] = useState(false);
  const { reload } = resource;
  const { onImported } = props;

  useEffect(() => {
    if (!active) {
      if (watching) {
        setWatching(false);
        onImported();
      }
      return;
    }
    setWatching(true);
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [active, resource.data, reload, watching, onImported]);

  const { busy, run } = useAction();
  const importNow = () => void run(() => api('POST', '/api/catalog/feed/import'), t('catalog.feedQueued')).then((ok) => ok && reload());

  return (
    <Dialog title={t('catalog.feedTitle')} onClose={props.onClose} wide>
      <Async resource={resource} rows={4}>
        {(data) => (
          <div className="stack">
            <p className="muted">{t('catalog.feedHint', { invalid: data.limits.maxInvalidPercent, hidden: data.limits.maxHiddenPercent, size: megabytes(data.limits.maxBytes, locale) })}</p>
            <FeedForm key={JSON.stringify(data.settings)} settings={data.settings} canEdit={me.staff.role === 'owner'} onSaved={reload} />
            <div className="button-row">
              <Button variant="primary" busy={busy || active} disabled={data.settings.url === null || active} onClick={importNow}>
                <Icon name="download" /> {t('catalog.feedImportNow')}
              </Button>
            </div>
            <h3>{t('catalog.feedRuns')}</h3>
            {data.runs.length === 0 ? <p className="muted">{t('catalog.feedNoRuns')}</p> : null}
            <ul className="issue-list feed-runs">
              {data.runs.map((item) => (
                <RunEntry key={item.id} run={item} locale={locale} timeZone={me.business.timeZone} />
              ))}
            </ul>
          </div>
        )}
      </Async>
    </Dialog>
  );
}

/** The owner's form: URL, format, schedule; saved as the live setting `catalog-feed`. */
function FeedForm(props: { settings: FeedSettings; canEdit: boolean; onSaved(): void }) {
  const t = useT();
  const [url, setUrl] = useState(props.settings.url ?? '');
  const [format, setFormat] = useState(props.settings.format);
  const [interval, setInterval] = useState(props.settings.intervalMinutes);
  const [busy, setBusy] = useState(false);
  const intervals = INTERVALS.includes(interval) ? INTERVALS : [...INTERVALS, interval].sort((a, b) => a - b);
  const label = (minutes: number) => (minutes === 0 ? t('catalog.feedIntervalOff') : minutes % 60 === 0 ? t('catalog.feedEveryHours', { n: minutes / 60 }) : t('catalog.feedEveryMinutes', { n: minutes }));
  const save = async () => {
    setBusy(true);
    try {
      await api('PUT', '/api/admin/settings/catalog-feed', { url: url.trim() || null, format, intervalMinutes: interval });
      toast(t('catalog.feedSaved'));
      props.onSaved();
    } catch (error) {
      const reason = error instanceof ApiError && error.reason ? `catalog.feedRefused.${error.reason}` : '';
      toast(t.has(reason) ? t(reason) : (error as Error).message || t('catalog.feedSaveFailed'), 'danger');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form">
      <Field label={t('catalog.feedUrl')} hint={props.canEdit ? undefined : t('catalog.feedOwnerOnly')}>
        <input type="url" value={url} placeholder="https://shop.example.kz/yml.xml" disabled={!props.canEdit} onChange={(event) => setUrl(event.target.value)} />
      </Field>
      <div className="grid-2">
        <Field label={t('catalog.feedFormat')}>
          <select value={format} disabled={!props.canEdit} onChange={(event) => setFormat(event.target.value as FeedSettings['format'])}>
            <option value="yml">{t('catalog.feedFormatYml')}</option>
            <option value="csv">{t('catalog.feedFormatCsv')}</option>
          </select>
        </Field>
        <Field label={t('catalog.feedInterval')}>
          <select value={interval} disabled={!props.canEdit} onChange={(event) => setInterval(Number(event.target.value))}>
            {intervals.map((minutes) => (
              <option key={minutes} value={minutes}>
                {label(minutes)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {props.canEdit ? (
        <div className="button-row">
          <Button busy={busy} onClick={() => void save()}>
            {t('common.save')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** One import: when, how it went, what it changed, and its first problems. */
function RunEntry(props: { run: FeedRun; locale: string; timeZone: string }) {
  const t = useT();
  const { run } = props;
  const reasonKey = run.reason ? `catalog.feedReason.${run.reason.replace(/^catalog\./, '')}` : '';
  const phaseKey = `catalog.feedPhase.${run.phase ?? ''}`;
  return (
    <li>
      <div>
        <Badge tone={STATUS_TONE[run.status]}>{t(`catalog.feedStatus.${run.status}`)}</Badge> {dateTime(run.startedAt ?? run.createdAt, props.locale, props.timeZone)} ·{' '}
        {t(`catalog.feedTrigger.${run.trigger}`)}
        {run.phase && t.has(phaseKey) ? ` · ${t(phaseKey)}` : ''}
        {run.offers !== null ? ` · ${t('catalog.feedOffers', { n: run.offers })}` : ''}
        {run.feedBytes !== null ? ` · ${megabytes(run.feedBytes, props.locale)}` : ''}
      </div>
      {run.status === 'ok' ? (
        <div className="small">{t('catalog.feedSummary', { added: run.added, updated: run.updated, unchanged: run.unchanged, hidden: run.hidden, pictures: run.pictures })}</div>
      ) : null}
      {run.status === 'failed' ? (
        <div className="small" role="alert">
          <strong>{t.has(reasonKey) ? t(reasonKey) : t('catalog.feedReason.feed_internal')}</strong> {run.message}
        </div>
      ) : null}
      {run.errorCount > 0 ? (
        <details className="small">
          <summary>{t('catalog.feedProblems', { n: run.errorCount })}</summary>
          <ul>
            {run.errors.slice(0, 20).map((issue, index) => (
              <li key={index}>
                <code>{issue.ref}</code> {issue.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}
