import type { Locale } from '../../config/business.ts';
import { type Db, isUniqueViolation } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage, type OutboxMethod } from '../../delivery/outbox.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { createCustomOrdersRepository, type CustomOrderFilter } from './custom-orders.repository.ts';
import { resolveChoice, type CustomOrdersSettings } from './custom-orders.settings.ts';
import {
  PAID_STATUSES,
  QUOTABLE_STATUSES,
  SUBSCRIBABLE_STATUSES,
  canTransition,
  isStatus,
  nextStatuses,
  type ActorRole,
  type CustomOrderStatus,
} from './custom-orders.status.ts';
import type {
  CustomOrderFileRecord,
  CustomOrderPaymentRecord,
  CustomOrderQuoteRecord,
  CustomOrderRecord,
  CustomOrderStatusChange,
} from './custom-orders.tables.ts';
import type { ModelAnalyser } from './mesh/analyser.ts';
import type { MeshMeasurements } from './mesh/measure.ts';
import { computeQuote, starsForAmount, type Quote } from './quote.ts';

/** A custom-order rule was broken; `code` says which (`custom_orders.quote_outdated`, …). */
export class CustomOrdersError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CustomOrdersError';
    this.code = code;
    this.details = details;
  }
}

/** Someone acting on an order. */
export interface Actor {
  role: ActorRole;
  /** Telegram id of a customer or staff member (or the admin panel's user id); absent for the system. */
  id?: number | string;
}

/** A model file of an order, with its measurements parsed. */
export interface OrderFile extends Omit<CustomOrderFileRecord, 'measurements'> {
  measurements: MeshMeasurements;
}

/** An order with its readable number and its files. */
export interface CustomOrder extends CustomOrderRecord {
  number: string;
  files: OrderFile[];
}

/** An order with everything that happened to it. */
export interface CustomOrderDetail extends CustomOrder {
  history: CustomOrderStatusChange[];
  quotes: CustomOrderQuoteRecord[];
  payments: CustomOrderPaymentRecord[];
  /** The breakdown of the automatic quote, when there was one. */
  autoQuote: Quote | undefined;
}

/** One message for the outbox: a Bot API method and its parameters without `chat_id`. */
export interface OutgoingMessage {
  method: OutboxMethod;
  payload: Record<string, unknown>;
}

/** What staff are told about. */
export type StaffEvent = 'accepted' | 'cancelled' | 'paid' | 'payment_unexpected';

/** Renders the notifications the service enqueues; supplied by the module, which knows the texts. */
export interface CustomOrderNotifications {
  /** The staff alert for a new order: preview, card with buttons, the files. */
  staffNewOrder(order: CustomOrderDetail): OutgoingMessage[];
  /** A customer or a payment moved an order. */
  staffEvent(order: CustomOrder, event: StaffEvent, extra: { amount?: number; currency?: string }): OutgoingMessage;
  /** Staff moved the customer's order. */
  customerStatusChanged(order: CustomOrder, locale: Locale, note: string | undefined): OutgoingMessage;
  /** Staff gave a (new) price, which the customer must accept. */
  customerNewQuote(order: CustomOrder, locale: Locale, note: string | undefined): OutgoingMessage;
  /** Staff wrote to the customer about the order. */
  customerMessage(order: CustomOrder, locale: Locale, text: string): OutgoingMessage;
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
    /** Current prices of paid orders (business currency). */
    revenue: { currency: string; totalMinor: number }[];
    /** Money received through payments (Stars are XTR). */
    received: { currency: string; amount: number; count: number }[];
  }[];
}

/** Dependencies of the custom-orders service. */
export interface CustomOrdersServiceDeps {
  db: Db;
  now(): number;
  settings: CustomOrdersSettings;
  /** The business currency prices are computed in. */
  currency: string;
  /** Start of today in the business time zone, for statistics. */
  startOfDayMs(nowMs: number): number;
  staffChatIds(): readonly number[];
  /** The language a customer reads in. Called before a transaction opens. */
  localeOf(userId: number): Promise<Locale>;
  analyser: ModelAnalyser;
  notifications: CustomOrderNotifications;
}

/** Draft files older than this belong to abandoned orders and are deleted. */
export const DRAFT_TTL_MS = 24 * 3600_000;
/** The first order reads P-1001, not P-1. */
const NUMBER_OFFSET = 1000;
/** Invoice payloads of this module start with this, so other payment handlers can pass them by. */
export const INVOICE_PAYLOAD_PREFIX = 'co:';

/**
 * Custom orders: accepting model files, quoting, placing, status changes along the machine
 * with history, staff price adjustments the customer accepts, Stars payments recorded once,
 * notifications through the outbox in the same transaction, lists and statistics.
 */
export function createCustomOrdersService(deps: CustomOrdersServiceDeps) {
  const repository = createCustomOrdersRepository(deps.db);
  const { settings } = deps;
  const prefix = settings.numberPrefix;

  const numberOf = (id: number) => `${prefix}-${id + NUMBER_OFFSET}`;
  const toFile = (row: CustomOrderFileRecord): OrderFile => ({ ...row, measurements: JSON.parse(row.measurements) as MeshMeasurements });
  const withFiles = async (row: CustomOrderRecord, executor = repository): Promise<CustomOrder> => ({
    ...row,
    number: numberOf(row.id),
    files: (await executor.filesOf([row.id])).map(toFile),
  });
  const detailOf = async (row: CustomOrderRecord, executor = repository): Promise<CustomOrderDetail> => {
    const quotes = await executor.quotesOf(row.id);
    const auto = quotes.find((quote) => quote.breakdown !== null);
    return {
      ...(await withFiles(row, executor)),
      history: await executor.historyOf(row.id),
      quotes,
      payments: await executor.paymentsOf(row.id),
      autoQuote: auto?.breakdown ? (JSON.parse(auto.breakdown) as Quote) : undefined,
    };
  };

  const toStaff = (messages: readonly OutgoingMessage[], key: string): OutboxMessage[] =>
    deps.staffChatIds().flatMap((chatId) =>
      messages.map((message, index) => ({
        chatId,
        method: message.method,
        payload: message.payload,
        priority: 'high' as const,
        dedupeKey: `custom_order:${key}:staff:${chatId}:${index}`,
      })),
    );

  const wantsStatus = async (userId: number, status: string): Promise<boolean> => {
    if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(status)) return true;
    return (await service.subscriptionsOf(userId)).includes(status as CustomOrderStatus);
  };

  const load = async (orderId: number): Promise<CustomOrderRecord> => {
    const row = await repository.findById(orderId);
    if (!row) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
    return row;
  };

  const parsePayload = (payload: string): { orderId: number; version: number } | undefined => {
    const match = /^co:(\d{1,12}):(\d{1,6})$/.exec(payload);
    return match ? { orderId: Number(match[1]), version: Number(match[2]) } : undefined;
  };

  const service = {
    numberOf,

    /** The order id a typed number (`p-1042`) stands for, if it has this studio's prefix. */
    idOfNumber(raw: string): number | undefined {
      const match = /^([A-Za-z]{1,4})-(\d{1,12})$/.exec(raw.trim());
      if (!match || (match[1] as string).toUpperCase() !== prefix) return undefined;
      const id = Number(match[2]) - NUMBER_OFFSET;
      return id > 0 ? id : undefined;
    },

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
     * Places the order. With an automatic quote the customer has seen and confirmed the price,
     * so it goes new → quoted (system) → awaiting payment (customer) at once; a manual quote
     * (asked for, or a model too large for every printer) stays `new` for staff. The order, its
     * files, history, quote and the staff alert commit together.
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
      const customer = { role: 'customer', id: input.userId } satisfies Actor;
      const detail = await deps.db.transaction().execute(async (trx) => {
        const scoped = createCustomOrdersRepository(trx);
        const nowMs = deps.now();
        const row = await scoped.insertOrder({
          user_id: input.userId,
          status: 'new',
          currency: deps.currency,
          total_minor: null,
          quote_version: 0,
          technology: input.technology,
          material: input.material,
          colour: input.colour,
          infill_percent: quote.infillPercent,
          quantity: input.quantity,
          comment: input.comment,
          deadline: input.deadline,
          contact_name: input.contactName.slice(0, 200),
          manual_quote: manual ? 1 : 0,
          preview_file_id: input.previewFileId,
          created_at: nowMs,
          updated_at: nowMs,
        });
        if ((await scoped.attachFiles(row.id, input.userId, input.fileIds)) !== files.length) {
          throw new CustomOrdersError('custom_orders.files_missing', 'the files of this order were taken by another order');
        }
        await recordChange(scoped, row.id, null, 'new', customer, manual ? 'manual quote requested' : null, nowMs);
        await scoped.insertQuote({
          order_id: row.id,
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
          await scoped.updateQuote(row.id, 'new', { status: 'quoted', total_minor: quote.totalMinor, quote_version: 1 }, nowMs);
          await recordChange(scoped, row.id, 'new', 'quoted', { role: 'system' }, null, nowMs);
          await scoped.updateStatus(row.id, 'quoted', 'awaiting_payment', nowMs);
          await recordChange(scoped, row.id, 'quoted', 'awaiting_payment', customer, null, nowMs);
        }
        const placed = await detailOf((await scoped.findById(row.id)) as CustomOrderRecord, scoped);
        await enqueueOutbox(trx, toStaff(deps.notifications.staffNewOrder(placed), `${row.id}:new`), nowMs);
        return placed;
      });
      return detail;
    },

    /** Remembers the preview's Telegram file id, for later alerts. */
    setPreviewFileId: repository.setPreviewFileId,

    /**
     * Moves an order along the machine if `actor` may. Prices are set with
     * {@link adjustQuote} and accepted with {@link acceptQuote}, not here. The change, its
     * history row and the notifications (the customer when staff acted, filtered by their
     * subscriptions; staff when the customer did) commit together. `expectedFrom` guards
     * against a stale button: `custom_orders.status_changed` and nothing changes.
     */
    async changeStatus(orderId: number, to: string, actor: Actor, options: { expectedFrom?: string; note?: string } = {}): Promise<CustomOrder> {
      const current = await load(orderId);
      if (actor.role === 'customer' && String(current.user_id) !== String(actor.id)) {
        throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      }
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      if (!isStatus(to) || to === 'quoted' || to === 'awaiting_payment' || !canTransition(current.status, to, actor.role)) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `${actor.role} cannot move an order from ${current.status} to ${to}`, {
          orderId,
          from: current.status,
          to,
        });
      }
      const locale = await deps.localeOf(current.user_id);
      const notifyCustomer = actor.role === 'staff' && (await wantsStatus(current.user_id, to));
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createCustomOrdersRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.updateStatus(orderId, current.status, to, nowMs))) {
          throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId });
        }
        await recordChange(scoped, orderId, current.status, to, actor, options.note ?? null, nowMs);
        const order = await withFiles({ ...current, status: to, updated_at: nowMs }, scoped);
        const messages: OutboxMessage[] = [];
        if (notifyCustomer) {
          const text = deps.notifications.customerStatusChanged(order, locale, options.note);
          messages.push({ chatId: order.user_id, ...text, priority: 'high', dedupeKey: `custom_order:${orderId}:status:${to}:customer` });
        }
        if (actor.role === 'customer' && to === 'cancelled') {
          messages.push(...toStaff([deps.notifications.staffEvent(order, 'cancelled', {})], `${orderId}:status:${to}`));
        }
        await enqueueOutbox(trx, messages, nowMs);
        return order;
      });
    },

    /**
     * Staff set a price (first one for a manual quote, or a correction). The order goes to
     * `quoted` and the customer is asked to accept; an invoice for the old price is no longer
     * honoured, because payments are checked against the current quote version.
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
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createCustomOrdersRepository(trx);
        const nowMs = deps.now();
        const version = Math.max(current.quote_version, (await scoped.quotesOf(orderId)).at(-1)?.version ?? 0) + 1;
        if (!(await scoped.updateQuote(orderId, current.status, { status: 'quoted', total_minor: totalMinor, quote_version: version }, nowMs))) {
          throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId });
        }
        await scoped.insertQuote({
          order_id: orderId,
          version,
          total_minor: totalMinor,
          breakdown: null,
          actor_type: actor.role,
          actor_id: actor.id === undefined ? null : String(actor.id),
          note: options.note ?? null,
          created_at: nowMs,
          accepted_at: null,
        });
        if (current.status !== 'quoted') await recordChange(scoped, orderId, current.status, 'quoted', actor, options.note ?? null, nowMs);
        const order = await withFiles({ ...current, status: 'quoted', total_minor: totalMinor, quote_version: version, updated_at: nowMs }, scoped);
        const text = deps.notifications.customerNewQuote(order, locale, options.note);
        await enqueueOutbox(trx, { chatId: order.user_id, ...text, priority: 'high', dedupeKey: `custom_order:${orderId}:quote:${version}:customer` }, nowMs);
        return order;
      });
    },

    /** The customer accepts the current price (`version` guards against an older message): → awaiting payment. */
    async acceptQuote(orderId: number, userId: number, version: number): Promise<CustomOrder> {
      const current = await load(orderId);
      if (current.user_id !== userId) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      if (current.quote_version !== version) {
        throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { version: current.quote_version });
      }
      if (current.status !== 'quoted' || current.total_minor === null) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `the order is ${current.status}`, { status: current.status });
      }
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createCustomOrdersRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.updateStatus(orderId, 'quoted', 'awaiting_payment', nowMs))) {
          throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId });
        }
        await scoped.markQuoteAccepted(orderId, version, nowMs);
        await recordChange(scoped, orderId, 'quoted', 'awaiting_payment', { role: 'customer', id: userId }, null, nowMs);
        const order = await withFiles({ ...current, status: 'awaiting_payment', updated_at: nowMs }, scoped);
        await enqueueOutbox(trx, toStaff([deps.notifications.staffEvent(order, 'accepted', {})], `${orderId}:accepted:${version}`), nowMs);
        return order;
      });
    },

    /** What a Telegram Stars invoice for the order says; only while it awaits payment. */
    async invoiceFor(orderId: number, userId: number): Promise<{ order: CustomOrder; stars: number; payload: string }> {
      const row = await load(orderId);
      if (row.user_id !== userId) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      if (row.status !== 'awaiting_payment' || row.total_minor === null) {
        throw new CustomOrdersError('custom_orders.not_awaiting_payment', `the order is ${row.status}`, { status: row.status });
      }
      return {
        order: await withFiles(row),
        stars: starsForAmount(row.total_minor, row.currency, settings.stars.unitsPerStar),
        payload: `${INVOICE_PAYLOAD_PREFIX}${row.id}:${row.quote_version}`,
      };
    },

    /**
     * Re-checks an order when Telegram asks whether to take the money: it must still await
     * payment, at the price and quote version the invoice was made for, by the same customer.
     */
    async checkPreCheckout(query: { payload: string; userId: number; currency: string; totalAmount: number }): Promise<{ ok: true } | { ok: false; code: string }> {
      const parsed = parsePayload(query.payload);
      const row = parsed ? await repository.findById(parsed.orderId) : undefined;
      if (!parsed || !row || row.user_id !== query.userId) return { ok: false, code: 'custom_orders.not_found' };
      // A new price is the likelier reason the order left "awaiting payment", so it is named first.
      if (row.quote_version !== parsed.version) return { ok: false, code: 'custom_orders.quote_outdated' };
      if (row.status !== 'awaiting_payment' || row.total_minor === null) return { ok: false, code: 'custom_orders.not_awaiting_payment' };
      const stars = starsForAmount(row.total_minor, row.currency, settings.stars.unitsPerStar);
      if (query.currency !== 'XTR' || query.totalAmount !== stars) return { ok: false, code: 'custom_orders.amount_mismatch' };
      return { ok: true };
    },

    /**
     * Records a successful payment once per charge id (UNIQUE) and, if the order still awaits
     * it at that price, marks it paid in the same transaction. Money that arrives for an order
     * that moved meanwhile is still recorded, and staff are told to sort it out.
     */
    async recordPayment(payment: {
      payload: string;
      userId: number;
      chargeId: string;
      providerChargeId: string | null;
      currency: string;
      totalAmount: number;
    }): Promise<{ order: CustomOrder; duplicate: boolean; applied: boolean }> {
      const parsed = parsePayload(payment.payload);
      if (!parsed) throw new CustomOrdersError('custom_orders.not_found', 'not a custom-order payment', { payload: payment.payload });
      const current = await load(parsed.orderId);
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const scoped = createCustomOrdersRepository(trx);
          const nowMs = deps.now();
          if (await scoped.findPaymentByCharge(payment.chargeId)) return { order: await withFiles(current, scoped), duplicate: true, applied: false };
          await scoped.insertPayment({
            order_id: current.id,
            user_id: payment.userId,
            provider: 'telegram_stars',
            charge_id: payment.chargeId,
            provider_charge_id: payment.providerChargeId,
            currency: payment.currency,
            amount: payment.totalAmount,
            quote_version: parsed.version,
            created_at: nowMs,
          });
          const expected = current.total_minor === null ? undefined : starsForAmount(current.total_minor, current.currency, settings.stars.unitsPerStar);
          const applies =
            current.status === 'awaiting_payment' && current.quote_version === parsed.version && payment.currency === 'XTR' && payment.totalAmount === expected;
          if (applies && (await scoped.updateStatus(current.id, 'awaiting_payment', 'paid', nowMs))) {
            await recordChange(scoped, current.id, 'awaiting_payment', 'paid', { role: 'system' }, `${payment.currency} ${payment.totalAmount}`, nowMs);
            const order = await withFiles({ ...current, status: 'paid', updated_at: nowMs }, scoped);
            await enqueueOutbox(trx, toStaff([deps.notifications.staffEvent(order, 'paid', { amount: payment.totalAmount, currency: payment.currency })], `${current.id}:paid:${payment.chargeId}`), nowMs);
            return { order, duplicate: false, applied: true };
          }
          const order = await withFiles(current, scoped);
          await enqueueOutbox(
            trx,
            toStaff([deps.notifications.staffEvent(order, 'payment_unexpected', { amount: payment.totalAmount, currency: payment.currency })], `${current.id}:unexpected:${payment.chargeId}`),
            nowMs,
          );
          return { order, duplicate: false, applied: false };
        });
      } catch (error) {
        // Another instance recorded the same charge between our check and insert.
        if (isUniqueViolation(error)) return { order: await withFiles(await load(parsed.orderId)), duplicate: true, applied: false };
        throw error;
      }
    },

    /** Sends the customer a message from staff about their order, through the outbox. */
    async messageCustomer(orderId: number, text: string): Promise<CustomOrder> {
      const row = await load(orderId);
      const trimmed = text.trim().slice(0, 3000);
      if (!trimmed) throw new CustomOrdersError('custom_orders.empty_message', 'the message is empty');
      const locale = await deps.localeOf(row.user_id);
      const order = await withFiles(row);
      await enqueueOutbox(deps.db, { chatId: row.user_id, ...deps.notifications.customerMessage(order, locale, trimmed), priority: 'high' }, deps.now());
      return order;
    },

    async get(orderId: number): Promise<CustomOrder | undefined> {
      const row = await repository.findById(orderId);
      return row ? withFiles(row) : undefined;
    },

    async detail(orderId: number): Promise<CustomOrderDetail | undefined> {
      const row = await repository.findById(orderId);
      return row ? detailOf(row) : undefined;
    },

    /** Orders matching a filter, newest first, one page, with their files. */
    async list(filter: CustomOrderFilter, page: number, pageSize: number): Promise<{ orders: CustomOrder[]; window: PageWindow }> {
      const window = pageWindow(await repository.count(filter), page, pageSize);
      const rows = await repository.list(filter, window.offset, window.limit);
      const files = await repository.filesOf(rows.map((row) => row.id));
      return {
        orders: rows.map((row) => ({ ...row, number: numberOf(row.id), files: files.filter((file) => file.order_id === row.id).map(toFile) })),
        window,
      };
    },

    /** Where `role` may move the order next with a plain status change. */
    nextStatuses(order: Pick<CustomOrderRecord, 'status'>, role: ActorRole): CustomOrderStatus[] {
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
    async subscriptionsOf(userId: number): Promise<CustomOrderStatus[]> {
      const stored = await repository.subscriptionOf(userId);
      if (stored === undefined) return [...SUBSCRIBABLE_STATUSES];
      const list = JSON.parse(stored) as string[];
      return SUBSCRIBABLE_STATUSES.filter((status) => list.includes(status));
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

    /** Orders by status, and orders, paid orders, revenue and money received today, in 7 and 30 days. */
    async stats(): Promise<CustomOrderStats> {
      const nowMs = deps.now();
      const dayMs = 24 * 3600_000;
      const periods: CustomOrderStats['periods'] = [];
      for (const [key, fromMs] of [
        ['today', deps.startOfDayMs(nowMs)],
        ['7d', nowMs - 7 * dayMs],
        ['30d', nowMs - 30 * dayMs],
      ] as const) {
        periods.push({
          key,
          orders: await repository.count({ fromMs }),
          paidOrders: await repository.count({ fromMs, statuses: PAID_STATUSES }),
          revenue: await repository.totalsByCurrency({ fromMs, statuses: PAID_STATUSES }),
          received: await repository.paymentsByCurrency(fromMs),
        });
      }
      return { byStatus: await repository.countByStatus({}), periods };
    },

    /** Deletes draft files of orders never placed. */
    purgeDrafts(): Promise<number> {
      return repository.deleteDraftsBefore(deps.now() - DRAFT_TTL_MS);
    },
  };
  return service;
}

async function recordChange(
  scoped: ReturnType<typeof createCustomOrdersRepository>,
  orderId: number,
  from: string | null,
  to: string,
  actor: Actor,
  note: string | null,
  nowMs: number,
): Promise<void> {
  await scoped.insertStatusChange({
    order_id: orderId,
    from_status: from,
    to_status: to,
    actor_type: actor.role,
    actor_id: actor.id === undefined ? null : String(actor.id),
    note: note?.slice(0, 500) ?? null,
    at: nowMs,
  });
}

/** The custom-orders service's shape. */
export type CustomOrdersService = ReturnType<typeof createCustomOrdersService>;
