import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { OrdersError, type Order, type OrderActor, type OrderLineInput, type OrdersService, type OutgoingMessage } from '../orders/orders.service.ts';
import type { OrderStatusChangeRecord } from '../orders/orders.tables.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { type CustomOrdersSettings } from './custom-orders.settings.ts';
import {
  PRINT_KIND,
  SUBSCRIBABLE_STATUSES,
  type CustomOrderStatus,
} from './custom-orders.status.ts';
import type { CustomOrderFileRecord, CustomOrderQuoteRecord, PrintJobRecord } from './custom-orders.tables.ts';
import type { ModelAnalyser } from './mesh/analyser.ts';
import type { MeshMeasurements } from './mesh/measure.ts';
import { type Quote } from './quote.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

/** The kind of each refusal of a print job; codes not listed are invalid input. */
export const CUSTOM_ORDERS_KINDS: Readonly<Record<string, ErrorKind>> = {
  'custom_orders.not_found': 'not_found',
  'custom_orders.file_not_found': 'not_found',
  'custom_orders.link_invalid': 'forbidden',
  'custom_orders.link_expired': 'gone',
  'custom_orders.transition_not_allowed': 'conflict',
  'custom_orders.status_changed': 'conflict',
  'custom_orders.quote_outdated': 'conflict',
  'custom_orders.refund_not_allowed': 'conflict',
  // The payment provider refused the refund: staff were alerted to return the money by hand.
  'custom_orders.refund_failed': 'upstream',
};

/** A custom-order rule was broken; `code` says which (`custom_orders.quote_outdated`, …). */
export class CustomOrdersError extends refusalClass('CustomOrdersError', CUSTOM_ORDERS_KINDS) {}

/** Someone acting on an order. */
export type Actor = OrderActor;

/** A model file of an order, with its measurements parsed. */
export interface OrderFile extends Omit<CustomOrderFileRecord, 'measurements'> {
  measurements: MeshMeasurements;
}

/** A print job: its order (number, customer, status, price, lines) with how to print it and its files. */
export interface CustomOrder extends Order, Omit<PrintJobRecord, 'order_id'> {
  files: OrderFile[];
}

/** A print job with everything that happened to it. */
export interface CustomOrderDetail extends CustomOrder {
  history: OrderStatusChangeRecord[];
  quotes: CustomOrderQuoteRecord[];
  /** Every payment made or tried for it, through the payments module, oldest first. */
  payments: PaymentRecord[];
  /** The breakdown of the automatic quote, when there was one. */
  autoQuote: Quote | undefined;
}

/** Texts the service needs for what it writes: line titles (business language) and direct notes to the customer. */
export interface CustomOrderTexts {
  /** The order line of a print job, in `locale` (the business's language when none is named). */
  lineTitle(choice: Pick<CustomOrder, 'technology' | 'material' | 'colour' | 'infill_percent'>, locale?: Locale): string;
  /** The line that carries what a price does not divide evenly over the copies, in `locale`. */
  roundingTitle(locale?: Locale): string;
  /** A new price for an order already waiting for the customer's answer, with its buttons. */
  newPrice(order: CustomOrder, locale: Locale, note: string | undefined): OutgoingMessage;
  /** A message from staff about the order. */
  staffMessage(order: CustomOrder, locale: Locale, text: string): OutgoingMessage;
}

/** A file accepted from a customer, before the order exists. */
export interface AcceptFileInput {
  userId: number;
  fileName: string;
  telegramFileId: string;
  telegramFileUniqueId?: string;
  bytes: Uint8Array;
}

/** What the customer chose in the flow. */
export interface OrderChoice {
  technology: string;
  material: string;
  colour: string;
  infillPercent: number | null;
  quantity: number;
}

/** An order as the customer places it at the end of the flow. */
export interface PlaceOrderInput extends OrderChoice {
  userId: number;
  contactName: string;
  fileIds: readonly number[];
  comment: string | null;
  deadline: string | null;
  /** The customer asked staff for a price instead of the automatic one. */
  manualQuote: boolean;
  previewFileId: string | null;
}

/** Statistics for `/stats`. */
export interface CustomOrderStats {
  byStatus: { status: string; count: number }[];
  periods: {
    key: 'today' | '7d' | '30d';
    orders: number;
    paidOrders: number;
    /** Prices of paid orders (business currency). */
    revenue: { currency: string; totalMinor: number }[];
    /** Money received through payments (Stars are XTR). */
    received: { currency: string; amount: number; count: number }[];
  }[];
}

/** What the admin list filters by. */
export interface CustomOrderFilter {
  userId?: number;
  statuses?: readonly string[];
  fromMs?: number;
  toMs?: number;
}

/** Dependencies of the custom-orders service. */
export interface CustomOrdersServiceDeps {
  db: Db;
  now(): number;
  settings: CustomOrdersSettings;
  /** The business currency prices are computed in. */
  currency: string;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  /** Orders, lines, history, status changes and their notifications. */
  orders: OrdersService;
  /** Refunds, and the payments of an order for staff pages and statistics. */
  payments: Pick<PaymentsService, 'refund' | 'listForPurpose' | 'paidSince'>;
  /** The payment purpose print jobs are paid under. */
  purpose: string;
  /** The language a customer reads in. Called before a transaction opens. */
  localeOf(userId: number): Promise<Locale>;
  analyser: ModelAnalyser;
  texts: CustomOrderTexts;
}

/** Draft files older than this belong to abandoned orders and are deleted. */
export const DRAFT_TTL_MS = 24 * 3600_000;

/** The payment reference of an order at its current price: an invoice for an older price no longer matches. */
export function printRef(order: Pick<CustomOrder, 'id' | 'quote_version'>): string {
  return `${order.id}_${order.quote_version}`;
}

/** Reads {@link printRef} back; undefined for anything else. */
export function parsePrintRef(ref: string): { orderId: number; version: number } | undefined {
  const match = /^(\d{1,12})_(\d{1,6})$/.exec(ref);
  return match ? { orderId: Number(match[1]), version: Number(match[2]) } : undefined;
}

/** An orders rule broken on a print job, in this module's words (`orders.status_changed` → `custom_orders.status_changed`). */
export function translated(error: unknown): unknown {
  if (error instanceof OrdersError) return new CustomOrdersError(error.code.replace(/^orders\./, 'custom_orders.'), error.message, error.details);
  return error;
}

/** What every custom-orders use case shares. */
export function createCustomOrdersCore(deps: CustomOrdersServiceDeps) {
  const repository = createCustomOrdersRepository(deps.db);
  const { settings, orders } = deps;

  const toFile = (row: CustomOrderFileRecord): OrderFile => ({ ...row, measurements: JSON.parse(row.measurements) as MeshMeasurements });
  const compose = (order: Order, job: PrintJobRecord, files: readonly CustomOrderFileRecord[]): CustomOrder => {
    const { order_id: _orderId, ...rest } = job;
    return { ...order, ...rest, files: files.map(toFile) };
  };

  /** The print job of `order`, read through `executor` (the caller's transaction, if any). */
  const viewIn = async (executor: DbExecutor, order: Order): Promise<CustomOrder | undefined> => {
    if (order.kind !== PRINT_KIND) return undefined;
    const scoped = createCustomOrdersRepository(executor);
    const job = await scoped.findJob(order.id);
    return job ? compose(order, job, await scoped.filesOf([order.id])) : undefined;
  };

  const load = async (orderId: number): Promise<CustomOrder> => {
    const order = await orders.get(orderId);
    const found = order ? await viewIn(deps.db, order) : undefined;
    if (!found) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
    return found;
  };

  const subscriptionsIn = async (executor: DbExecutor, userId: number): Promise<CustomOrderStatus[]> => {
    const stored = await createCustomOrdersRepository(executor).subscriptionOf(userId);
    if (stored === undefined) return [...SUBSCRIBABLE_STATUSES];
    const list = JSON.parse(stored) as string[];
    return SUBSCRIBABLE_STATUSES.filter((status) => list.includes(status));
  };

  /**
   * The order's lines at `totalMinor`: the job with its copies, and, when the price does not
   * divide evenly over them, a line with the remainder (a few minor units) so that the lines
   * always add up to the price exactly.
   */
  const linesFor = (job: Pick<CustomOrder, 'technology' | 'material' | 'colour' | 'infill_percent' | 'quantity'>, totalMinor: number): OrderLineInput[] => {
    const unit = Math.floor(totalMinor / job.quantity);
    const rest = totalMinor - unit * job.quantity;
    // Every language's title goes with the line, so customers and staff each read their own.
    const titles = (render: (locale: Locale) => string) =>
      Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, { title: render(locale).slice(0, 200), variantTitle: null }]));
    const lines: OrderLineInput[] = [
      { kind: 'item', title: deps.texts.lineTitle(job).slice(0, 200), titles: titles((locale) => deps.texts.lineTitle(job, locale)), unitPriceMinor: unit, quantity: job.quantity },
    ];
    if (rest > 0) {
      lines.push({ kind: 'fee', title: deps.texts.roundingTitle().slice(0, 200), titles: titles((locale) => deps.texts.roundingTitle(locale)), unitPriceMinor: rest, quantity: 1 });
    }
    return lines;
  };

  /** Runs `work`, speaking of orders rules in this module's codes. */
  const asPrintJob = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translated(error);
    }
  };

  return { deps, repository, settings, orders, toFile, compose, viewIn, load, subscriptionsIn, linesFor, asPrintJob };
}

/** What the custom-orders use cases share. */
export type CustomOrdersCore = ReturnType<typeof createCustomOrdersCore>;
