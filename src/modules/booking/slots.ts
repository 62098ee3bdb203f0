// Free appointment slots from a doctor's weekly schedule, in the clinic's time zone, with
// nothing but Intl (see src/delivery/zoned-time.ts). Working hours are worked out per local
// calendar day in minutes of the wall clock, then turned into real instants, and slots are
// laid on the real time line: on a day when the clocks jump, a 00:00–06:00 shift lasts 5 or 7
// hours and gets that many hourly slots, and 09:00 stays 09:00 local whatever the offset.

import { zonedParts } from '../../delivery/zoned-time.ts';

/** Minutes of the day, 0 (00:00) to 1440 (24:00). */
export type DayMinutes = number;

/** A stretch of wall-clock time within one day, `HH:MM`–`HH:MM` (`24:00` allowed as an end). */
export interface ClockRange {
  start: string;
  end: string;
}

/** One working stretch on a weekday, with its breaks. */
export interface WeeklyRule {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  start: string;
  end: string;
  breaks?: readonly ClockRange[];
}

/**
 * A one-off change on a date: `closed` without times is a day off, `closed` with times shuts
 * part of the day, `open` adds hours (a Saturday shift, a longer day).
 */
export interface ScheduleException {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  kind: 'open' | 'closed';
  start?: string;
  end?: string;
}

/** A real stretch of time, `[startMs, endMs)`. */
export interface Interval {
  startMs: number;
  endMs: number;
}

/** A bookable start. */
export interface Slot extends Interval {
  /** The local date the slot belongs to. */
  date: string;
}

/** What {@link generateSlots} needs. */
export interface SlotQuery {
  timeZone: string;
  /** First and last local dates to look at, inclusive. */
  fromDate: string;
  toDate: string;
  rules: readonly WeeklyRule[];
  exceptions: readonly ScheduleException[];
  /** Appointments (and anything else) already taking the doctor's time. */
  busy: readonly Interval[];
  durationMinutes: number;
  /** Distance between two offered starts. */
  stepMinutes: number;
  /** Slots starting before this are not offered (now plus the booking lead time). */
  notBeforeMs: number;
}

/** Parses `HH:MM` into minutes of the day; `24:00` is the end of the day. */
export function parseClock(text: string): DayMinutes | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** Formats minutes of the day as `HH:MM`. */
export function formatClock(minutes: DayMinutes): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The local date (`YYYY-MM-DD`) at an instant. */
export function localDateOf(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The local wall-clock time (`HH:MM`) at an instant. */
export function localTimeOf(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** The date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
}

/** How far the wall clock in `timeZone` is ahead of UTC at an instant (whole minutes). */
function offsetAtMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(epochMs / 60_000) * 60_000;
}

/**
 * The instant a local date and wall-clock minute happen; 24:00 is the next day's midnight. A
 * time the clocks skip maps to the moment after the jump; a time they repeat, to its first
 * occurrence. Both offsets around the moment are tried (a day either side covers every real
 * transition), so the answer is right even a few hours after a fall-back jump, where trying
 * the offset at the naive guess alone lands an hour off.
 */
export function localToEpochMs(date: string, minutes: DayMinutes, timeZone: string): number {
  const base = minutes >= 1440 ? addDays(date, Math.floor(minutes / 1440)) : date;
  const rest = minutes % 1440;
  const [year, month, day] = base.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(year, month - 1, day, Math.floor(rest / 60), rest % 60);
  const before = guess - offsetAtMs(guess - 86_400_000, timeZone);
  const after = guess - offsetAtMs(guess + 86_400_000, timeZone);
  const shows = (candidate: number) => candidate + offsetAtMs(candidate, timeZone) === guess;
  const valid = [before, after].filter(shows).sort((a, b) => a - b);
  // Nothing shows that wall time: it fell into a spring-forward gap; the old offset lands after it.
  return valid[0] ?? before;
}

type MinuteRange = [DayMinutes, DayMinutes];

function toRange(range: ClockRange): MinuteRange | undefined {
  const start = parseClock(range.start);
  const end = parseClock(range.end);
  return start !== undefined && end !== undefined && start < end ? [start, end] : undefined;
}

/** Sorted, merged union of ranges. */
function union(ranges: readonly MinuteRange[]): MinuteRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: MinuteRange[] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** `ranges` with every part covered by `cuts` removed. */
function subtract(ranges: readonly MinuteRange[], cuts: readonly MinuteRange[]): MinuteRange[] {
  let current = [...ranges];
  for (const [cutStart, cutEnd] of cuts) {
    const next: MinuteRange[] = [];
    for (const [start, end] of current) {
      if (cutEnd <= start || cutStart >= end) {
        next.push([start, end]);
        continue;
      }
      if (cutStart > start) next.push([start, cutStart]);
      if (cutEnd < end) next.push([cutEnd, end]);
    }
    current = next;
  }
  return current;
}

/**
 * The doctor's working time on one local date as real instants: the weekday's rules minus
 * their breaks, plus `open` exceptions, minus `closed` ones (a whole-day `closed` wins).
 */
export function workingIntervals(date: string, rules: readonly WeeklyRule[], exceptions: readonly ScheduleException[], timeZone: string): Interval[] {
  const todays = exceptions.filter((exception) => exception.date === date);
  if (todays.some((exception) => exception.kind === 'closed' && exception.start === undefined)) return [];
  const weekday = weekdayOf(date);
  const open: MinuteRange[] = [];
  const cuts: MinuteRange[] = [];
  for (const rule of rules.filter((item) => item.weekday === weekday)) {
    const range = toRange(rule);
    if (!range) continue;
    open.push(range);
    for (const pause of rule.breaks ?? []) {
      const cut = toRange(pause);
      if (cut) cuts.push(cut);
    }
  }
  // Breaks belong to the regular hours; an extra `open` stretch is worked through.
  let minutes = subtract(union(open), cuts);
  const extra = todays.flatMap((exception) => (exception.kind === 'open' && exception.start && exception.end ? [toRange(exception as ClockRange)] : []));
  minutes = union([...minutes, ...extra.filter((range): range is MinuteRange => range !== undefined)]);
  const closed = todays.flatMap((exception) => (exception.kind === 'closed' && exception.start && exception.end ? [toRange(exception as ClockRange)] : []));
  minutes = subtract(minutes, closed.filter((range): range is MinuteRange => range !== undefined));
  return minutes
    .map(([start, end]) => ({ startMs: localToEpochMs(date, start, timeZone), endMs: localToEpochMs(date, end, timeZone) }))
    .filter((interval) => interval.endMs > interval.startMs);
}

/**
 * Free starts for one doctor: inside working time, `durationMinutes` long, every
 * `stepMinutes` from the start of each working stretch, not overlapping anything busy, and
 * not before `notBeforeMs`. Sorted by time.
 */
export function generateSlots(query: SlotQuery): Slot[] {
  if (!(query.durationMinutes > 0) || !(query.stepMinutes > 0)) throw new RangeError('duration and step must be positive');
  const durationMs = query.durationMinutes * 60_000;
  const stepMs = query.stepMinutes * 60_000;
  const busy = [...query.busy].sort((a, b) => a.startMs - b.startMs);
  const slots: Slot[] = [];
  for (let date = query.fromDate; date <= query.toDate; date = addDays(date, 1)) {
    for (const interval of workingIntervals(date, query.rules, query.exceptions, query.timeZone)) {
      for (let startMs = interval.startMs; startMs + durationMs <= interval.endMs; startMs += stepMs) {
        const endMs = startMs + durationMs;
        if (startMs < query.notBeforeMs) continue;
        if (busy.some((taken) => taken.startMs < endMs && taken.endMs > startMs)) continue;
        slots.push({ startMs, endMs, date });
      }
    }
  }
  return slots;
}

/**
 * The slots nearest to `targetMs` (before or after), for a patient who just lost a slot to
 * someone faster: the closest first, ties going to the later one.
 */
export function nearestSlots<T extends Interval>(slots: readonly T[], targetMs: number, count: number): T[] {
  return [...slots]
    .sort((a, b) => Math.abs(a.startMs - targetMs) - Math.abs(b.startMs - targetMs) || b.startMs - a.startMs)
    .slice(0, count)
    .sort((a, b) => a.startMs - b.startMs);
}
