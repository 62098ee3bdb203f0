import { zonedParts, zonedToEpochMs } from '../delivery/zoned-time.ts';

/**
 * Dates and times for people: one formatter for every screen, notification and document, so
 * each language reads dates the way its speakers write them, in the business's time zone.
 *
 * English is written the British way (`6 Dec 2026, 07:43`): day before month with the month
 * in words, so nobody misreads 6 December as 12 June, and a 24-hour clock, as in Russian and
 * Kazakh and in the businesses Lavka serves. Russian and Kazakh use their own CLDR formats.
 */

/** The CLDR locale each of Lavka's languages formats dates with. */
const DATE_LOCALES: Readonly<Record<string, string>> = { en: 'en-GB', ru: 'ru', kk: 'kk' };

const STYLES = {
  dateTime: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

// Building an Intl.DateTimeFormat costs far more than formatting with one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, style: keyof typeof STYLES): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(DATE_LOCALES[locale] ?? locale, { timeZone, ...STYLES[style] });
    formatters.set(key, found);
  }
  return found;
}

/** A moment as date and time in `locale`, on the wall clock of `timeZone`: `6 Dec 2026, 07:43`. */
export function formatDateTime(epochMs: number, locale: string, timeZone: string): string {
  return formatter(locale, timeZone, 'dateTime').format(epochMs);
}

/** A moment's calendar date in `locale` and `timeZone`: `6 Dec 2026`. */
export function formatDate(epochMs: number, locale: string, timeZone: string): string {
  return formatter(locale, timeZone, 'date').format(epochMs);
}

/** A moment's time of day on a 24-hour clock in `timeZone`: `07:43`. */
export function formatTime(epochMs: number, locale: string, timeZone: string): string {
  return formatter(locale, timeZone, 'time').format(epochMs);
}

/** `Intl.DateTimeFormat` for a Lavka language with other options (weekday names, months). */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(DATE_LOCALES[locale] ?? locale, options);
}

/**
 * Start of the calendar day containing `nowMs` in `timeZone`. Computed from the wall clock,
 * so a DST jump on that very day shifts "today" by an hour, which statistics can live with.
 */
export function startOfDayMs(nowMs: number, timeZone: string): number {
  const wall = zonedParts(nowMs, timeZone);
  return nowMs - (((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 + (nowMs % 1000));
}

/** Midnight of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms; NaN when `date` is not a date. */
export function zonedMidnightMs(date: string, timeZone: string): number {
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return Number.NaN;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedToEpochMs({ year, month, day, hour: 0, minute: 0 }, timeZone);
}

/** The instant `ms` as the wall clock of `timeZone` shows it, expressed as if it were UTC. */
export function wallClockMs(ms: number, timeZone: string): number {
  const wall = zonedParts(ms, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}
