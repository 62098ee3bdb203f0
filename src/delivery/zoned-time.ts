// Wall-clock time in the business's time zone, with nothing but Intl: what "09:00 in
// Asia/Almaty" is in epoch milliseconds, and back.

/** A local date and time in some time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date and time at `epochMs` in `timeZone`. */
export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** How far `timeZone` is ahead of UTC at `epochMs`. */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The epoch milliseconds of a local time in `timeZone`. A time skipped by a DST jump maps to
 * the moment just after the jump; a repeated one to its first occurrence.
 */
export function zonedToEpochMs(local: Omit<ZonedParts, 'second'> & { second?: number }, timeZone: string): number {
  const guess = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second ?? 0);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return Math.min(first, second);
}

/** Parses `HH:MM` (24-hour); undefined when it is not a time of day. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

/** The first moment strictly after `afterMs` when the clock in `timeZone` shows `time` (`HH:MM`). */
export function nextDailyAt(afterMs: number, time: string, timeZone: string): number {
  const at = parseTimeOfDay(time);
  if (!at) throw new Error(`not a time of day: ${time}`);
  const today = zonedParts(afterMs, timeZone);
  for (let dayOffset = 0; dayOffset < 3; dayOffset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    const candidate = zonedToEpochMs(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: at.hour, minute: at.minute },
      timeZone,
    );
    if (candidate > afterMs) return candidate;
  }
  throw new Error('unreachable: a daily time always recurs within two days');
}

/**
 * Parses what an owner types as a send time, in the business's time zone: `YYYY-MM-DD HH:MM`,
 * `DD.MM.YYYY HH:MM`, `DD.MM HH:MM` or just `HH:MM` (the next time the clock shows it).
 */
export function parseLocalDateTime(text: string, timeZone: string, nowMs: number): number | undefined {
  const value = text.trim();
  const time = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (time) return parseTimeOfDay(value) ? nextDailyAt(nowMs, value, timeZone) : undefined;
  let match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(value);
  let parts: [number, number, number, number, number] | undefined;
  if (match) parts = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5])];
  match = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+(\d{1,2}):(\d{2})$/.exec(value);
  if (match) parts = [match[3] ? Number(match[3]) : zonedParts(nowMs, timeZone).year, Number(match[2]), Number(match[1]), Number(match[4]), Number(match[5])];
  if (!parts) return undefined;
  const [year, month, day, hour, minute] = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  return zonedToEpochMs({ year, month, day, hour, minute }, timeZone);
}

/** Formats epoch ms as `YYYY-MM-DD HH:MM` in `timeZone`, for messages to the owner. */
export function formatLocalDateTime(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}
