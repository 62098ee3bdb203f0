import type { Locale } from '../../config/business.ts';
import { toMajor } from '../../config/money.ts';
import { buildCsv, type CsvCell } from '../../export/csv.ts';
import { lineLabel } from './orders.lines.ts';
import { paymentMethodKey, pickupPointIn } from './orders.messages.ts';
import type { OrderFilter } from './orders.repository.ts';
import type { Order } from './orders.service.ts';
import type { ExportFilter } from '../../export/period.ts';
import { wallClockMs } from '../../config/dates.ts';
import { buildXlsx, type XlsxCell } from '../../export/xlsx.ts';

/** The repository filter of an export: of one kind, or of every kind. */
export function exportOrderFilter(filter: ExportFilter, kind?: string): OrderFilter {
  return { kind, fromMs: filter.fromMs, toMs: filter.toMs, statuses: filter.status ? [filter.status] : undefined };
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
