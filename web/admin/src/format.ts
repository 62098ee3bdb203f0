// Numbers, money and dates in the panel's language and the business's time zone.

/** Minor units per major unit for the currencies Lavka's businesses use. */
const MINOR_DIGITS: Record<string, number> = { KZT: 2, RUB: 2, USD: 2, EUR: 2, XTR: 0, USDT: 2, TOKEN: 0 };

/**
 * Money from integer minor units, e.g. 749000 KZT → "7 490 ₸". `whole` rounds to major units
 * (averages), `compact` abbreviates (chart axes: "100 тыс. ₸").
 */
export function money(minor: number, currency: string, locale: string, options: { whole?: boolean; compact?: boolean } = {}): string {
  const digits = MINOR_DIGITS[currency] ?? 2;
  const major = options.whole ? Math.round(minor / 10 ** digits) : minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      // A fraction is written in full ($4.50, not $4.5); whole amounts without one (7 490 ₸).
      ...(options.compact ? { notation: 'compact', maximumFractionDigits: 1 } : { maximumFractionDigits: Number.isInteger(major) ? 0 : digits, minimumFractionDigits: Number.isInteger(major) ? 0 : digits }),
    }).format(major);
  } catch {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(major)} ${currency}`;
  }
}

/** A compact number: 1 234, 12,5 тыс. */
export function number(value: number, locale: string, compact = false): string {
  return new Intl.NumberFormat(locale, compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}).format(value);
}

/** A share as a percentage. */
export function percent(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

const dateLocales = new Map<string, boolean>();

/**
 * The locale dates are written in: browsers built with a reduced ICU (some Chromium builds)
 * lack Kazakh and would print "M11 16"; Russian month names are what readers there expect then.
 */
function dateLocale(locale: string): string {
  let usable = dateLocales.get(locale);
  if (usable === undefined) {
    // Such builds still claim support for the locale, so the month's name is what tells.
    usable = !/\bM\d{1,2}\b/.test(new Intl.DateTimeFormat(locale, { month: 'short' }).format(Date.UTC(2024, 0, 15)));
    dateLocales.set(locale, usable);
  }
  return usable ? locale : 'ru';
}

/** Date and time in the business's zone. */
export function dateTime(ms: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
}

/** A short day label for charts. */
export function day(ms: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { day: 'numeric', month: 'short', timeZone }).format(ms);
}

/** "5 minutes ago" style. */
export function relative(ms: number, nowMs: number, locale: string): string {
  const seconds = Math.round((ms - nowMs) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

/** Converts a `YYYY-MM-DD` input value to epoch ms at the start (or end) of that day, local time. */
export function dateInputToMs(value: string, endOfDay = false): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [year, month, dayOfMonth] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(year, month - 1, dayOfMonth + (endOfDay ? 1 : 0));
  return date.getTime();
}

/** Minor units as a staff member types the amount: `749000` KZT → `7490`, `749050` → `7490.5`. */
export function minorToInput(minor: number, currency: string): string {
  const digits = MINOR_DIGITS[currency] ?? 2;
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  const fraction = String(minor % scale).padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${Math.trunc(minor / scale)}.${fraction}` : String(Math.trunc(minor / scale));
}

/** An amount as typed (`7490`, `7 490,5`) in minor units, exactly; undefined when it is not one. */
export function inputToMinor(text: string, currency: string): number | undefined {
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match) return undefined;
  const digits = MINOR_DIGITS[currency] ?? 2;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Hours and minutes in the business's zone: `09:30`. */
export function time(ms: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(ms);
}

/** Today's date (`YYYY-MM-DD`) in the business's zone. */
export function todayIn(timeZone: string, nowMs = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(nowMs);
}

/** A calendar date `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, dayOfMonth + days)).toISOString().slice(0, 10);
}

/** The Monday of the week of `date`. */
export function mondayOf(date: string): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(year, month - 1, dayOfMonth)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** A date as a short heading: `Tue, 10 Mar`. */
export function dateLabel(date: string, locale: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' }): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { ...options, timeZone: 'UTC' }).format(Date.parse(`${date}T12:00:00Z`));
}
