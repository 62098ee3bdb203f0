import { toMinor } from '../../config/money.ts';

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function todayIn(timeZone: string, nowMs: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
}

/** Farthest a deadline may be, in days: anything later is a typo. */
const MAX_DEADLINE_DAYS = 366;

/**
 * Reads a deadline as people type it: `2026-04-01`, `01.04.2026`, `1.4.26` or `01.04` (this
 * year, or next if that day has passed). Undefined unless it is a real date from today on
 * and within a year.
 */
export function parseDeadline(raw: string, timeZone: string, nowMs: number): string | undefined {
  const text = raw.trim();
  const today = todayIn(timeZone, nowMs);
  const thisYear = Number(today.slice(0, 4));
  let year: number;
  let month: number;
  let day: number;
  let iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    iso = /^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$/.exec(text);
    if (!iso) return undefined;
    day = Number(iso[1]);
    month = Number(iso[2]);
    year = iso[3] === undefined ? thisYear : iso[3].length === 2 ? 2000 + Number(iso[3]) : Number(iso[3]);
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  let value = date.toISOString().slice(0, 10);
  if (iso && iso[3] === undefined && value < today) value = `${year + 1}${value.slice(4)}`;
  if (value < today) return undefined;
  const days = (Date.parse(value) - Date.parse(today)) / 86_400_000;
  return days <= MAX_DEADLINE_DAYS ? value : undefined;
}

/**
 * Reads a price staff type (`12500`, `12 500`, `12500.50`, `12500,5`) followed by an
 * optional note, into minor units. Undefined when the first part is not a positive amount.
 */
export function parsePriceInput(raw: string, currency: string): { amountMinor: number; note: string | undefined } | undefined {
  const match = /^\s*(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?:\s+([\s\S]+))?$/.exec(raw);
  if (!match) return undefined;
  const whole = Number((match[1] as string).replace(/[ \u00a0\u202f]/g, ''));
  const amount = whole + (match[2] ? Number(`0.${match[2]}`) : 0);
  const amountMinor = toMinor(amount, currency);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return undefined;
  return { amountMinor, note: match[3]?.trim().slice(0, 500) || undefined };
}

/** A quantity the customer typed: a whole number from 1 to `max`. */
export function parseQuantity(raw: string, max: number): number | undefined {
  const text = raw.trim();
  if (!/^\d{1,6}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= max ? value : undefined;
}
