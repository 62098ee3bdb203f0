import { dateFormat } from '../../config/dates.ts';
import { zonedParts, zonedToEpochMs } from '../../delivery/zoned-time.ts';

/** Midnight of the day containing `epochMs` in `timeZone`. */
export function startOfLocalDay(epochMs: number, timeZone: string): number {
  const parts = zonedParts(epochMs, timeZone);
  return zonedToEpochMs({ year: parts.year, month: parts.month, day: parts.day, hour: 0, minute: 0 }, timeZone);
}

/** Parses `YYYY-MM-DD` as the start of that local day; undefined when it is not a date. */
export function parseLocalDate(text: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return zonedToEpochMs({ year, month, day, hour: 0, minute: 0 }, timeZone);
}

/** The start of the local day after `YYYY-MM-DD` (an inclusive "to" date as an exclusive bound). */
export function endOfLocalDate(text: string, timeZone: string): number | undefined {
  const start = parseLocalDate(text, timeZone);
  if (start === undefined) return undefined;
  // Noon of the next day, then back to its midnight: correct across DST changes.
  return startOfLocalDay(start + 36 * 3600_000, timeZone);
}

/** A short local date and time for ledger lines, day before month on a 24-hour clock: `12.03, 14:05` (ru), `12/03, 14:05` (en). */
export function formatShortDateTime(epochMs: number, timeZone: string, locale: string): string {
  return dateFormat(locale, { timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}
