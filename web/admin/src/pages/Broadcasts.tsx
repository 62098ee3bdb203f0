// Broadcasts: the list with progress bars while sending, a composer with a live
// Telegram-like preview and an audience builder that counts recipients, scheduling, and
// per-broadcast statistics.

import { useEffect, useMemo, useState } from 'react';
import { api, useResource } from '../api.ts';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Empty, Field, PageHeader, Segmented, toast, useErrorText } from '../components/ui.tsx';
import { dateTime, number } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

type Audience = { kind: 'everyone' } | { kind: 'language'; locales: string[] } | { kind: 'tag'; tags: string[] } | { kind: 'segment'; name: string; parameter?: string | number; negate: boolean };
type ButtonSpec = { text: string; url: string } | { text: string; tracked: true };
interface Broadcast {
  id: number;
  status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';
  text: string;
  buttons: ButtonSpec[][];
  unsubscribeButton: boolean;
  audience: Audience;
  audienceSize: number | null;
  scheduledAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
}
interface Progress {
  total: number;
  sent: number;
  blocked: number;
  failed: number;
  remaining: number;
  etaSeconds: number | null;
}
interface Analytics extends Progress {
  buttons: { index: number; text: string; presses: number }[];
  unsubscribes: number;
}

const STATUS_TONE: Record<Broadcast['status'], 'neutral' | 'info' | 'ok' | 'warn' | 'danger' | 'accent'> = {
  draft: 'neutral',
  scheduled: 'info',
  sending: 'accent',
  paused: 'warn',
  done: 'ok',
  cancelled: 'danger',
};

/** The broadcasts page: the composer (`/broadcasts/new`), one broadcast, or the list. */
export function BroadcastsPage(props: { path: string[] }) {
  if (props.path[0] === 'new') return <Composer />;
  const id = Number(props.path[0]);
  return Number.isInteger(id) && id > 0 ? <BroadcastView id={id} /> : <BroadcastList />;
}

function BroadcastList() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const resource = useResource<{ broadcasts: Broadcast[] }>('/api/broadcasts');
  const sending = resource.data?.broadcasts.some((item) => item.status === 'sending');
  const { reload } = resource;
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [sending, reload]);

  return (
    <>
      <PageHeader
        title={t('broadcasts.title')}
        actions={
          <Button variant="primary" onClick={() => navigate('/broadcasts/new')}>
            <Icon name="plus" /> {t('broadcasts.new')}
          </Button>
        }
      />
      <Card padded={false}>
        <Async resource={resource} rows={5} isEmpty={(data) => data.broadcasts.length === 0} empty={<div className="card-body"><Empty title={t('broadcasts.empty')} hint={t('broadcasts.emptyHint')} /></div>}>
          {(data) => (
            <ul className="list">
              {data.broadcasts.map((item) => (
                <li key={item.id} className="list-item">
                  <Link to={`/broadcasts/${item.id}`} className="list-link">
                    <span className="list-main">
                      <strong className="ellipsis">{item.text.split('\n')[0] || '—'}</strong>
                      <span className="muted small">
                        #{item.id} · {dateTime(item.scheduledAt ?? item.startedAt ?? item.createdAt, locale, me.business.timeZone)}
                        {item.audienceSize !== null ? ` · ${t('broadcasts.recipients', { n: item.audienceSize })}` : ''}
                      </span>
                      {item.status === 'sending' || item.status === 'paused' ? <InlineProgress id={item.id} /> : null}
                    </span>
                    <Badge tone={STATUS_TONE[item.status]}>{t(`broadcasts.status.${item.status}` as MessageKey)}</Badge>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </Card>
    </>
  );
}

function InlineProgress(props: { id: number }) {
  const resource = useResource<{ progress: Progress }>(`/api/broadcasts/${props.id}/progress`);
  const { reload } = resource;
  useEffect(() => {
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [reload]);
  const progress = resource.data?.progress;
  if (!progress) return null;
  return <ProgressBar done={progress.sent + progress.blocked + progress.failed} total={progress.total} />;
}

function ProgressBar(props: { done: number; total: number }) {
  const share = props.total > 0 ? Math.min(1, props.done / props.total) : 0;
  return (
    <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={props.done}>
      <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
    </span>
  );
}

/** Parses "Text | https://link" lines into URL buttons, one row per line. */
function parseButtons(source: string): ButtonSpec[][] {
  return source
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [text = '', url] = line.split('|').map((part) => part.trim());
      return [url ? { text, url } : { text, tracked: true as const }];
    });
}

function Composer() {
  const t = useT();
  const errorText = useErrorText();
  const { me } = useSession();
  const { locale } = useI18n();
  // Labels come in every language; the one of the panel's language is shown.
  const segments = useResource<{ modules: { name: string; label: string; parameter: string; title: string; titles: Record<string, string> }[] }>('/api/broadcasts/segments');
  const tags = useResource<{ tags: { tag: string; users: number }[] }>(me.pages.includes('customers') ? '/api/admin/customers/tags' : null);
  const [text, setText] = useState('');
  const [buttonsSource, setButtonsSource] = useState('');
  const [unsubscribe, setUnsubscribe] = useState(true);
  const [kind, setKind] = useState<'everyone' | 'language' | 'tag' | 'segment'>('everyone');
  const [locales, setLocales] = useState<string[]>([me.business.defaultLocale]);
  const [tag, setTag] = useState('');
  const [segment, setSegment] = useState('');
  const [parameter, setParameter] = useState('');
  const [negate, setNegate] = useState(false);
  const [size, setSize] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const audience: Audience | undefined = useMemo(() => {
    if (kind === 'everyone') return { kind };
    if (kind === 'language') return locales.length > 0 ? { kind, locales } : undefined;
    if (kind === 'tag') return tag ? { kind, tags: [tag] } : undefined;
    if (!segment) return undefined;
    return { kind: 'segment', name: segment, negate, ...(parameter ? { parameter: /^\d+$/.test(parameter) ? Number(parameter) : parameter } : {}) };
  }, [kind, locales, tag, segment, parameter, negate]);

  // Counted a moment after the audience stops changing, not on every keystroke.
  useEffect(() => {
    setSize(null);
    if (!audience) return;
    const timer = setTimeout(() => {
      api<{ size: number }>('POST', '/api/broadcasts/audience-size', { audience }).then(
        (answer) => setSize(answer.size),
        () => setSize(null),
      );
    }, 500);
    return () => clearTimeout(timer);
  }, [audience]);

  const buttons = parseButtons(buttonsSource);
  const save = async () => {
    if (!audience) return;
    setBusy(true);
    try {
      const answer = await api<{ broadcast: Broadcast }>('POST', '/api/broadcasts', { text, buttons, unsubscribeButton: unsubscribe, audience });
      toast(t('broadcasts.saved'));
      navigate(`/broadcasts/${answer.broadcast.id}`, { replace: true });
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    } finally {
      setBusy(false);
    }
  };

  const segmentOptions = segments.data?.modules ?? [];
  const chosenSegment = segmentOptions.find((item) => item.name === segment);

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/broadcasts">← {t('broadcasts.title')}</Link>
      </p>
      <PageHeader title={t('broadcasts.new')} />
      <div className="grid-main-side composer">
        <div className="stack">
          <Card title={t('broadcasts.message')}>
            <div className="form">
              <Field label={t('broadcasts.text')} hint={t('broadcasts.textHint', { n: 4096 - text.length })}>
                <textarea rows={7} maxLength={4096} value={text} onChange={(event) => setText(event.target.value)} />
              </Field>
              <Field label={t('broadcasts.buttons')} hint={t('broadcasts.buttonsHint')}>
                <textarea rows={3} value={buttonsSource} onChange={(event) => setButtonsSource(event.target.value)} placeholder={'Open the shop | https://example.com\nI want it'} />
              </Field>
              <label className="checkbox">
                <input type="checkbox" checked={unsubscribe} onChange={(event) => setUnsubscribe(event.target.checked)} />
                {t('broadcasts.unsubscribeButton')}
              </label>
            </div>
          </Card>
          <Card title={t('broadcasts.audience')}>
            <div className="form">
              <Segmented
                label={t('broadcasts.audience')}
                value={kind}
                onChange={setKind}
                options={[
                  { value: 'everyone', label: t('broadcasts.everyone') },
                  { value: 'language', label: t('broadcasts.byLanguage') },
                  { value: 'tag', label: t('broadcasts.byTag') },
                  ...(segmentOptions.length > 0 ? [{ value: 'segment' as const, label: t('broadcasts.bySegment') }] : []),
                ]}
              />
              {kind === 'language' ? (
                <div className="checkbox-row">
                  {me.business.locales.map((code) => (
                    <label key={code} className="checkbox">
                      <input type="checkbox" checked={locales.includes(code)} onChange={(event) => setLocales((list) => (event.target.checked ? [...list, code] : list.filter((item) => item !== code)))} />
                      {code.toUpperCase()}
                    </label>
                  ))}
                </div>
              ) : null}
              {kind === 'tag' ? (
                <Field label={t('customers.tag')}>
                  <select value={tag} onChange={(event) => setTag(event.target.value)}>
                    <option value="">—</option>
                    {(tags.data?.tags ?? []).map((item) => (
                      <option key={item.tag} value={item.tag}>
                        {item.tag} ({item.users})
                      </option>
                    ))}
                  </select>
                </Field>
              ) : null}
              {kind === 'segment' ? (
                <>
                  <Field label={t('broadcasts.segment')}>
                    <select value={segment} onChange={(event) => setSegment(event.target.value)}>
                      <option value="">—</option>
                      {segmentOptions.map((item) => (
                        <option key={item.name} value={item.name}>
                          {item.titles[locale] ?? item.title}
                        </option>
                      ))}
                    </select>
                  </Field>
                  {chosenSegment && chosenSegment.parameter !== 'none' ? (
                    <Field label={t(`broadcasts.parameter.${chosenSegment.parameter}` as MessageKey)}>
                      <input value={parameter} onChange={(event) => setParameter(event.target.value)} inputMode={chosenSegment.parameter === 'text' ? 'text' : 'numeric'} />
                    </Field>
                  ) : null}
                  <label className="checkbox">
                    <input type="checkbox" checked={negate} onChange={(event) => setNegate(event.target.checked)} />
                    {t('broadcasts.negate')}
                  </label>
                </>
              ) : null}
              <p className="audience-size" aria-live="polite">
                <Icon name="users" /> {size === null ? t('broadcasts.counting') : t('broadcasts.recipients', { n: size })}
              </p>
            </div>
          </Card>
        </div>
        <div className="stack sticky">
          <Card title={t('broadcasts.preview')}>
            <TelegramPreview text={text} buttons={buttons} unsubscribe={unsubscribe} />
          </Card>
          <Button variant="primary" busy={busy} disabled={!text.trim() || !audience} onClick={() => void save()} className="btn-block">
            {t('broadcasts.saveDraft')}
          </Button>
          <p className="muted small">{t('broadcasts.saveHint')}</p>
        </div>
      </div>
    </>
  );
}

/** A message as Telegram would show it: a bubble on the chat wallpaper, buttons below. */
function TelegramPreview(props: { text: string; buttons: ButtonSpec[][]; unsubscribe: boolean }) {
  const t = useT();
  const rows = [...props.buttons, ...(props.unsubscribe ? [[{ text: t('broadcasts.unsubscribeLabel'), tracked: true as const }]] : [])];
  return (
    <div className="tg-preview" aria-label={t('broadcasts.preview')}>
      <div className="tg-bubble">
        {props.text ? <p className="tg-text">{props.text}</p> : <p className="tg-text muted">{t('broadcasts.previewEmpty')}</p>}
        <span className="tg-time">12:00</span>
      </div>
      {rows.length > 0 ? (
        <div className="tg-buttons">
          {rows.map((row, rowIndex) => (
            <div key={rowIndex} className="tg-row">
              {row.map((button, index) => (
                <span key={index} className="tg-button">
                  {button.text || '…'}
                  {'url' in button ? <span className="tg-link" aria-hidden="true">↗</span> : null}
                </span>
              ))}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function BroadcastView(props: { id: number }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const errorText = useErrorText();
  const resource = useResource<{ broadcast: Broadcast; analytics: Analytics }>(`/api/broadcasts/${props.id}`);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const status = resource.data?.broadcast.status;
  const { reload } = resource;
  useEffect(() => {
    if (status !== 'sending') return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [status, reload]);

  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      await api('POST', `/api/broadcasts/${props.id}/${path}`, body);
      reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/broadcasts">← {t('broadcasts.title')}</Link>
      </p>
      <Async resource={resource} rows={6}>
        {({ broadcast, analytics }) => (
          <>
            <PageHeader
              title={
                <>
                  {t('broadcasts.broadcast')} #{broadcast.id} <Badge tone={STATUS_TONE[broadcast.status]}>{t(`broadcasts.status.${broadcast.status}` as MessageKey)}</Badge>
                </>
              }
              subtitle={broadcast.scheduledAt ? t('broadcasts.scheduledFor', { at: dateTime(broadcast.scheduledAt, locale, me.business.timeZone) }) : undefined}
            />
            <div className="grid-main-side">
              <div className="stack">
                {broadcast.status !== 'draft' ? (
                  <Card title={t('broadcasts.progress')}>
                    <ProgressBar done={analytics.sent + analytics.blocked + analytics.failed} total={analytics.total} />
                    <div className="tiles tiles-compact">
                      {(
                        [
                          ['broadcasts.total', analytics.total],
                          ['broadcasts.sent', analytics.sent],
                          ['broadcasts.blocked', analytics.blocked],
                          ['broadcasts.failed', analytics.failed],
                          ['broadcasts.unsubscribes', analytics.unsubscribes],
                        ] as const
                      ).map(([label, value]) => (
                        <div key={label} className="tile">
                          <span className="tile-label">{t(label)}</span>
                          <strong className="tile-value">{number(value, locale)}</strong>
                        </div>
                      ))}
                    </div>
                    {analytics.buttons.length > 0 ? (
                      <ol className="rank">
                        {analytics.buttons.map((button) => (
                          <li key={button.index}>
                            <span>{button.text}</span>
                            <strong>{t('broadcasts.presses', { n: button.presses })}</strong>
                          </li>
                        ))}
                      </ol>
                    ) : null}
                    <div className="button-row">
                      {broadcast.status === 'sending' ? (
                        <Button busy={busy} onClick={() => void act('pause')}>
                          {t('broadcasts.pause')}
                        </Button>
                      ) : null}
                      {broadcast.status === 'paused' ? (
                        <Button variant="primary" busy={busy} onClick={() => void act('resume')}>
                          {t('broadcasts.resume')}
                        </Button>
                      ) : null}
                      {['sending', 'paused', 'scheduled'].includes(broadcast.status) ? (
                        <Button variant="danger" busy={busy} onClick={() => window.confirm(t('broadcasts.cancelConfirm')) && void act('cancel')}>
                          {t('broadcasts.cancel')}
                        </Button>
                      ) : null}
                    </div>
                  </Card>
                ) : (
                  <Card title={t('broadcasts.sendTitle')}>
                    <div className="form">
                      <p>{t('broadcasts.recipients', { n: broadcast.audienceSize ?? 0 })}</p>
                      <Segmented
                        label={t('broadcasts.sendTitle')}
                        value={when}
                        onChange={setWhen}
                        options={[
                          { value: 'now', label: t('broadcasts.now') },
                          { value: 'later', label: t('broadcasts.later') },
                        ]}
                      />
                      {when === 'later' ? (
                        <Field label={t('broadcasts.at')} hint={t('broadcasts.atHint', { zone: me.business.timeZone })}>
                          <input type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />
                        </Field>
                      ) : null}
                      <div className="button-row">
                        {me.staff.telegramId ? (
                          <Button busy={busy} onClick={() => void act('preview', { chatId: me.staff.telegramId }).then(() => toast(t('broadcasts.previewSent')))}>
                            {t('broadcasts.sendPreview')}
                          </Button>
                        ) : null}
                        {when === 'now' ? (
                          <Button variant="primary" busy={busy} onClick={() => window.confirm(t('broadcasts.sendConfirm', { n: broadcast.audienceSize ?? 0 })) && void act('send', {})}>
                            <Icon name="send" /> {t('broadcasts.sendNow')}
                          </Button>
                        ) : (
                          <Button variant="primary" busy={busy} disabled={!at} onClick={() => void act('schedule', { at: at.replace('T', ' ') })}>
                            {t('broadcasts.schedule')}
                          </Button>
                        )}
                      </div>
                    </div>
                  </Card>
                )}
              </div>
              <Card title={t('broadcasts.preview')}>
                <TelegramPreview text={broadcast.text} buttons={broadcast.buttons} unsubscribe={broadcast.unsubscribeButton} />
              </Card>
            </div>
          </>
        )}
      </Async>
    </>
  );
}
