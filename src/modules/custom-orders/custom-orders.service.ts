import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { PageWindow } from '../../telegram/paginator.ts';
import { OrdersError, startOfDayMs, type Order, type OrderActor, type OrderChange, type OrderLineInput, type OrdersService, type OutgoingMessage } from '../orders/orders.service.ts';
import type { OrderStatusChangeRecord } from '../orders/orders.tables.ts';
import { isPaymentsError } from '../payments/payments.errors.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { resolveChoice, type CustomOrdersSettings } from './custom-orders.settings.ts';
import {
  PAID_STATUSES,
  PRINT_KIND,
  QUOTABLE_STATUSES,
  SUBSCRIBABLE_STATUSES,
  isPaidStatus,
  nextStatuses,
  type ActorRole,
  type CustomOrderStatus,
} from './custom-orders.status.ts';
import type { CustomOrderFileRecord, CustomOrderQuoteRecord, PrintJobRecord } from './custom-orders.tables.ts';
import type { ModelAnalyser } from './mesh/analyser.ts';
import type { MeshMeasurements } from './mesh/measure.ts';
import { computeQuote, type Quote } from './quote.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A custom-order rule was broken; `code` says which (`custom_orders.quote_outdated`, …). */
export class CustomOrdersError extends LavkaError {
  override readonly name = 'CustomOrdersError';
  get kind(): ErrorKind {
    return CUSTOM_ORDERS_KINDS[this.code] ?? 'invalid';
  }
}

/** The kind of each refusal of a print job; codes not listed are invalid input. */
const CUSTOM_ORDERS_KINDS: Readonly<Record<string, ErrorKind>> = {
  'custom_orders.not_found': 'not_found',
  'custom_orders.file_not_found': 'not_found',
  'custom_orders.transition_not_allowed': 'conflict',
  'custom_orders.status_changed': 'conflict',
  'custom_orders.quote_outdated': 'conflict',
  'custom_orders.refund_not_allowed': 'conflict',
  // The payment provider refused the refund: staff were alerted to return the money by hand.
  'custom_orders.refund_failed': 'upstream',
};

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
function translated(error: unknown): unknown {
  if (error instanceof OrdersError) return new CustomOrdersError(error.code.replace(/^orders\./, 'custom_orders.'), error.message, error.details);
  return error;
}

/**
 * Custom print jobs on the orders machinery: accepting model files, quoting, placing a job as
 * an order of kind `print3d` with its own row beside it, status changes through the orders
 * service, staff prices the customer accepts, cancellations of paid jobs that refund the
 * payment, notification choices, lists and statistics.
 */
export function createCustomOrdersService(deps: CustomOrdersServiceDeps) {
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
    const found = await service.get(orderId);
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

  const service = {
    viewIn,

    /** {@link viewIn} with the automatic quote's breakdown, for the staff alert of a new order. */
    async quotedViewIn(executor: DbExecutor, order: Order): Promise<(CustomOrder & { autoQuote: Quote | undefined }) | undefined> {
      const job = await viewIn(executor, order);
      if (!job) return undefined;
      const auto = (await createCustomOrdersRepository(executor).quotesOf(order.id)).find((quote) => quote.breakdown !== null);
      return { ...job, autoQuote: auto?.breakdown ? (JSON.parse(auto.breakdown) as Quote) : undefined };
    },

    /** The payment reference of the order's current price. */
    payRef: printRef,

    /**
     * Parses and measures a model file and keeps it as a draft of the customer's next order.
     * A file that is not a usable model is refused with a ModelError and nothing is stored.
     */
    async acceptFile(input: AcceptFileInput): Promise<OrderFile> {
      const analysis = await deps.analyser.analyse(input.bytes, input.fileName);
      const row = await repository.insertFile(
        {
          order_id: null,
          user_id: input.userId,
          file_name: input.fileName.slice(0, 200),
          format: analysis.format,
          size_bytes: input.bytes.length,
          telegram_file_id: input.telegramFileId,
          telegram_file_unique_id: input.telegramFileUniqueId ?? null,
          measurements: JSON.stringify(analysis.measurements),
          created_at: deps.now(),
        },
        input.bytes,
        analysis.thumbnailPng,
      );
      return toFile(row);
    },

    /** The customer's draft files by id (those still unattached), in the order given. */
    async draftFiles(userId: number, ids: readonly number[]): Promise<OrderFile[]> {
      return (await repository.draftFiles(userId, ids)).map(toFile);
    },

    /** A preview of a stored model drawn in `colourHex`. */
    async preview(fileId: number, colourHex: string): Promise<Uint8Array> {
      const file = await repository.findFile(fileId);
      const data = await repository.fileData(fileId);
      if (!file || !data) throw new CustomOrdersError('custom_orders.file_not_found', 'no such file', { fileId });
      return (await deps.analyser.analyse(data.content, file.file_name, { colourHex })).thumbnailPng;
    },

    /** The automatic quote for files and a choice; undefined when the choice is not offered. */
    quote(files: readonly OrderFile[], choice: OrderChoice): Quote | undefined {
      const resolved = resolveChoice(settings, choice);
      if (!resolved || files.length === 0) return undefined;
      return computeQuote({
        settings,
        currency: deps.currency,
        technology: resolved.technology,
        material: resolved.material,
        infillPercent: resolved.infillPercent,
        quantity: choice.quantity,
        models: files.map((file) => ({ volumeCm3: file.measurements.volumeCm3, sizeMm: file.measurements.sizeMm })),
      });
    },

    /**
     * Places the job as an order of kind `print3d`. With an automatic quote the customer has
     * seen and confirmed the price, so it goes new → quoted (system) → awaiting payment
     * (customer) at once; a manual quote (asked for, or a model too large for every printer)
     * stays `new`, priced 0 until staff set a price. The order, its line and history, the
     * job's own row, its files and quote, and the staff alert commit together.
     */
    async placeOrder(input: PlaceOrderInput): Promise<CustomOrderDetail> {
      if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > settings.maxQuantity) {
        throw new CustomOrdersError('custom_orders.invalid_quantity', 'quantity out of range', { quantity: input.quantity });
      }
      const files = await service.draftFiles(input.userId, input.fileIds);
      if (files.length === 0 || files.length !== new Set(input.fileIds).size) {
        throw new CustomOrdersError('custom_orders.files_missing', 'the files of this order are gone', { fileIds: input.fileIds });
      }
      const quote = service.quote(files, input);
      if (!quote) throw new CustomOrdersError('custom_orders.choice_unavailable', 'this material or colour is no longer offered');
      const manual = input.manualQuote || !quote.fitsBuildVolume;
      const customer: Actor = { role: 'customer', id: input.userId };
      const locale = await deps.localeOf(input.userId);
      const job = { technology: input.technology, material: input.material, colour: input.colour, infill_percent: quote.infillPercent, quantity: input.quantity };
      const placed = await asPrintJob(() =>
        orders.place(
          {
            kind: PRINT_KIND,
            userId: input.userId,
            currency: deps.currency,
            lines: linesFor(job, manual ? 0 : quote.totalMinor),
            contactName: input.contactName.slice(0, 200),
            comment: input.comment?.slice(0, 1000) ?? null,
            paymentMethod: 'online',
          },
          {
            inTransaction: async (trx, order) => {
              const scoped = createCustomOrdersRepository(trx);
              const nowMs = deps.now();
              await scoped.insertJob({
                order_id: order.id,
                ...job,
                deadline: input.deadline,
                manual_quote: manual ? 1 : 0,
                quote_version: manual ? 0 : 1,
                preview_file_id: input.previewFileId,
              });
              if ((await scoped.attachFiles(order.id, input.userId, input.fileIds)) !== files.length) {
                throw new CustomOrdersError('custom_orders.files_missing', 'the files of this order were taken by another order');
              }
              await scoped.insertQuote({
                order_id: order.id,
                version: 1,
                total_minor: quote.totalMinor,
                breakdown: JSON.stringify(quote),
                actor_type: 'system',
                actor_id: null,
                note: manual ? 'automatic estimate; staff to confirm' : null,
                created_at: nowMs,
                accepted_at: manual ? null : nowMs,
              });
              if (!manual) {
                // The customer has just seen and confirmed this price in the chat: nobody needs telling.
                await orders.transition(trx, order.id, 'quoted', { role: 'system' }, { locale, notify: false });
                await orders.transition(trx, order.id, 'awaiting_payment', customer, { locale, notify: false });
              }
            },
          },
        ),
      );
      return (await service.detail(placed.id)) as CustomOrderDetail;
    },

    /** Remembers the preview's Telegram file id, for later alerts. */
    async setPreviewFileId(orderId: number, fileId: string): Promise<void> {
      await repository.setPreviewFileId(orderId, fileId);
    },

    /**
     * Moves an order along the machine if `actor` may. Prices are set with
     * {@link adjustQuote} and accepted with {@link acceptQuote}, not here. Staff stopping a
     * paid order (to `refunded`, or `cancelled` as the panel may say it) refund it first:
     * see {@link refundOrder}. `expectedFrom` guards against a stale button:
     * `custom_orders.status_changed` and nothing changes.
     */
    async changeStatus(orderId: number, to: string, actor: Actor, options: { expectedFrom?: string; note?: string } = {}): Promise<CustomOrder> {
      const current = await load(orderId);
      if (actor.role === 'customer' && String(current.user_id) !== String(actor.id)) {
        throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      }
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      if (actor.role === 'staff' && isPaidStatus(current.status) && (to === 'refunded' || to === 'cancelled')) {
        return (await service.refundOrder(orderId, actor, { expectedFrom: current.status, note: options.note })).order;
      }
      if (to === 'quoted' || to === 'awaiting_payment') {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `${to} is reached by giving or accepting a price`, { orderId, from: current.status, to });
      }
      await asPrintJob(() => orders.changeStatus(orderId, to, actor, { expectedFrom: current.status, note: options.note }));
      return load(orderId);
    },

    /**
     * Staff stop a paid order and give the money back. When a payment paid it, that payment
     * is refunded through the payments module (Stars go back through Telegram), and the
     * refund moves the order to `refunded` in its own transaction, with the customer's
     * notification; a second press finds the order refunded and changes nothing. An order
     * marked paid by hand is marked refunded, the money going back the same way.
     * `refundPending` is true while Telegram has not confirmed yet (Lavka keeps trying).
     */
    async refundOrder(orderId: number, actor: Actor, options: { expectedFrom?: string; note?: string } = {}): Promise<{ order: CustomOrder; refundPending: boolean }> {
      const current = await load(orderId);
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      if (actor.role !== 'staff' || !isPaidStatus(current.status)) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `an order that is ${current.status} cannot be refunded`, { orderId, from: current.status, to: 'refunded' });
      }
      if (current.payment_id === null) {
        await asPrintJob(() => orders.changeStatus(orderId, 'refunded', actor, { expectedFrom: current.status, note: options.note }));
        return { order: await load(orderId), refundPending: false };
      }
      let refundPending = false;
      try {
        await deps.payments.refund(current.payment_id, { type: 'admin', id: actor.id });
      } catch (error) {
        if (isPaymentsError(error, 'payments.refund_failed') && error.details.retrying === true) {
          refundPending = true;
        } else if (isPaymentsError(error, 'payments.already_handled') || isPaymentsError(error, 'payments.not_refundable')) {
          // Another press (or another staff member) is refunding it right now, or did.
          const now = await load(orderId);
          throw new CustomOrdersError('custom_orders.status_changed', 'the order is being refunded already', { orderId, status: now.status });
        } else if (isPaymentsError(error)) {
          // Telegram refused for good: the payments module alerted staff to settle it by hand.
          throw new CustomOrdersError('custom_orders.refund_failed', error.message, { orderId, paymentId: current.payment_id, reason: error.code });
        } else {
          throw translated(error);
        }
      }
      return { order: await load(orderId), refundPending };
    },

    /**
     * Staff set a price (first one for a manual quote, or a correction). The order's line and
     * total are rewritten, it goes to `quoted`, and the customer is asked to accept; an
     * invoice for the old price is no longer honoured, because payments name the quote version.
     */
    async adjustQuote(orderId: number, totalMinor: number, actor: Actor, options: { note?: string; expectedVersion?: number } = {}): Promise<CustomOrder> {
      if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) {
        throw new CustomOrdersError('custom_orders.invalid_amount', 'the price must be a positive amount', { totalMinor });
      }
      const current = await load(orderId);
      if (!(QUOTABLE_STATUSES as readonly string[]).includes(current.status)) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `the price cannot change once the order is ${current.status}`, { status: current.status });
      }
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.quote_version) {
        throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { version: current.quote_version });
      }
      const locale = await deps.localeOf(current.user_id);
      return asPrintJob(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCustomOrdersRepository(trx);
          const nowMs = deps.now();
          const version = Math.max(current.quote_version, await scoped.lastQuoteVersion(orderId)) + 1;
          if (!(await scoped.moveQuoteVersion(orderId, current.quote_version, version))) {
            throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { orderId });
          }
          await scoped.insertQuote({
            order_id: orderId,
            version,
            total_minor: totalMinor,
            breakdown: null,
            actor_type: actor.role,
            actor_id: actor.id === undefined ? null : String(actor.id),
            note: options.note?.slice(0, 500) ?? null,
            created_at: nowMs,
            accepted_at: null,
          });
          const repriced = await orders.reprice(trx, orderId, linesFor(current, totalMinor), QUOTABLE_STATUSES);
          // Back to `quoted` tells the customer through the orders service (a new price always goes).
          const moved = current.status === 'quoted' ? repriced : await orders.transition(trx, orderId, 'quoted', actor, { expectedFrom: current.status, note: options.note, locale });
          const order = await viewIn(trx, moved);
          if (!order) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
          // Already waiting for an answer: no status changes, so the new price is told directly.
          if (current.status === 'quoted') await orders.notifyCustomer(trx, order, deps.texts.newPrice(order, locale, options.note), `quote:${version}`);
          return order;
        }),
      );
    },

    /** The customer accepts the current price (`version` guards against an older message): → awaiting payment. */
    async acceptQuote(orderId: number, userId: number, version: number): Promise<CustomOrder> {
      const current = await load(orderId);
      if (current.user_id !== userId) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      if (current.quote_version !== version) {
        throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { version: current.quote_version });
      }
      if (current.status !== 'quoted' || current.quote_version === 0) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `the order is ${current.status}`, { status: current.status });
      }
      const locale = await deps.localeOf(userId);
      return asPrintJob(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCustomOrdersRepository(trx);
          // Claims the price: a new one set at this moment makes one of the two fail.
          if (!(await scoped.moveQuoteVersion(orderId, version, version))) {
            throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { orderId });
          }
          await scoped.markQuoteAccepted(orderId, version, deps.now());
          // Staff hear that the customer accepted through the orders service's staff notice.
          const order = await orders.transition(trx, orderId, 'awaiting_payment', { role: 'customer', id: userId }, { expectedFrom: 'quoted', locale });
          return (await viewIn(trx, order)) as CustomOrder;
        }),
      );
    },

    /** Sends the customer a message from staff about their order, through the outbox. */
    async messageCustomer(orderId: number, text: string): Promise<CustomOrder> {
      const order = await load(orderId);
      const trimmed = text.trim().slice(0, 3000);
      if (!trimmed) throw new CustomOrdersError('custom_orders.empty_message', 'the message is empty');
      const locale = await deps.localeOf(order.user_id);
      await orders.notifyCustomer(deps.db, order, deps.texts.staffMessage(order, locale, trimmed));
      return order;
    },

    /** A print job by its order id; undefined for an unknown id or an order of another kind. */
    async get(orderId: number): Promise<CustomOrder | undefined> {
      const order = await orders.get(orderId);
      return order ? viewIn(deps.db, order) : undefined;
    },

    /** A print job with its history (orders), quotes, payments (payments module) and the automatic quote. */
    async detail(orderId: number): Promise<CustomOrderDetail | undefined> {
      const order = await orders.detail(orderId);
      const job = order ? await viewIn(deps.db, order) : undefined;
      if (!order || !job) return undefined;
      const quotes = await repository.quotesOf(orderId);
      const auto = quotes.find((quote) => quote.breakdown !== null);
      // One payment reference per price: every version the order had may have been paid or tried.
      const versions = [...new Set([job.quote_version, ...quotes.map((quote) => quote.version)])].filter((version) => version > 0);
      const payments: PaymentRecord[] = [];
      for (const version of versions) payments.push(...(await deps.payments.listForPurpose(deps.purpose, printRef({ id: orderId, quote_version: version }))));
      return {
        ...job,
        history: order.history,
        quotes,
        payments: payments.sort((a, b) => a.id - b.id),
        autoQuote: auto?.breakdown ? (JSON.parse(auto.breakdown) as Quote) : undefined,
      };
    },

    /** Print jobs matching a filter, newest first, one page, with their files. */
    async list(filter: CustomOrderFilter, page: number, pageSize: number): Promise<{ orders: CustomOrder[]; window: PageWindow }> {
      const listed = await orders.list({ kind: PRINT_KIND, userId: filter.userId, statuses: filter.statuses, fromMs: filter.fromMs, toMs: filter.toMs }, page, pageSize);
      const ids = listed.orders.map((order) => order.id);
      const jobs = await repository.jobsOf(ids);
      const files = await repository.filesOf(ids);
      const composed: CustomOrder[] = [];
      for (const order of listed.orders) {
        const job = jobs.find((item) => item.order_id === order.id);
        if (job) composed.push(compose(order, job, files.filter((file) => file.order_id === order.id)));
      }
      return { orders: composed, window: listed.window };
    },

    /** Where `role` may move the order next with a plain status change (prices have their own steps). */
    nextStatuses(order: Pick<CustomOrder, 'status'>, role: ActorRole): CustomOrderStatus[] {
      return nextStatuses(order.status, role).filter((status) => status !== 'quoted' && status !== 'awaiting_payment');
    },

    /** A file of an order with its bytes, for staff downloads. */
    async fileWithContent(orderId: number, fileId: number): Promise<{ file: OrderFile; content: Uint8Array; thumbnailPng: Uint8Array } | undefined> {
      const file = await repository.findFile(fileId);
      if (!file || file.order_id !== orderId) return undefined;
      const data = await repository.fileData(fileId);
      return data ? { file: toFile(file), content: data.content, thumbnailPng: data.thumbnail_png } : undefined;
    },

    /** Statuses the customer hears about (all subscribable ones until they choose). */
    subscriptionsOf(userId: number): Promise<CustomOrderStatus[]> {
      return subscriptionsIn(deps.db, userId);
    },

    /**
     * The `/subscribe` rule the orders service applies to print jobs: the customer hears about
     * what staff did, as they chose; a new price, a cancellation by staff and a refund always
     * go. What the customer did, or a payment did, they saw happen in the chat.
     */
    async notifiesCustomer(executor: DbExecutor, order: Order, change: OrderChange): Promise<boolean> {
      if (change.to === 'refunded') return true;
      if (change.actor.role !== 'staff') return false;
      if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(change.to)) return true;
      return (await subscriptionsIn(executor, order.user_id)).includes(change.to as CustomOrderStatus);
    },

    /** Turns notifications about one status on or off; returns the new list. */
    async toggleSubscription(userId: number, status: string): Promise<CustomOrderStatus[]> {
      if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(status)) {
        throw new CustomOrdersError('custom_orders.not_subscribable', `${status} cannot be chosen`, { status });
      }
      const current = await service.subscriptionsOf(userId);
      const next = current.includes(status as CustomOrderStatus) ? current.filter((item) => item !== status) : [...current, status as CustomOrderStatus];
      await repository.saveSubscription(userId, JSON.stringify(next), deps.now());
      return SUBSCRIBABLE_STATUSES.filter((item) => next.includes(item));
    },

    /** Orders by status, and orders, paid orders, their revenue and money received today, in 7 and 30 days. */
    async stats(): Promise<CustomOrderStats> {
      const nowMs = deps.now();
      const dayMs = 24 * 3600_000;
      const periods: CustomOrderStats['periods'] = [];
      for (const [key, fromMs] of [
        ['today', startOfDayMs(nowMs, deps.timeZone())],
        ['7d', nowMs - 7 * dayMs],
        ['30d', nowMs - 30 * dayMs],
      ] as const) {
        periods.push({
          key,
          orders: await orders.count({ kind: PRINT_KIND, fromMs }),
          paidOrders: await orders.count({ kind: PRINT_KIND, fromMs, statuses: PAID_STATUSES }),
          revenue: await orders.totals({ kind: PRINT_KIND, fromMs, statuses: PAID_STATUSES }),
          received: (await deps.payments.paidSince(fromMs, deps.purpose)).map((item) => ({ currency: item.currency, amount: item.totalMinor, count: item.count })),
        });
      }
      return { byStatus: await orders.countByStatus({ kind: PRINT_KIND }), periods };
    },

    /** Deletes draft files of orders never placed. */
    purgeDrafts(): Promise<number> {
      return repository.deleteDraftsBefore(deps.now() - DRAFT_TTL_MS);
    },
  };
  return service;
}

/** The custom-orders service's shape. */
export type CustomOrdersService = ReturnType<typeof createCustomOrdersService>;
