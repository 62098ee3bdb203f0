import { InlineKeyboard } from 'grammy';
import type { Locale } from '../../config/business.ts';
import { addDays, weekdayOf } from './slots.ts';

/** What a month calendar needs to know. */
export interface CalendarOptions {
  /** `YYYY-MM`. */
  month: string;
  locale: Locale;
  /** Dates (`YYYY-MM-DD`) that have free slots; only these are pressable days. */
  available: ReadonlySet<string>;
  /** Callback data of a day. */
  dayData(date: string): string;
  /** Callback data of another month, or undefined when it is outside the booking window. */
  monthData(month: string): string | undefined;
  /** Callback data of the filler cells (they answer "no free time"). */
  noopData: string;
  /**
   * The weekday headers, Monday first (`Mo Tu We …`, from the locale texts): two letters fit
   * a seven-button row on any phone, where Telegram cuts `Mon` to `M…`. Without exactly seven,
   * the locale's narrowest names are used.
   */
  weekdayNames?: readonly string[];
}

/** `YYYY-MM` of the month before (-1) or after (+1). */
export function shiftMonth(month: string, delta: number): string {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, monthIndex - 1 + delta, 1));
  return date.toISOString().slice(0, 7);
}

/** `March 2026` / `март 2026 г.` / `2026 ж. наурыз`. */
export function monthTitle(month: string, locale: Locale): string {
  const text = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.parse(`${month}-01T12:00:00Z`));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Seven weekday headers, Monday first: the given names, else the locale's narrowest. */
export function weekdayHeaders(locale: Locale, names: readonly string[] | undefined): string[] {
  if (names?.length === 7 && names.every((name) => name.length > 0)) return [...names];
  const format = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'narrow' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, day) => format.format(Date.parse(`2024-01-0${day + 1}T12:00:00Z`)));
}

/**
 * A month as an inline keyboard: a header with ‹ month ›, the weekdays (Monday first), and
 * the days, where only days with free slots are numbers the patient can press; the rest are
 * dots. Callback data stays short: the caller's `dayData` decides it.
 */
export function calendarKeyboard(options: CalendarOptions): InlineKeyboard {
  const { month, locale } = options;
  const keyboard = new InlineKeyboard();
  const previous = options.monthData(shiftMonth(month, -1));
  const next = options.monthData(shiftMonth(month, 1));
  keyboard.text(previous ? '‹' : ' ', previous ?? options.noopData).text(monthTitle(month, locale), options.noopData).text(next ? '›' : ' ', next ?? options.noopData).row();
  for (const name of weekdayHeaders(locale, options.weekdayNames)) keyboard.text(name, options.noopData);
  keyboard.row();
  const first = `${month}-01`;
  const cells: { text: string; data: string }[] = [];
  for (let blank = 1; blank < weekdayOf(first); blank += 1) cells.push({ text: ' ', data: options.noopData });
  for (let date = first; date.startsWith(month); date = addDays(date, 1)) {
    const day = String(Number(date.slice(8)));
    cells.push(options.available.has(date) ? { text: day, data: options.dayData(date) } : { text: '·', data: options.noopData });
  }
  while (cells.length % 7 !== 0) cells.push({ text: ' ', data: options.noopData });
  for (let index = 0; index < cells.length; index += 7) {
    for (const cell of cells.slice(index, index + 7)) keyboard.text(cell.text, cell.data);
    keyboard.row();
  }
  return keyboard;
}
