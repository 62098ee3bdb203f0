// Business hours as customers read them: the week in their language, and whether the business
// is open right now in its own time zone.

import { clockMinutes, effectiveHours, WEEKDAYS, type BusinessHours, type HoursInterval, type WeeklyHours } from '../config/business-hours.ts';
import type { Locale } from '../config/business.ts';
import { zonedParts } from '../delivery/zoned-time.ts';
import type { TranslateVariables } from './i18n.ts';

const DAY_MINUTES = 1440;

/** A moment of the week, counted from the current local day. */
export interface WeekMoment {
  /** 0 today, 1 tomorrow, … */
  inDays: number;
  /** Index into {@link WEEKDAYS} (0 Monday). */
  weekday: number;
  /** `HH:MM`. */
  time: string;
}

/** Whether the business is open at an instant, and until or from when. */
export type HoursState =
  | { open: true; until?: WeekMoment }
  | { open: false; opens?: WeekMoment };

const clockOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The local weekday (0 Monday) and minute of the day at `nowMs` in `timeZone`. */
function localNow(nowMs: number, timeZone: string): { weekday: number; minute: number } {
  const parts = zonedParts(nowMs, timeZone);
  const sunday0 = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
  return { weekday: (sunday0 + 6) % 7, minute: parts.hour * 60 + parts.minute };
}

const dayOf = (weekly: WeeklyHours, weekday: number): readonly HoursInterval[] => weekly[WEEKDAYS[weekday % 7] as keyof WeeklyHours];

/**
 * Open or closed at `nowMs` in `timeZone`, with the closing time (following intervals that run
 * on through midnight) or the next opening. Undefined `until`/`opens`: open around the clock,
 * or never open.
 */
export function hoursState(weekly: WeeklyHours, nowMs: number, timeZone: string): HoursState {
  const now = localNow(nowMs, timeZone);
  const current = dayOf(weekly, now.weekday).find((interval) => clockMinutes(interval.from) <= now.minute && now.minute < clockMinutes(interval.to));
  if (current) {
    let inDays = 0;
    let end = clockMinutes(current.to);
    // An interval ending at 24:00 continues into one starting at 00:00 the next day.
    while (end === DAY_MINUTES && inDays < 7) {
      const next = dayOf(weekly, now.weekday + inDays + 1).find((interval) => clockMinutes(interval.from) === 0);
      if (!next) break;
      inDays += 1;
      end = clockMinutes(next.to);
    }
    if (end === DAY_MINUTES && inDays >= 7) return { open: true };
    return { open: true, until: { inDays, weekday: (now.weekday + inDays) % 7, time: clockOf(end) } };
  }
  for (let inDays = 0; inDays <= 7; inDays += 1) {
    const weekday = (now.weekday + inDays) % 7;
    const next = dayOf(weekly, weekday).find((interval) => inDays > 0 || clockMinutes(interval.from) > now.minute);
    if (next) return { open: false, opens: { inDays, weekday, time: next.from } };
  }
  return { open: false };
}

/** The weekday's name in `locale` (Intl), long (`Monday`) or short (`Mon`). */
export function weekdayName(weekday: number, locale: Locale, style: 'long' | 'short' = 'long'): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + (weekday % 7)));
}

const capitalise = (text: string, locale: Locale) => text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);

/** What rendering needs: the reader's language and translations, and the business's clock. */
export interface HoursTextOptions {
  t(key: string, variables?: TranslateVariables): string;
  locale: Locale;
  nowMs: number;
  timeZone: string;
}

/** The week as lines, consecutive days with the same hours together: `Mon–Fri: 10:00–19:00`. */
export function weekLines(weekly: WeeklyHours, options: Pick<HoursTextOptions, 't' | 'locale'>): string[] {
  const describe = (weekday: number) => {
    const intervals = dayOf(weekly, weekday);
    return intervals.length === 0 ? options.t('hours-closed') : intervals.map((interval) => `${interval.from}–${interval.to}`).join(', ');
  };
  const lines: string[] = [];
  let start = 0;
  while (start < 7) {
    const text = describe(start);
    let end = start;
    while (end + 1 < 7 && describe(end + 1) === text) end += 1;
    const first = capitalise(weekdayName(start, options.locale, 'short'), options.locale);
    const days = end === start ? first : `${first}–${capitalise(weekdayName(end, options.locale, 'short'), options.locale)}`;
    lines.push(options.t('hours-day', { days, intervals: text }));
    start = end + 1;
  }
  return lines;
}

/** "Open now, until 19:00" or "Closed now, opens Monday at 10:00", in the reader's language. */
export function stateLine(state: HoursState, options: Pick<HoursTextOptions, 't' | 'locale'>): string {
  const when = (moment: WeekMoment, prefix: string) => {
    if (moment.inDays === 0) return options.t(`${prefix}-today`, { time: moment.time });
    if (moment.inDays === 1) return options.t(`${prefix}-tomorrow`, { time: moment.time });
    return options.t(`${prefix}-day`, { time: moment.time, day: weekdayName(moment.weekday, options.locale) });
  };
  if (state.open) return state.until ? when(state.until, 'hours-open-until') : options.t('hours-open-always');
  return state.opens ? when(state.opens, 'hours-closed-opens') : options.t('hours-closed-now');
}

/**
 * The business hours block for a contacts screen: a title, the week, whether it is open now,
 * and the note. Empty when the business publishes neither a schedule nor a note.
 */
export function businessHoursLines(business: { hours?: BusinessHours; support: { hours?: string } }, options: HoursTextOptions): string[] {
  const { weekly, note } = effectiveHours(business);
  if (!weekly) return note ? [options.t('hours-note-only', { note })] : [];
  return [
    options.t('hours-title'),
    ...weekLines(weekly, options),
    stateLine(hoursState(weekly, options.nowMs, options.timeZone), options),
    ...(note ? [note] : []),
  ];
}

/** When a closed business opens next, or undefined while it is open or has no schedule. */
export function nextOpening(business: { hours?: BusinessHours }, nowMs: number, timeZone: string): WeekMoment | undefined {
  const weekly = business.hours?.weekly;
  if (!weekly) return undefined;
  const state = hoursState(weekly, nowMs, timeZone);
  return state.open ? undefined : state.opens;
}

/** "We are closed now and will answer after we open…" for a customer who writes while closed. */
export function afterHoursText(business: { hours?: BusinessHours }, options: HoursTextOptions): string | undefined {
  const opens = nextOpening(business, options.nowMs, options.timeZone);
  if (!opens) return undefined;
  if (opens.inDays === 0) return options.t('hours-answer-today', { time: opens.time });
  if (opens.inDays === 1) return options.t('hours-answer-tomorrow', { time: opens.time });
  return options.t('hours-answer-day', { time: opens.time, day: weekdayName(opens.weekday, options.locale) });
}
