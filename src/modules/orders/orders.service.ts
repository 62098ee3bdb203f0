import { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { createOrdersRepository, type OrderFilter, type ProductSales, type StatusPatch } from './orders.repository.ts';
import { SHOP_STATUS_MACHINE, canTransition, nextStatuses, validateMachine, type OrderActorRole, type StatusMachine } from './orders.status.ts';
import type { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from './orders.tables.ts';

/** An order rule was broken; `code` says which (`orders.transition_not_allowed`, …). */
export class OrdersError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'OrdersError';
    this.code = code;
    this.details = details;
  }
}

/** Most lines one order may have. */
export const MAX_ORDER_LINES = 100;
/** Most units of one line. */
export const MAX_LINE_QUANTITY = 999;

/** Someone acting on an order. */
export interface OrderActor {
  role: OrderActorRole;
  /** Telegram user id of a customer or staff member; absent for the system. */
  id?: number | string;
}

/** An order with its lines. */
export interface Order extends OrderRecord {
  lines: OrderLineRecord[];
}

/** An order with its lines and its status history. */
export interface OrderDetail extends Order {
  history: OrderStatusChangeRecord[];
}

/** A line of an order being placed. */
export const orderLineInputSchema = z.object({
  kind: z.enum(['product', 'item', 'fee']),
  productId: z.number().int().positive().nullable().default(null),
  variantId: z.number().int().positive().nullable().default(null),
  title: z.string().trim().min(1).max(200),
  variantTitle: z.string().trim().max(120).nullable().default(null),
  unitPriceMinor: z.number().int().min(0).max(1e12),
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
});

/** A line of an order as a module submits it. */
export type OrderLineInput = z.input<typeof orderLineInputSchema>;

/** An order as a module places it. */
export const placeOrderInputSchema = z.object({
  kind: z.string().min(1).max(32),
  userId: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  lines: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
  contactName: z.string().trim().min(1).max(200),
  contactPhone: z.string().trim().max(32).nullable().default(null),
  delivery: z
    .object({
      method: z.enum(['pickup', 'courier']),
      address: z.string().trim().max(500).nullable().default(null),
      pickupPoint: z.string().trim().max(200).nullable().default(null),
    })
    .nullable()
    .default(null),
  comment: z.string().trim().max(1000).nullable().default(null),
  paymentMethod: z.string().min(1).max(32),
  details: z.record(z.string(), z.unknown()).nullable().default(null),
});

/** Input of {@link OrdersService.place}. */
export type PlaceOrderInput = z.input<typeof placeOrderInputSchema>;

/** A text message for the outbox: Bot API `sendMessage` parameters without `chat_id`. */
export interface OutgoingText {
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** Renders the notifications the service enqueues; supplied by the module (it knows texts). */
export interface OrderNotifications {
  /** The staff alert for a new order, with buttons to move it on. */
  staffNewOrder(order: Order): OutgoingText;
  /** Tells the customer their order moved, in their language. */
  customerStatusChanged(order: Order, locale: Locale): OutgoingText;
  /** Tells staff that the customer moved an order (a cancellation). */
  staffStatusChanged(order: Order, actor: OrderActor): OutgoingText;
  /** Tells staff an order was paid online, with its card and buttons to move it on. */
  staffOrderPaid(order: Order, payment: OrderPaymentReceipt): OutgoingText;
  /** Tells staff a payment arrived for an order that no longer waited for one: return it. */
  staffExtraPayment(order: Order, payment: OrderPaymentReceipt): OutgoingText;
  /** Tells staff the provider refused a refund after the order was marked refunded. */
  staffRefundRefused(order: Order, paymentId: number): OutgoingText;
}

/** A payment received for an order, as the payments module reports it. */
export interface OrderPaymentReceipt {
  paymentId: number;
  /** The payments method that paid (`stars`, `card`, `manual.card_ru` …): the order's payment method from now on. */
  method: string;
  amountMinor: number;
  currency: string;
  /** The language the customer paid in; their notification is written in it. */
  locale: Locale;
}

/** Runs `work` in `executor` if it is a transaction already, else in a new one. */
function inTransaction<T>(executor: DbExecutor, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return executor instanceof Transaction ? work(executor) : executor.transaction().execute(work);
}

/** Runs inside the transaction of a status change (give stock back, refund …). */
export type StatusChangeHook = (trx: Transaction<Database>, change: { order: Order; from: string; to: string; actor: OrderActor }) => Promise<void>;

/** A step before ordering that the statistics count users at (the cart). */
export interface FunnelSource {
  name: string;
  /** Distinct users who reached this step since `sinceMs`. */
  usersSince(sinceMs: number): Promise<number>;
}

/** The figures of one period on the `/stats` screen. */
export interface PeriodStats {
  key: 'today' | '7d' | '30d';
  fromMs: number;
  newUsers: number;
  orders: number;
  customers: number;
  revenue: { currency: string; totalMinor: number }[];
  /** Users per funnel step (e.g. `cart`), then ordering users. */
  funnel: { name: string; users: number }[];
}

/** Everything `/stats` shows. */
export interface Dashboard {
  usersTotal: number;
  periods: PeriodStats[];
  topProducts: ProductSales[];
}

/** Dependencies of the orders service. */
export interface OrdersServiceDeps {
  db: Db;
  now(): number;
  timeZone: string;
  /** Order number prefix per kind (`shop` → `A`); unknown kinds use `fallbackPrefix`. */
  numberPrefixes: Readonly<Record<string, string>>;
  fallbackPrefix: string;
  /** Chats that receive staff alerts. */
  staffChatIds(): readonly number[];
  /** The language a customer reads in. Called before a transaction opens. */
  localeOf(userId: number): Promise<Locale>;
  users: { countAll(): Promise<number>; countSince(sinceMs: number): Promise<number> };
  notifications: OrderNotifications;
}

/** First number of every prefix: `A-1001` reads better than `A-1`. */
export const FIRST_ORDER_NUMBER = 1001;

/**
 * Start of the calendar day containing `nowMs` in `timeZone`. Computed from the wall clock,
 * so a DST jump on that very day shifts "today" by an hour, which statistics can live with.
 */
export function startOfDayMs(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(nowMs);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return nowMs - (((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 + (nowMs % 1000));
}

/** Midnight of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms. */
export function zonedMidnightMs(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(utcMidnight)) throw new OrdersError('orders.invalid_date', `not a date: ${date}`);
  // The zone's offset at that moment: how far its wall clock is from UTC.
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(utcMidnight);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return utcMidnight - (wall - utcMidnight);
}

/**
 * Orders of every kind: placing (with the caller's stock and cart work in the same
 * transaction), status changes along the kind's machine with history and notifications,
 * lookups, listings, exports and statistics.
 */
export function createOrdersService(deps: OrdersServiceDeps) {
  const repository = createOrdersRepository(deps.db);
  const machines = new Map<string, StatusMachine>([[SHOP_STATUS_MACHINE.kind, SHOP_STATUS_MACHINE]]);
  const hooks: StatusChangeHook[] = [];
  const funnels: FunnelSource[] = [];

  const machineOf = (kind: string): StatusMachine => {
    const machine = machines.get(kind);
    if (!machine) throw new OrdersError('orders.unknown_kind', `no status machine for order kind ${kind}`, { kind });
    return machine;
  };

  const withLines = async (order: OrderRecord, executor = repository): Promise<Order> => ({ ...order, lines: await executor.linesOf([order.id]) });

  const staffMessages = (order: Order, text: OutgoingText, key: string): OutboxMessage[] =>
    deps.staffChatIds().map((chatId) => ({
      chatId,
      method: 'sendMessage',
      payload: { ...text },
      priority: 'high',
      dedupeKey: `order:${order.id}:${key}:staff:${chatId}`,
    }));

  /**
   * Moves `current` to `to` inside `trx`: the guarded update (lost if someone moved the order
   * first), the history row, the hooks (stock), and the notifications, all committing together.
   */
  const moveInTransaction = async (
    trx: Transaction<Database>,
    current: OrderRecord,
    to: string,
    actor: OrderActor,
    options: { note?: string; locale: Locale; patch?: StatusPatch; staffNotice?: (order: Order) => OutgoingText },
  ): Promise<Order> => {
    const scoped = createOrdersRepository(trx);
    const nowMs = deps.now();
    if (!(await scoped.updateStatus(current.id, current.status, to, nowMs, options.patch))) {
      throw new OrdersError('orders.status_changed', 'the order has moved since', { orderId: current.id });
    }
    await scoped.insertStatusChange({
      order_id: current.id,
      from_status: current.status,
      to_status: to,
      actor_type: actor.role,
      actor_id: actor.id === undefined ? null : String(actor.id),
      note: options.note ?? null,
      at: nowMs,
    });
    const order = await withLines({ ...current, ...options.patch, status: to, updated_at: nowMs }, scoped);
    for (const hook of hooks) await hook(trx, { order, from: current.status, to, actor });
    const messages: OutboxMessage[] = [
      {
        chatId: order.user_id,
        method: 'sendMessage',
        payload: { ...deps.notifications.customerStatusChanged(order, options.locale) },
        priority: 'high',
        dedupeKey: `order:${order.id}:status:${to}`,
      },
    ];
    if (options.staffNotice) messages.push(...staffMessages(order, options.staffNotice(order), `status:${to}`));
    await enqueueOutbox(trx, messages, nowMs);
    return order;
  };

  const service = {
    /** Registers the status machine of another kind of order (custom orders, clinic payments). */
    registerMachine(machine: StatusMachine): void {
      validateMachine(machine);
      machines.set(machine.kind, machine);
    },

    machineOf,

    /** Adds work done inside every status change's transaction. */
    onStatusChange(hook: StatusChangeHook): void {
      hooks.push(hook);
    },

    /** Adds a step counted before ordering in the conversion figures (the cart). */
    registerFunnel(source: FunnelSource): void {
      funnels.push(source);
    },

    /**
     * Places an order: number, lines, first history row and the staff alert commit in one
     * transaction, together with whatever `inTransaction` does (take stock, empty the cart).
     * If `inTransaction` throws, nothing is written and the error is passed on.
     */
    async place(input: PlaceOrderInput, options: { inTransaction?: (trx: Transaction<Database>, order: Order) => Promise<void> } = {}): Promise<Order> {
      const parsed = placeOrderInputSchema.parse(input);
      const machine = machineOf(parsed.kind);
      const total = parsed.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
      if (!Number.isSafeInteger(total)) throw new OrdersError('orders.total_out_of_range', 'order total is too large');
      const prefix = deps.numberPrefixes[parsed.kind] ?? deps.fallbackPrefix;
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createOrdersRepository(trx);
        const nowMs = deps.now();
        const sequence = await scoped.nextNumber(prefix, FIRST_ORDER_NUMBER);
        const row = await scoped.insertOrder({
          number: `${prefix}-${sequence}`,
          kind: parsed.kind,
          user_id: parsed.userId,
          status: machine.initial,
          currency: parsed.currency,
          total_minor: total,
          payment_method: parsed.paymentMethod,
          contact_name: parsed.contactName,
          contact_phone: parsed.contactPhone,
          delivery_method: parsed.delivery?.method ?? null,
          delivery_address: parsed.delivery?.address ?? null,
          pickup_point: parsed.delivery?.pickupPoint ?? null,
          comment: parsed.comment,
          details: parsed.details ? JSON.stringify(parsed.details) : null,
          created_at: nowMs,
          updated_at: nowMs,
        });
        await scoped.insertLines(
          parsed.lines.map((line, position) => ({
            order_id: row.id,
            position,
            line_kind: line.kind,
            product_id: line.productId,
            variant_id: line.variantId,
            title: line.title,
            variant_title: line.variantTitle,
            unit_price_minor: line.unitPriceMinor,
            quantity: line.quantity,
            total_minor: line.unitPriceMinor * line.quantity,
          })),
        );
        await scoped.insertStatusChange({
          order_id: row.id,
          from_status: null,
          to_status: machine.initial,
          actor_type: 'customer',
          actor_id: String(parsed.userId),
          note: null,
          at: nowMs,
        });
        const order = await withLines(row, scoped);
        await options.inTransaction?.(trx, order);
        await enqueueOutbox(trx, staffMessages(order, deps.notifications.staffNewOrder(order), 'new'), nowMs);
        return order;
      });
    },

    /**
     * Moves an order to `to` if its machine lets `actor` do so. The change, its history row,
     * the hooks' work and the notifications (customer always; staff when the customer acted)
     * commit together. `expectedFrom` guards against a stale button: if the order moved
     * since it was drawn, `orders.status_changed` is thrown and nothing changes.
     */
    async changeStatus(orderId: number, to: string, actor: OrderActor, options: { expectedFrom?: string; note?: string } = {}): Promise<Order> {
      const current = await repository.findById(orderId);
      if (!current) throw new OrdersError('orders.not_found', 'no such order', { orderId });
      if (actor.role === 'customer' && String(current.user_id) !== String(actor.id)) {
        throw new OrdersError('orders.not_found', 'no such order', { orderId });
      }
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new OrdersError('orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      const machine = machineOf(current.kind);
      if (!canTransition(machine, current.status, to, actor.role)) {
        throw new OrdersError('orders.transition_not_allowed', `${actor.role} cannot move an order from ${current.status} to ${to}`, {
          orderId,
          from: current.status,
          to,
        });
      }
      // Read outside the transaction: on SQLite it holds the only connection.
      const locale = await deps.localeOf(current.user_id);
      return deps.db.transaction().execute((trx) =>
        moveInTransaction(trx, current, to, actor, {
          note: options.note,
          locale,
          staffNotice: actor.role === 'customer' ? (order) => deps.notifications.staffStatusChanged(order, actor) : undefined,
        }),
      );
    },

    /**
     * Records a payment received for an order, inside the payment's own transaction: an
     * order waiting for payment moves to `paid` as the system (history, the customer's
     * notification, a staff alert with the order card) and remembers the payment and its
     * method. A payment for an order that no longer waits for one (paid already, cancelled)
     * changes nothing on the order and alerts staff to return it. Undefined for an unknown order.
     */
    async markPaid(executor: DbExecutor, orderId: number, payment: OrderPaymentReceipt): Promise<{ outcome: 'paid' | 'extra'; order: Order } | undefined> {
      return inTransaction(executor, async (trx) => {
        const scoped = createOrdersRepository(trx);
        const current = await scoped.findById(orderId);
        if (!current) return undefined;
        // The same payment settled again (recovery after a crash): already recorded.
        if (current.payment_id === payment.paymentId) return { outcome: 'paid' as const, order: await withLines(current, scoped) };
        if (current.payment_id === null && canTransition(machineOf(current.kind), current.status, 'paid', 'system')) {
          const order = await moveInTransaction(trx, current, 'paid', { role: 'system' }, {
            note: `payment #${payment.paymentId}`,
            locale: payment.locale,
            patch: { payment_method: payment.method, payment_id: payment.paymentId },
            staffNotice: (moved) => deps.notifications.staffOrderPaid(moved, payment),
          });
          return { outcome: 'paid' as const, order };
        }
        // Paid already or cancelled: the money is recorded as received, and staff return it.
        const order = await withLines(current, scoped);
        await enqueueOutbox(trx, staffMessages(order, deps.notifications.staffExtraPayment(order, payment), `extra_payment:${payment.paymentId}`), deps.now());
        return { outcome: 'extra' as const, order };
      });
    },

    /**
     * The payment that paid an order was refunded: the order moves to `refunded`, inside the
     * refund's transaction. A refund of some other payment (a second one for the same order)
     * leaves the order alone. Throws `orders.refund_not_allowed` when the order's status has
     * no way to `refunded`, which refuses the refund.
     */
    async markRefunded(executor: DbExecutor, orderId: number, refund: { paymentId: number; actor: OrderActor; locale: Locale }): Promise<Order | undefined> {
      return inTransaction(executor, async (trx) => {
        const current = await createOrdersRepository(trx).findById(orderId);
        if (!current || current.payment_id !== refund.paymentId || current.status === 'refunded') return undefined;
        if (!canTransition(machineOf(current.kind), current.status, 'refunded', refund.actor.role)) {
          throw new OrdersError('orders.refund_not_allowed', `an order in ${current.status} cannot be refunded`, { orderId, number: current.number, status: current.status });
        }
        return moveInTransaction(trx, current, 'refunded', refund.actor, { note: `payment #${refund.paymentId} refunded`, locale: refund.locale });
      });
    },

    /**
     * The provider refused a refund for good after the order was marked refunded: the order
     * cannot leave `refunded` (a final status), so staff are alerted to settle it by hand.
     */
    async refundRefused(executor: DbExecutor, orderId: number, paymentId: number): Promise<void> {
      const scoped = createOrdersRepository(executor);
      const current = await scoped.findById(orderId);
      if (!current || current.payment_id !== paymentId) return;
      const order = await withLines(current, scoped);
      await enqueueOutbox(executor, staffMessages(order, deps.notifications.staffRefundRefused(order, paymentId), `refund_refused:${paymentId}`), deps.now());
    },

    /**
     * The customer chose to pay on delivery: an order still waiting for payment records it
     * (staff see it on the card). False when it no longer waits (paid, cancelled, moved on).
     */
    async choosePayOnDelivery(orderId: number, userId: number): Promise<boolean> {
      const current = await repository.findById(orderId);
      if (!current || current.user_id !== userId || !service.awaitsPayment(current)) return false;
      if (current.payment_method === 'on_delivery') return true;
      return repository.setPaymentMethod(orderId, userId, 'on_delivery', deps.now());
    },

    /** Whether an order is waiting for its payment (the system may still move it to `paid`). */
    awaitsPayment(order: Pick<OrderRecord, 'kind' | 'status' | 'payment_id'>): boolean {
      return order.payment_id === null && canTransition(machineOf(order.kind), order.status, 'paid', 'system');
    },

    /** Where `role` may move the order next. */
    nextStatuses(order: Pick<OrderRecord, 'kind' | 'status'>, role: OrderActorRole): string[] {
      return nextStatuses(machineOf(order.kind), order.status, role);
    },

    async get(id: number): Promise<Order | undefined> {
      const row = await repository.findById(id);
      return row ? withLines(row) : undefined;
    },

    /** An order by its number, typed in any case (`a-1042`). */
    async getByNumber(raw: string): Promise<Order | undefined> {
      const number = raw.trim().toUpperCase();
      if (!/^[A-Z]{1,4}-\d{1,12}$/.test(number)) return undefined;
      const row = await repository.findByNumber(number);
      return row ? withLines(row) : undefined;
    },

    async detail(id: number): Promise<OrderDetail | undefined> {
      const order = await service.get(id);
      return order ? { ...order, history: await repository.historyOf(id) } : undefined;
    },

    /** A customer's orders, newest first, one page. */
    async listForUser(userId: number, page: number, pageSize: number): Promise<{ orders: Order[]; window: PageWindow }> {
      return service.list({ userId }, page, pageSize);
    },

    /** Orders matching a filter, one page: newest first, or by total or status (in its life order) when `sort` says. */
    async list(filter: OrderFilter, page: number, pageSize: number, sort?: { by: 'created' | 'total' | 'status'; direction: 'asc' | 'desc' }): Promise<{ orders: Order[]; window: PageWindow }> {
      const window = pageWindow(await repository.count(filter), page, pageSize);
      const statusOrder = sort?.by === 'status' ? machineOf(filter.kind ?? 'shop').statuses : undefined;
      const rows = await repository.list(filter, window.offset, window.limit, sort ? { ...sort, statusOrder } : undefined);
      const lines = await repository.linesOf(rows.map((row) => row.id));
      return { orders: rows.map((row) => ({ ...row, lines: lines.filter((line) => line.order_id === row.id) })), window };
    },

    /** Every order matching a filter with its lines, newest first, for exports; at most `limit`. */
    async exportOrders(filter: OrderFilter, limit = 50_000): Promise<Order[]> {
      const rows = await repository.list(filter, 0, limit);
      const lines: OrderLineRecord[] = [];
      // Chunked: SQLite limits the number of bound parameters in one IN list.
      for (let index = 0; index < rows.length; index += 500) {
        lines.push(...(await repository.linesOf(rows.slice(index, index + 500).map((row) => row.id))));
      }
      const byOrder = Map.groupBy(lines, (line) => line.order_id);
      return rows.map((row) => ({ ...row, lines: byOrder.get(row.id) ?? [] }));
    },

    /** Customers who ordered within the last `days` days, for broadcast segments. */
    async customersWithinDays(days: number): Promise<number[]> {
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new OrdersError('orders.invalid_days', 'days must be a whole number from 1 to 3650');
      return repository.userIdsOrderedSince(deps.now() - days * 86_400_000);
    },

    /** Orders placed in a window and their revenue (void statuses excluded), for the daily report. */
    async windowSummary(window: { sinceMs: number; untilMs: number }, kind = 'shop'): Promise<{ orders: number; waiting: number; revenue: { currency: string; totalMinor: number }[] }> {
      const machine = machineOf(kind);
      const filter: OrderFilter = { kind, fromMs: window.sinceMs, toMs: window.untilMs };
      return {
        orders: await repository.count(filter),
        // Orders still waiting for staff, whenever they were placed.
        waiting: await repository.count({ kind, statuses: [machine.initial] }),
        revenue: (await repository.revenue(filter, machine.voidStatuses)).map(({ currency, totalMinor }) => ({ currency, totalMinor })),
      };
    },

    /** Users, orders, revenue and conversion for today, 7 and 30 days, and the best sellers. */
    async dashboard(kind = 'shop'): Promise<Dashboard> {
      const nowMs = deps.now();
      const voids = machineOf(kind).voidStatuses;
      const dayMs = 24 * 3600_000;
      const today = startOfDayMs(nowMs, deps.timeZone);
      const starts: [PeriodStats['key'], number][] = [
        ['today', today],
        ['7d', nowMs - 7 * dayMs],
        ['30d', nowMs - 30 * dayMs],
      ];
      const periods: PeriodStats[] = [];
      for (const [key, fromMs] of starts) {
        const filter: OrderFilter = { kind, fromMs };
        const funnel: { name: string; users: number }[] = [];
        for (const source of funnels) funnel.push({ name: source.name, users: await source.usersSince(fromMs) });
        const customers = await repository.countCustomers(filter);
        periods.push({
          key,
          fromMs,
          newUsers: await deps.users.countSince(fromMs),
          orders: await repository.count(filter),
          customers,
          revenue: (await repository.revenue(filter, voids)).map(({ currency, totalMinor }) => ({ currency, totalMinor })),
          funnel,
        });
      }
      return {
        usersTotal: await deps.users.countAll(),
        periods,
        topProducts: await repository.topProducts({ kind, fromMs: nowMs - 30 * dayMs }, voids, 5),
      };
    },
  };
  return service;
}

/** The orders service's shape. */
export type OrdersService = ReturnType<typeof createOrdersService>;
