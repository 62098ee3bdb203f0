// The business settings the owner changes while the bot runs: name and contacts, opening
// hours, time zone, mandatory channels, payment methods and requisites. Each section is saved
// on its own, takes effect at once (on every instance within seconds), and can go back to the
// configuration file's value. Checks run on the server too; these only spare a round trip.

import { useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, useResource } from '../api.ts';
import { CONTENT_LOCALES, cleanTexts, TextsField, type Texts } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Empty, Field, toast, useErrorText } from '../components/ui.tsx';
import { dateTime } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.tsx';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];
interface Interval {
  from: string;
  to: string;
}
type Week = Record<Weekday, Interval[]>;

const METHODS = ['stars', 'card', 'heleket', 'qr', 'manual'] as const;
type Method = (typeof METHODS)[number];

interface SectionView<T> {
  key: string;
  value: T;
  fallback: T;
  overridden: boolean;
  updatedAt: number | null;
  facts: Record<string, unknown>;
}

interface BusinessValue {
  name: string;
  support: { username?: string; phone?: string; email?: string; hours?: string };
}
interface HoursValue {
  weekly?: Week;
  note?: string;
}
interface Channel {
  chatId: number | string;
  title: string;
  url: string;
}
interface Variant {
  id: string;
  label: string | Texts;
  requisites: string | Texts;
}
interface PaymentsValue {
  methods: Method[];
  qr: { receiver: string };
  manual: { variants: Variant[] };
}
interface MiniAppValue {
  enabled: boolean;
  initDataMaxAgeSeconds: number;
}
interface MethodFacts {
  id: Method;
  ready: boolean;
  reason?: string;
  note?: string;
}

interface SettingsPage {
  business: BusinessValue & { timeZone: string; currency: string; defaultLocale: string; locales: string[] };
  sections: {
    business: SectionView<BusinessValue>;
    hours: SectionView<HoursValue>;
    'time-zone': SectionView<{ timeZone: string }>;
    'phone-country': SectionView<{ defaultCountry: string | null }>;
    gate?: SectionView<{ channels: Channel[] }>;
    payments?: SectionView<PaymentsValue>;
    miniapp?: SectionView<MiniAppValue>;
  };
  modules: Record<string, unknown>;
  adminChatIds: number[];
}

/** Every live section and, read-only, what only the configuration file sets. */
export function SettingsEditor() {
  const resource = useResource<SettingsPage>('/api/admin/settings');
  return <Async resource={resource} rows={8}>{(data) => <SettingsSections data={data} onSaved={resource.reload} />}</Async>;
}

function SettingsSections(props: { data: SettingsPage; onSaved(): void }) {
  const { sections } = props.data;
  const keyOf = (section: SectionView<unknown> | undefined) => JSON.stringify(section?.value ?? null);
  return (
    <div className="stack settings">
      <div className="grid-2">
        <BusinessSection key={keyOf(sections.business)} view={sections.business} onSaved={props.onSaved} />
        <TimeZoneSection key={keyOf(sections['time-zone'])} view={sections['time-zone']} onSaved={props.onSaved} />
        <PhoneCountrySection key={keyOf(sections['phone-country'])} view={sections['phone-country']} onSaved={props.onSaved} />
      </div>
      <HoursSection key={keyOf(sections.hours)} view={sections.hours} legacyNote={props.data.business.support.hours} timeZone={props.data.business.timeZone} onSaved={props.onSaved} />
      <ChannelsSection key={keyOf(sections.gate)} view={sections.gate} onSaved={props.onSaved} />
      <PaymentsSection key={keyOf(sections.payments)} view={sections.payments} onSaved={props.onSaved} />
      <MiniAppSection key={keyOf(sections.miniapp)} view={sections.miniapp} onSaved={props.onSaved} />
      <ConfigFacts data={props.data} />
    </div>
  );
}

/** Saving and resetting one section, with refusals explained in the panel's language. */
function useSection(key: string, onSaved: () => void) {
  const t = useT();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const explain = (error: unknown) => {
    const reason = error instanceof ApiError ? error.reason : undefined;
    const known = reason ? `settings.reason.${reason}` : '';
    return t.has(known) ? t(known) : errorText(error as Error);
  };
  const call = async (method: 'PUT' | 'DELETE', body: unknown, done: MessageKey) => {
    setBusy(true);
    try {
      await api(method, `/api/admin/settings/${key}`, body);
      toast(t(done));
      onSaved();
      return true;
    } catch (error) {
      toast(explain(error), 'danger');
      return false;
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    save: (body: unknown) => call('PUT', body, 'settings.savedLive'),
    reset: () => (window.confirm(t('settings.resetConfirm')) ? call('DELETE', {}, 'settings.resetDone') : Promise.resolve(false)),
  };
}

/** A section's card: where its value comes from, the form, Save and "back to the file's value". */
function SectionCard(props: { title: string; hint?: ReactNode; view?: SectionView<unknown>; busy?: boolean; canSave?: boolean; onSave?(): void; onReset?(): void; children: ReactNode; id: string }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { view } = props;
  return (
    <Card
      title={props.title}
      className={`settings-card settings-${props.id}`}
      actions={view ? view.overridden ? <Badge tone="accent">{t('settings.fromPanel')}</Badge> : <Badge>{t('settings.fromFile')}</Badge> : undefined}
    >
      <form
        className="form"
        aria-label={props.title}
        onSubmit={(event) => {
          event.preventDefault();
          if (props.canSave !== false) props.onSave?.();
        }}
      >
        {props.hint ? <p className="muted small">{props.hint}</p> : null}
        {props.children}
        {props.onSave ? (
          <div className="button-row settings-actions">
            <Button type="submit" variant="primary" busy={props.busy} disabled={props.canSave === false}>
              {t('common.save')}
            </Button>
            {view?.overridden && props.onReset ? (
              <Button type="button" variant="ghost" disabled={props.busy} onClick={props.onReset}>
                {t('settings.reset')}
              </Button>
            ) : null}
            {view?.overridden && view.updatedAt ? <span className="muted small">{t('settings.changedAt', { at: dateTime(view.updatedAt, locale, me.business.timeZone) })}</span> : null}
          </div>
        ) : null}
      </form>
    </Card>
  );
}

function BusinessSection(props: { view: SectionView<BusinessValue>; onSaved(): void }) {
  const t = useT();
  const { refresh } = useSession();
  const section = useSection('business', () => {
    props.onSaved();
    void refresh();
  });
  const [name, setName] = useState(props.view.value.name);
  const [support, setSupport] = useState({ username: '', phone: '', email: '', ...props.view.value.support });
  return (
    <SectionCard
      id="business"
      title={t('content.business')}
      view={props.view}
      busy={section.busy}
      canSave={name.trim().length > 0}
      onSave={() => void section.save({ name, support: { username: support.username, phone: support.phone, email: support.email } })}
      onReset={() => void section.reset()}
    >
      <Field label={t('content.businessName')}>
        <input value={name} maxLength={64} required onChange={(event) => setName(event.target.value)} />
      </Field>
      <Field label={t('content.supportUsername')} hint="@shop_support">
        <input value={support.username} onChange={(event) => setSupport({ ...support, username: event.target.value })} />
      </Field>
      <Field label={t('content.supportPhone')}>
        <input type="tel" value={support.phone} onChange={(event) => setSupport({ ...support, phone: event.target.value })} />
      </Field>
      <Field label={t('content.supportEmail')}>
        <input type="email" value={support.email} onChange={(event) => setSupport({ ...support, email: event.target.value })} />
      </Field>
    </SectionCard>
  );
}

/** Every IANA zone the browser knows (UTC is not among them), for the searchable list. */
function timeZoneNames(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...supported.filter((zone) => zone !== 'UTC')];
}

function localClock(timeZone: string, locale: string): string | undefined {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now());
  } catch {
    return undefined;
  }
}

function TimeZoneSection(props: { view: SectionView<{ timeZone: string }>; onSaved(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { refresh } = useSession();
  const zones = useMemo(timeZoneNames, []);
  const section = useSection('time-zone', () => {
    props.onSaved();
    // Other pages (bookings, the ledger) read the zone from the session.
    void refresh();
  });
  const [zone, setZone] = useState(props.view.value.timeZone);
  const known = zones.includes(zone.trim());
  const clock = known ? localClock(zone.trim(), locale) : undefined;
  return (
    <SectionCard
      id="time-zone"
      title={t('content.timeZone')}
      hint={t('settings.timeZoneHint')}
      view={props.view}
      busy={section.busy}
      canSave={known}
      onSave={() => void section.save({ timeZone: zone.trim() })}
      onReset={() => void section.reset()}
    >
      <Field label={t('settings.timeZoneField')} hint={clock ? t('settings.timeZoneNow', { time: clock }) : undefined} error={!known && zone.trim() ? t('settings.timeZoneUnknown') : undefined}>
        <input type="search" list="lavka-time-zones" value={zone} autoComplete="off" spellCheck={false} placeholder="Asia/Almaty" onChange={(event) => setZone(event.target.value)} />
      </Field>
      <datalist id="lavka-time-zones">
        {zones.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </SectionCard>
  );
}

/** Every region the browser can name, by its name in the panel's language (the server checks the code). */
function countryNames(locale: string): { code: string; name: string }[] {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const countries: { code: string; name: string }[] = [];
  for (const first of letters) {
    for (const second of letters) {
      const code = first + second;
      const name = names.of(code);
      if (name) countries.push({ code, name });
    }
  }
  return countries.sort((a, b) => a.name.localeCompare(b.name, locale));
}

function PhoneCountrySection(props: { view?: SectionView<{ defaultCountry: string | null }>; onSaved(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const countries = useMemo(() => countryNames(locale), [locale]);
  const section = useSection('phone-country', props.onSaved);
  const [country, setCountry] = useState(props.view?.value.defaultCountry ?? '');
  if (!props.view) return null;
  return (
    <SectionCard
      id="phone-country"
      title={t('settings.phoneCountryTitle')}
      hint={t('settings.phoneCountryHint')}
      view={props.view}
      busy={section.busy}
      onSave={() => void section.save({ defaultCountry: country || null })}
      onReset={() => void section.reset()}
    >
      <Field label={t('settings.phoneCountryField')}>
        <select value={country} onChange={(event) => setCountry(event.target.value)}>
          <option value="">{t('settings.phoneCountryNone')}</option>
          {countries.map((item) => (
            <option key={item.code} value={item.code}>
              {item.name} ({item.code})
            </option>
          ))}
        </select>
      </Field>
    </SectionCard>
  );
}

/** The Mini App's bounds on how long launch data lives, as the server checks them (src/modules/miniapp). */
const MINIAPP_MAX_AGE_MINUTES = { min: 1, max: 7 * 24 * 60 };

/** The Mini App: on or off, and how long one opening of it is accepted. Absent where the preset has no app. */
function MiniAppSection(props: { view?: SectionView<MiniAppValue>; onSaved(): void }) {
  const t = useT();
  const section = useSection('miniapp', props.onSaved);
  const [enabled, setEnabled] = useState(props.view?.value.enabled ?? true);
  const [maxAge, setMaxAge] = useState(String(Math.round((props.view?.value.initDataMaxAgeSeconds ?? 3600) / 60)));
  if (!props.view) return null;
  const minutesValue = Number(maxAge);
  const valid = Number.isInteger(minutesValue) && minutesValue >= MINIAPP_MAX_AGE_MINUTES.min && minutesValue <= MINIAPP_MAX_AGE_MINUTES.max;
  const url = typeof props.view.facts.url === 'string' ? props.view.facts.url : undefined;
  return (
    <SectionCard
      id="miniapp"
      title={t('settings.miniappTitle')}
      hint={t('settings.miniappHint')}
      view={props.view}
      busy={section.busy}
      canSave={valid}
      onSave={() => void section.save({ enabled, initDataMaxAgeSeconds: minutesValue * 60 })}
      onReset={() => void section.reset()}
    >
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        {t('settings.miniappEnabled')}
      </label>
      <Field label={t('settings.miniappMaxAge')} hint={t('settings.miniappMaxAgeHint')}>
        <input type="number" inputMode="numeric" min={MINIAPP_MAX_AGE_MINUTES.min} max={MINIAPP_MAX_AGE_MINUTES.max} step={1} value={maxAge} onChange={(event) => setMaxAge(event.target.value)} />
      </Field>
      <p className="muted small">
        {t('settings.miniappUrl')}: {url ?? t('settings.miniappNoUrl')}
      </p>
    </SectionCard>
  );
}

const minutes = (clock: string) => {
  const [hours = 0, mins = 0] = clock.split(':').map(Number);
  return hours * 60 + mins;
};

/** What is wrong with a day's intervals, in the panel's language (the server says the same). */
function dayProblem(intervals: readonly Interval[], t: ReturnType<typeof useT>): string | undefined {
  if (intervals.some((item) => !/^\d{2}:\d{2}$/.test(item.from) || !/^\d{2}:\d{2}$/.test(item.to))) return t('settings.hoursIncomplete');
  if (intervals.some((item) => minutes(item.from) >= minutes(item.to))) return t('settings.hoursBackwards');
  const sorted = [...intervals].sort((a, b) => minutes(a.from) - minutes(b.from));
  for (let index = 1; index < sorted.length; index += 1) {
    if (minutes((sorted[index] as Interval).from) < minutes((sorted[index - 1] as Interval).to)) return t('settings.hoursOverlap');
  }
  return undefined;
}

function weekdayLabel(day: Weekday, locale: string): string {
  const label = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day)));
  return label.charAt(0).toLocaleUpperCase(locale) + label.slice(1);
}

function HoursSection(props: { view: SectionView<HoursValue>; legacyNote?: string; timeZone: string; onSaved(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const section = useSection('hours', props.onSaved);
  const value = props.view.value;
  const [scheduled, setScheduled] = useState(Boolean(value.weekly));
  const [week, setWeek] = useState<Week>(() => {
    const empty = Object.fromEntries(WEEKDAYS.map((day) => [day, [] as Interval[]])) as Week;
    if (value.weekly) return { ...empty, ...structuredClone(value.weekly) };
    // A starting point for a business that has none yet.
    for (const day of WEEKDAYS.slice(0, 5)) empty[day] = [{ from: '09:00', to: '18:00' }];
    return empty;
  });
  const [note, setNote] = useState(value.note ?? props.legacyNote ?? '');
  const problems = Object.fromEntries(WEEKDAYS.map((day) => [day, dayProblem(week[day], t)])) as Record<Weekday, string | undefined>;
  const valid = !scheduled || WEEKDAYS.every((day) => !problems[day]);
  const change = (day: Weekday, intervals: Interval[]) => setWeek({ ...week, [day]: intervals });
  const copyMonday = () => setWeek({ ...week, ...Object.fromEntries(WEEKDAYS.slice(1, 5).map((day) => [day, structuredClone(week.mon)])) });

  return (
    <SectionCard
      id="hours"
      title={t('settings.hoursTitle')}
      hint={t('settings.hoursHint', { zone: props.timeZone })}
      view={props.view}
      busy={section.busy}
      canSave={valid}
      onSave={() => void section.save({ ...(scheduled ? { weekly: week } : {}), note: note.trim() })}
      onReset={() => void section.reset()}
    >
      <label className="checkbox">
        <input type="checkbox" checked={scheduled} onChange={(event) => setScheduled(event.target.checked)} />
        {t('settings.hoursPublish')}
      </label>
      {scheduled ? (
        <div className="hours-week">
          {WEEKDAYS.map((day) => {
            const label = weekdayLabel(day, locale);
            const intervals = week[day];
            return (
              <div key={day} className={`hours-day ${intervals.length === 0 ? 'is-off' : ''}`} role="group" aria-label={label}>
                <span className="hours-day-name">{label}</span>
                <div className="hours-intervals">
                  {intervals.length === 0 ? <span className="muted">{t('settings.hoursClosed')}</span> : null}
                  {intervals.map((interval, index) => (
                    <span key={index} className="time-range">
                      <input type="time" step={300} required aria-label={`${label}: ${t('settings.hoursFrom')} ${index + 1}`} value={interval.from} onChange={(event) => change(day, intervals.map((item, at) => (at === index ? { ...item, from: event.target.value } : item)))} />
                      –
                      <input type="time" step={300} required aria-label={`${label}: ${t('settings.hoursTo')} ${index + 1}`} value={interval.to === '24:00' ? '23:59' : interval.to} onChange={(event) => change(day, intervals.map((item, at) => (at === index ? { ...item, to: event.target.value } : item)))} />
                      <button type="button" className="icon-button icon-button-sm" aria-label={t('settings.hoursRemove', { day: label })} title={t('settings.hoursRemove', { day: label })} onClick={() => change(day, intervals.filter((_, at) => at !== index))}>
                        ×
                      </button>
                    </span>
                  ))}
                  {problems[day] ? <span className="field-error">{problems[day]}</span> : null}
                </div>
                <span className="hours-day-actions">
                  <Button type="button" size="sm" variant="ghost" disabled={intervals.length >= 6} onClick={() => change(day, [...intervals, intervals.length === 0 ? { from: '09:00', to: '18:00' } : { from: intervals.at(-1)?.to ?? '14:00', to: '19:00' }])}>
                    <Icon name="plus" /> {intervals.length === 0 ? t('settings.hoursOpen') : t('settings.hoursAdd')}
                  </Button>
                  {day === 'mon' ? (
                    <Button type="button" size="sm" variant="ghost" onClick={copyMonday}>
                      {t('settings.hoursCopyMonday')}
                    </Button>
                  ) : null}
                </span>
              </div>
            );
          })}
        </div>
      ) : null}
      <Field label={t('settings.hoursNote')} hint={t('settings.hoursNoteHint')}>
        <input value={note} maxLength={200} onChange={(event) => setNote(event.target.value)} />
      </Field>
    </SectionCard>
  );
}

/** A row's "move up / move down / remove" buttons. */
function RowTools(props: { index: number; count: number; name: string; onMove(by: -1 | 1): void; onRemove(): void }) {
  const t = useT();
  return (
    <span className="row-tools">
      <button type="button" className="icon-button icon-button-sm" disabled={props.index === 0} onClick={() => props.onMove(-1)} aria-label={t('settings.moveUp', { name: props.name })} title={t('settings.moveUp', { name: props.name })}>
        ↑
      </button>
      <button type="button" className="icon-button icon-button-sm" disabled={props.index === props.count - 1} onClick={() => props.onMove(1)} aria-label={t('settings.moveDown', { name: props.name })} title={t('settings.moveDown', { name: props.name })}>
        ↓
      </button>
      <button type="button" className="icon-button icon-button-sm" onClick={props.onRemove} aria-label={t('settings.remove', { name: props.name })} title={t('settings.remove', { name: props.name })}>
        ×
      </button>
    </span>
  );
}

function moved<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(index + by, 0, item as T);
  return next;
}

/** A section of a module this deployment does not run: said plainly instead of a dead form. */
function ModuleOff(props: { title: string; text: string; hint: string }) {
  return (
    <Card title={props.title} className="settings-card">
      <Empty title={props.text} hint={props.hint} />
    </Card>
  );
}

interface ChannelRow {
  chatId: string;
  title: string;
  url: string;
}

function channelProblem(row: ChannelRow, t: ReturnType<typeof useT>): string | undefined {
  const chatId = row.chatId.trim();
  if (!/^(-?\d{1,16}|@\w{5,32})$/.test(chatId)) return t('settings.channelIdInvalid');
  if (!row.title.trim()) return t('settings.channelTitleMissing');
  const url = row.url.trim();
  if (url && !/^(https|tg):\/\/\S+$/.test(url)) return t('settings.channelUrlInvalid');
  if (!url && !chatId.startsWith('@')) return t('settings.channelUrlMissing');
  return undefined;
}

function ChannelsSection(props: { view?: SectionView<{ channels: Channel[] }>; onSaved(): void }) {
  const t = useT();
  const section = useSection('gate', props.onSaved);
  const [rows, setRows] = useState<ChannelRow[]>(() => (props.view?.value.channels ?? []).map((channel) => ({ chatId: String(channel.chatId), title: channel.title, url: channel.url })));
  if (!props.view) return <ModuleOff title={t('settings.channelsTitle')} text={t('settings.channelsOff')} hint={t('settings.channelsOffHint')} />;
  const problems = rows.map((row) => channelProblem(row, t));
  const ids = rows.map((row) => row.chatId.trim().toLowerCase());
  const duplicate = ids.some((id, index) => id && ids.indexOf(id) !== index);
  const change = (index: number, patch: Partial<ChannelRow>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <SectionCard
      id="gate"
      title={t('settings.channelsTitle')}
      hint={t('settings.channelsHint')}
      view={props.view}
      busy={section.busy}
      canSave={!duplicate && problems.every((problem) => !problem)}
      onSave={() => void section.save({ channels: rows.map((row) => ({ chatId: row.chatId.trim(), title: row.title.trim(), ...(row.url.trim() ? { url: row.url.trim() } : {}) })) })}
      onReset={() => void section.reset()}
    >
      {rows.length === 0 ? <p className="muted">{t('settings.channelsNone')}</p> : null}
      <ol className="settings-rows">
        {rows.map((row, index) => (
          <li key={index} className="settings-row" aria-label={row.title || t('settings.channelNew')}>
            <div className="settings-row-fields channel-fields">
              <Field label={t('settings.channelId')} hint={t('settings.channelIdHint')}>
                <input value={row.chatId} placeholder="@lavka_news" autoComplete="off" onChange={(event) => change(index, { chatId: event.target.value })} />
              </Field>
              <Field label={t('settings.channelTitle')}>
                <input value={row.title} maxLength={64} onChange={(event) => change(index, { title: event.target.value })} />
              </Field>
              <Field label={t('settings.channelUrl')} hint={t('settings.channelUrlHint')}>
                <input value={row.url} placeholder="https://t.me/lavka_news" autoComplete="off" onChange={(event) => change(index, { url: event.target.value })} />
              </Field>
            </div>
            <RowTools index={index} count={rows.length} name={row.title || row.chatId} onMove={(by) => setRows(moved(rows, index, by))} onRemove={() => setRows(rows.filter((_, at) => at !== index))} />
            {problems[index] ? <span className="field-error">{problems[index]}</span> : null}
          </li>
        ))}
      </ol>
      {duplicate ? <p className="form-error">{t('settings.channelDuplicate')}</p> : null}
      <div>
        <Button type="button" size="sm" disabled={rows.length >= 10} onClick={() => setRows([...rows, { chatId: '', title: '', url: '' }])}>
          <Icon name="plus" /> {t('settings.channelAdd')}
        </Button>
      </div>
    </SectionCard>
  );
}

interface VariantRow {
  id: string;
  label: Texts;
  requisites: Texts;
}

const asTexts = (value: string | Texts): Texts => (typeof value === 'string' ? Object.fromEntries(CONTENT_LOCALES.map((code) => [code, value])) : { ...value });

function PaymentsSection(props: { view?: SectionView<PaymentsValue>; onSaved(): void }) {
  const t = useT();
  const section = useSection('payments', props.onSaved);
  const facts = useMemo(() => new Map(((props.view?.facts.methods ?? []) as MethodFacts[]).map((item) => [item.id, item])), [props.view]);
  const [methods, setMethods] = useState<{ id: Method; on: boolean }[]>(() => {
    const on = props.view?.value.methods ?? [];
    return [...on.map((id) => ({ id, on: facts.get(id)?.ready !== false })), ...METHODS.filter((id) => !on.includes(id)).map((id) => ({ id, on: false }))];
  });
  const [receiver, setReceiver] = useState(props.view?.value.qr.receiver ?? '');
  const [variants, setVariants] = useState<VariantRow[]>(() => (props.view?.value.manual.variants ?? []).map((variant) => ({ id: variant.id, label: asTexts(variant.label), requisites: asTexts(variant.requisites) })));
  if (!props.view) return <ModuleOff title={t('settings.paymentsTitle')} text={t('settings.paymentsOff')} hint={t('settings.paymentsOffHint')} />;

  const variantProblems = variants.map((variant, index) => {
    if (!/^[a-z0-9_]{1,16}$/.test(variant.id.trim())) return t('settings.variantIdInvalid');
    if (variants.findIndex((other) => other.id.trim() === variant.id.trim()) !== index) return t('settings.variantIdTaken');
    if (!cleanTexts(variant.label).any) return t('settings.variantLabelMissing');
    if (!cleanTexts(variant.requisites).any) return t('settings.variantRequisitesMissing');
    return undefined;
  });
  const manualOn = methods.some((method) => method.id === 'manual' && method.on);
  const needsRequisites = manualOn && variants.length === 0;
  const valid = variantProblems.every((problem) => !problem) && !needsRequisites;
  const changeVariant = (index: number, patch: Partial<VariantRow>) => setVariants(variants.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const save = () =>
    void section.save({
      methods: methods.filter((method) => method.on && facts.get(method.id)?.ready !== false).map((method) => method.id),
      qr: { receiver: receiver.trim() },
      manual: { variants: variants.map((variant) => ({ id: variant.id.trim(), label: cleanTexts(variant.label).texts, requisites: cleanTexts(variant.requisites).texts })) },
    });

  return (
    <SectionCard id="payments" title={t('settings.paymentsTitle')} hint={t('settings.paymentsHint')} view={props.view} busy={section.busy} canSave={valid} onSave={save} onReset={() => void section.reset()}>
      <fieldset className="texts-field">
        <legend className="field-label">{t('settings.methods')}</legend>
        <ol className="settings-rows methods">
          {methods.map((method, index) => {
            const fact = facts.get(method.id);
            const name = t(`settings.method.${method.id}` as MessageKey);
            return (
              <li key={method.id} className={`settings-row method-row ${fact?.ready === false ? 'is-off' : ''}`}>
                <label className="checkbox">
                  <input type="checkbox" checked={method.on && fact?.ready !== false} disabled={fact?.ready === false} onChange={(event) => setMethods(methods.map((item) => (item.id === method.id ? { ...item, on: event.target.checked } : item)))} />
                  {name}
                </label>
                {fact?.ready === false && fact.reason ? <span className="muted small">{t.has(`settings.reason.${fact.reason}`) ? t(`settings.reason.${fact.reason}` as MessageKey) : fact.reason}</span> : null}
                {fact?.note === 'confirmed_by_staff' ? <span className="muted small">{t('settings.qrByStaff')}</span> : null}
                {fact?.note === 'sandbox_test_provider' ? <span className="muted small">{t('settings.cardSandbox')}</span> : null}
                {fact?.note === 'digital_only' ? <span className="muted small">{t('settings.starsDigitalOnly')}</span> : null}
                <span className="row-tools">
                  <button type="button" className="icon-button icon-button-sm" disabled={index === 0} onClick={() => setMethods(moved(methods, index, -1))} aria-label={t('settings.moveUp', { name })} title={t('settings.moveUp', { name })}>
                    ↑
                  </button>
                  <button type="button" className="icon-button icon-button-sm" disabled={index === methods.length - 1} onClick={() => setMethods(moved(methods, index, 1))} aria-label={t('settings.moveDown', { name })} title={t('settings.moveDown', { name })}>
                    ↓
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      </fieldset>
      <Field label={t('settings.qrReceiver')} hint={t('settings.qrReceiverHint')}>
        <input value={receiver} maxLength={100} onChange={(event) => setReceiver(event.target.value)} />
      </Field>
      <h3>{t('settings.transfers')}</h3>
      <p className="muted small">{t('settings.transfersHint')}</p>
      {variants.length === 0 ? <p className="muted">{t('settings.transfersNone')}</p> : null}
      <ol className="settings-rows">
        {variants.map((variant, index) => (
          <li key={index} className="settings-row variant-row" aria-label={variant.id || t('settings.transferNew')}>
            <div className="settings-row-fields">
              <Field label={t('settings.variantId')} hint={t('settings.variantIdHint')}>
                <input value={variant.id} maxLength={16} autoComplete="off" onChange={(event) => changeVariant(index, { id: event.target.value.toLowerCase() })} />
              </Field>
              <TextsField label={t('settings.variantLabel')} value={variant.label} maxLength={1000} onChange={(label) => changeVariant(index, { label })} />
              <TextsField label={t('settings.variantRequisites')} value={variant.requisites} multiline maxLength={1000} onChange={(requisites) => changeVariant(index, { requisites })} />
            </div>
            <RowTools index={index} count={variants.length} name={variant.id || t('settings.transferNew')} onMove={(by) => setVariants(moved(variants, index, by))} onRemove={() => setVariants(variants.filter((_, at) => at !== index))} />
            {variantProblems[index] ? <span className="field-error">{variantProblems[index]}</span> : null}
          </li>
        ))}
      </ol>
      {needsRequisites ? <p className="form-error">{t('settings.reason.needs_requisites')}</p> : null}
      <div>
        <Button type="button" size="sm" disabled={variants.length >= 10} onClick={() => setVariants([...variants, { id: '', label: {}, requisites: {} }])}>
          <Icon name="plus" /> {t('settings.transferAdd')}
        </Button>
      </div>
      <p className="muted small">{t('settings.secretsHint')}</p>
    </SectionCard>
  );
}

function ConfigFacts(props: { data: SettingsPage }) {
  const t = useT();
  const moduleSections = Object.entries(props.data.modules);
  return (
    <Card title={t('content.fromConfig')}>
      <p className="muted small">{t('content.fromConfigHint')}</p>
      <dl className="facts">
        <dt>{t('content.currency')}</dt>
        <dd>{props.data.business.currency}</dd>
        <dt>{t('content.languages')}</dt>
        <dd>{props.data.business.locales.map((code) => code.toUpperCase()).join(', ')}</dd>
        <dt>{t('content.staffChats')}</dt>
        <dd>{props.data.adminChatIds.length > 0 ? props.data.adminChatIds.join(', ') : '—'}</dd>
      </dl>
      {moduleSections.length > 0 ? (
        <details className="config-details">
          <summary>{t('content.moduleSettings')}</summary>
          {moduleSections.map(([name, value]) => (
            <div key={name}>
              <h4>{name}</h4>
              <pre className="source">{JSON.stringify(value, null, 2)}</pre>
            </div>
          ))}
        </details>
      ) : null}
    </Card>
  );
}
