import type { Locale } from '../../config/business.ts';
import { toMajor } from '../../config/money.ts';
import { buildCsv, type CsvCell } from '../../export/csv.ts';
import { lineLabel } from './orders.lines.ts';
import { paymentMethodKey, pickupPointIn } from './orders.messages.ts';
import type { OrderFilter } from './orders.repository.ts';
import { startOfDayMs, zonedMidnightMs, type Order } from './orders.service.ts';
import { buildXlsx, type XlsxCell } from '../../export/xlsx.ts';

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

/** The repository filter of an export: of one kind, or of every kind. */
export function exportOrderFilter(filter: ExportFilter, kind?: string): OrderFilter {
  return { kind, fromMs: filter.fromMs, toMs: filter.toMs, statuses: filter.status ? [filter.status] : undefined };
}

/** The instant `ms` as the wall clock of `timeZone` shows it, expressed as if it were UTC. */
export function wallClockMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** Column ids of the export, in order; headers come from `orders-export-col-<id>`. */
export const EXPORT_COLUMNS = ['number', 'created', 'status', 'customer', 'user_id', 'phone', 'delivery', 'address', 'items', 'quantity', 'total', 'currency', 'payment', 'comment'] as const;

/** One order as an export row, before it becomes CSV or XLSX. */
interface ExportRecord {
  number: string;
  createdWallMs: number;
  status: string;
  customer: string;
  userId: number;
  phone: string;
  delivery: string;
  address: string;
  items: string;
  quantity: number;
  total: number;
  currency: string;
  payment: string;
  comment: string;
}

/** What the export needs to label things: the reader's translations and the business's time zone. */
export interface ExportDeps {
  t(key: string): string;
  /** The reader's language: order lines are named in it. */
  locale: Locale;
  timeZone: string;
  /** A status in words for orders of kinds with their own labels; the shop's labels otherwise. */
  statusText?(order: Order): string;
}

function toRecord(order: Order, deps: ExportDeps): ExportRecord {
  const t = deps.t;
  const items = order.lines
    .filter((line) => line.line_kind !== 'fee')
    .map((line) => `${lineLabel(line, deps.locale)} × ${line.quantity}`)
    .join('; ');
  return {
    number: order.number,
    createdWallMs: wallClockMs(order.created_at, deps.timeZone),
    status: (deps.statusText?.(order) ?? t(`order-status-${order.status}`)).replace(/^[\p{Extended_Pictographic}\uFE0F\u200D\s]+/u, ''),
    customer: order.contact_name,
    userId: order.user_id,
    phone: order.contact_phone ?? '',
    delivery: order.delivery_method ? t(`orders-export-delivery-${order.delivery_method}`) : '',
    address: order.delivery_method === 'pickup' ? (pickupPointIn(order, deps.locale) ?? '') : (order.delivery_address ?? ''),
    items,
    quantity: order.lines.filter((line) => line.line_kind !== 'fee').reduce((sum, line) => sum + line.quantity, 0),
    total: toMajor(order.total_minor, order.currency),
    currency: order.currency,
    payment: t(paymentMethodKey(order.payment_method)).replace(/^[\p{Extended_Pictographic}\uFE0F\u200D\s]+/u, ''),
    comment: order.comment ?? '',
  };
}

function isoLocal(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Builds the export files: a CSV (RFC 4180, UTF-8 with BOM) and an XLSX with the same rows,
 * headers in the reader's language, dates in the business's time zone, totals as numbers
 * in major units.
 */
export async function buildOrderExport(orders: readonly Order[], deps: ExportDeps): Promise<{ csv: Buffer; xlsx: Uint8Array; rows: number }> {
  const headers = EXPORT_COLUMNS.map((column) => deps.t(`orders-export-col-${column}`));
  const records = orders.map((order) => toRecord(order, deps));
  const csvRows: CsvCell[][] = [
    headers,
    ...records.map((r) => [r.number, isoLocal(r.createdWallMs), r.status, r.customer, r.userId, r.phone, r.delivery, r.address, r.items, r.quantity, r.total, r.currency, r.payment, r.comment]),
  ];
  const xlsxRows: XlsxCell[][] = [
    headers,
    ...records.map((r) => [r.number, { wallClockMs: r.createdWallMs }, r.status, r.customer, r.userId, r.phone, r.delivery, r.address, r.items, r.quantity, r.total, r.currency, r.payment, r.comment]),
  ];
  const xlsx = await buildXlsx([
    {
      name: deps.t('orders-export-sheet'),
      rows: xlsxRows,
      header: true,
      columnWidths: [10, 17, 14, 22, 13, 16, 12, 30, 50, 8, 12, 8, 16, 30],
    },
  ]);
  return { csv: buildCsv(csvRows), xlsx, rows: records.length };
}
