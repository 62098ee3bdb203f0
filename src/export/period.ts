import { startOfDayMs, zonedMidnightMs } from '../config/dates.ts';

// What `/export` asks for, shared by every module that contributes a dataset to the staff export.

/** Periods `/export` understands besides explicit dates. */
export const EXPORT_PERIODS = ['today', '7d', '30d', 'all'] as const;

/** What to export: a period and optionally one status. */
export interface ExportFilter {
  fromMs?: number;
  toMs?: number;
  status?: string;
  /** The period as typed, for file names and captions. */
  periodLabel: string;
}

const DAY_MS = 24 * 3600_000;

/**
 * Reads `/export` arguments: a period (`today`, `7d`, `30d`, `all`, `2026-01-31` or
 * `2026-01-01..2026-01-31`, days in the business's time zone) and a status, in any order.
 * Returns an error code when an argument is neither.
 */
export function parseExportArgs(
  raw: string,
  options: { nowMs: number; timeZone: string; statuses: readonly string[] },
): ExportFilter | { error: 'orders.export_invalid_period' | 'orders.export_invalid_status' | 'orders.export_invalid_arguments' } {
  const words = raw.trim().split(/\s+/).filter(Boolean);
  if (words.length > 2) return { error: 'orders.export_invalid_arguments' };
  let filter: ExportFilter = { periodLabel: 'all' };
  let seenPeriod = false;
  for (const word of words.map((item) => item.toLowerCase())) {
    const range = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/.exec(word);
    if (!seenPeriod && (EXPORT_PERIODS as readonly string[]).includes(word)) {
      filter = { ...filter, ...periodRange(word as (typeof EXPORT_PERIODS)[number], options.nowMs, options.timeZone), periodLabel: word };
      seenPeriod = true;
    } else if (!seenPeriod && range) {
      const from = range[1] as string;
      const to = range[2] ?? from;
      if (Number.isNaN(Date.parse(`${from}T00:00:00Z`)) || Number.isNaN(Date.parse(`${to}T00:00:00Z`)) || to < from) {
        return { error: 'orders.export_invalid_period' };
      }
      filter = { ...filter, fromMs: zonedMidnightMs(from, options.timeZone), toMs: zonedMidnightMs(to, options.timeZone) + DAY_MS, periodLabel: word };
      seenPeriod = true;
    } else if (filter.status === undefined && options.statuses.includes(word)) {
      filter = { ...filter, status: word };
    } else {
      return { error: /\d/.test(word) ? 'orders.export_invalid_period' : 'orders.export_invalid_status' };
    }
  }
  return filter;
}

/** The time range of a named period ending now. */
export function periodRange(period: (typeof EXPORT_PERIODS)[number], nowMs: number, timeZone: string): { fromMs?: number; toMs?: number } {
  switch (period) {
    case 'today':
      return { fromMs: startOfDayMs(nowMs, timeZone) };
    case '7d':
      return { fromMs: nowMs - 7 * DAY_MS };
    case '30d':
      return { fromMs: nowMs - 30 * DAY_MS };
    case 'all':
      return {};
  }
}
