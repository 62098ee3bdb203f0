import { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { startOfDayMs, zonedMidnightMs as zonedMidnight } from '../../config/dates.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage, type OutboxMethod } from '../../delivery/outbox.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { lineTitlesSchema, titlesColumn } from './orders.lines.ts';
import { createOrdersRepository, type OrderFilter, type ProductSales, type StatusPatch } from './orders.repository.ts';
import { SHOP_STATUS_MACHINE, canTransition, nextStatuses, validateMachine, type OrderActorRole, type StatusMachine } from './orders.status.ts';
import type { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from './orders.tables.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** An order rule was broken; `code` says which (`orders.transition_not_allowed`, …). */
export class OrdersError extends LavkaError {
  override readonly name = 'OrdersError';
  get kind(): ErrorKind {
    return ORDERS_KINDS[this.code] ?? 'invalid';
  }
}

/** The kind of each refusal of the orders module; codes not listed are invalid input. */
const ORDERS_KINDS: Readonly<Record<string, ErrorKind>> = {
  'orders.not_found': 'not_found',
  'orders.transition_not_allowed': 'conflict',
  'orders.status_changed': 'conflict',
  'orders.refund_not_allowed': 'conflict',
  'orders.managed_elsewhere': 'conflict',
  'orders.unknown_kind': 'invalid',
};

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
  /** The names in each language, for readers of other languages; `title` is the business's. */
  titles: lineTitlesSchema,
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

/**
 * Renders the notifications the service enqueues; supplied by the module (it knows texts).
 * Each is written in `locale`: the customer's language, or the staff chat's it goes to.
 */
export interface OrderNotifications {
  /** The staff alert for a new order, with buttons to move it on. */
  staffNewOrder(order: Order, locale: Locale): OutgoingText;
  /** Tells the customer their order moved, in their language. */
  customerStatusChanged(order: Order, locale: Locale): OutgoingText;
  /** Tells staff that the customer moved an order (a cancellation). */
  staffStatusChanged(order: Order, actor: OrderActor, locale: Locale): OutgoingText;
  /** Tells staff an order was paid online, with its card and buttons to move it on. */
  staffOrderPaid(order: Order, payment: OrderPaymentReceipt, locale: Locale): OutgoingText;
  /** Tells staff a payment arrived for an order that no longer waited for one: return it. */
  staffExtraPayment(order: Order, payment: OrderPaymentReceipt, locale: Locale): OutgoingText;
  /** Tells staff the provider refused a refund after the order was marked refunded. */
  staffRefundRefused(order: Order, paymentId: number, locale: Locale): OutgoingText;
}

/** One message for the outbox: a Bot API method and its parameters without `chat_id`. */
export interface OutgoingMessage {
  method: OutboxMethod;
  payload: Record<string, unknown>;
}

/** A status change as a kind's texts and rules see it. */
export interface OrderChange {
  from: string;
  to: string;
  actor: OrderActor;
  note?: string;
}

/**
 * The notifications of one kind of order, when its texts are not the shop's. Each runs inside
 * the transaction of the change it tells about (`executor`), so a kind that keeps more about
 * its orders in its own tables (a print job's files and quote) reads them there, consistently.
 * Staff messages are rendered once per language among the staff chats (`locale`).
 */
export interface KindNotifications {
  staffNewOrder(executor: DbExecutor, order: Order, locale: Locale): Promise<OutgoingMessage[]>;
  customerStatusChanged(executor: DbExecutor, order: Order, locale: Locale, change: OrderChange): Promise<OutgoingMessage>;
  staffStatusChanged(executor: DbExecutor, order: Order, change: OrderChange, locale: Locale): Promise<OutgoingMessage[]>;
  staffOrderPaid(executor: DbExecutor, order: Order, payment: OrderPaymentReceipt, locale: Locale): Promise<OutgoingMessage[]>;
  staffExtraPayment(executor: DbExecutor, order: Order, payment: OrderPaymentReceipt, locale: Locale): Promise<OutgoingMessage[]>;
  staffRefundRefused(executor: DbExecutor, order: Order, paymentId: number, locale: Locale): Promise<OutgoingMessage[]>;
}

/**
 * A kind of order another module brings (custom print jobs): its status machine and, when the
 * shop's texts and habits do not fit, its own notifications and rules.
 */
export interface OrderKind {
  machine: StatusMachine;
  /** Number prefix when `settings.orders.numberPrefixes` names none for this kind. */
  numberPrefix?: string;
  /** This kind's notifications; without them the service's own (the shop's texts) are used. */
  notifications?: KindNotifications;
  /**
   * Whether the customer hears about a status change (a kind may let customers choose);
   * without it they always do. Runs inside the change's transaction.
   */
  notifiesCustomer?(executor: DbExecutor, order: Order, change: OrderChange): Promise<boolean>;
  /**
   * The module whose screens and API move this kind's orders, because a move there does more
   * than change a status (a new price, a refund first). The generic order screens and API
   * show these orders but leave their status to that module.
   */
  managedBy?: string;
  /**
   * Statuses of this kind may be reached more than once (a new price sends an order back to
   * `quoted`): notification keys then name the change itself rather than the status, so the
   * second visit is told too.
   */
  repeatsStatuses?: boolean;
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

/** The stored row of line `position` of an order: titles and prices copied, the total computed. */
function lineRow(orderId: number, line: z.output<typeof orderLineInputSchema>, position: number) {
  return {
    order_id: orderId,
    position,
    line_kind: line.kind,
    product_id: line.productId,
    variant_id: line.variantId,
    title: line.title,
    variant_title: line.variantTitle,
    titles: titlesColumn(line.titles),
    unit_price_minor: line.unitPriceMinor,
    quantity: line.quantity,
    total_minor: line.unitPriceMinor * line.quantity,
  };
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
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  /** Order number prefix per kind (`shop` → `A`); unknown kinds use `fallbackPrefix`. */
  numberPrefixes: Readonly<Record<string, string>>;
  fallbackPrefix: string;
  /**
   * Chats that receive staff alerts, each with the language it reads in (a staff member's
   * own, a group's the business's), read through `executor` (possibly the change's transaction).
   */
  staffChats(executor: DbExecutor): Promise<readonly { chatId: number; locale: Locale }[]>;
  /** The language a customer reads in. Called before a transaction opens. */
  localeOf(userId: number): Promise<Locale>;
  users: { countAll(): Promise<number>; countSince(sinceMs: number): Promise<number> };
  notifications: OrderNotifications;
}

/** First number of every prefix: `A-1001` reads better than `A-1`. */
export const FIRST_ORDER_NUMBER = 1001;

// The day arithmetic lives with the other clock helpers; callers here keep importing it from the service.
export { startOfDayMs };

/** Midnight of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms. */
export function zonedMidnightMs(date: string, timeZone: string): number {
  const midnight = zonedMidnight(date, timeZone);
  if (Number.isNaN(midnight)) throw new OrdersError('orders.invalid_date', `not a date: ${date}`);
  return midnight;
}

/**
 * Orders of every kind: placing (with the caller's stock and cart work in the same
 * transaction), status changes along the kind's machine with history and notifications,
 * lookups, listings, exports and statistics.
 */
export function createOrdersService(deps: OrdersServiceDeps) {
  const repository = createOrdersRepository(deps.db);
  const kinds = new Map<string, OrderKind>([[SHOP_STATUS_MACHINE.kind, { machine: SHOP_STATUS_MACHINE }]]);
  const hooks: StatusChangeHook[] = [];
  const funnels: FunnelSource[] = [];

  const kindOf = (kind: string): OrderKind => {
    const found = kinds.get(kind);
    if (!found) throw new OrdersError('orders.unknown_kind', `no status machine for order kind ${kind}`, { kind });
    return found;
  };
  const machineOf = (kind: string): StatusMachine => kindOf(kind).machine;

  // The shop's texts, as every kind without its own receives them.
  const asMessage = (text: OutgoingText): OutgoingMessage => ({ method: 'sendMessage', payload: { ...text } });
  const serviceNotifications: KindNotifications = {
    staffNewOrder: async (_executor, order, locale) => [asMessage(deps.notifications.staffNewOrder(order, locale))],
    customerStatusChanged: async (_executor, order, locale) => asMessage(deps.notifications.customerStatusChanged(order, locale)),
    staffStatusChanged: async (_executor, order, change, locale) => [asMessage(deps.notifications.staffStatusChanged(order, change.actor, locale))],
    staffOrderPaid: async (_executor, order, payment, locale) => [asMessage(deps.notifications.staffOrderPaid(order, payment, locale))],
    staffExtraPayment: async (_executor, order, payment, locale) => [asMessage(deps.notifications.staffExtraPayment(order, payment, locale))],
    staffRefundRefused: async (_executor, order, paymentId, locale) => [asMessage(deps.notifications.staffRefundRefused(order, paymentId, locale))],
  };
  const notificationsOf = (kind: string): KindNotifications => kindOf(kind).notifications ?? serviceNotifications;

  /** Every status any kind knows, the shop's first: the order of an all-kinds listing sorted by status. */
  const allStatuses = (): string[] => [...new Set([...kinds.values()].flatMap((item) => item.machine.statuses))];

  /** The machine of `kind`, or every registered machine when no kind is named. */
  const machinesOf = (kind: string | undefined): StatusMachine[] => (kind === undefined ? [...kinds.values()].map((item) => item.machine) : [machineOf(kind)]);

  /** Revenue per currency, each kind without its own void statuses (a status void for one kind may count for another). */
  const revenueOf = async (filter: OrderFilter, kind: string | undefined): Promise<{ currency: string; totalMinor: number }[]> => {
    const sums = new Map<string, number>();
    for (const machine of machinesOf(kind)) {
      for (const row of await repository.revenue({ ...filter, kind: machine.kind }, machine.voidStatuses)) sums.set(row.currency, (sums.get(row.currency) ?? 0) + row.totalMinor);
    }
    return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, totalMinor]) => ({ currency, totalMinor }));
  };

  const withLines = async (order: OrderRecord, executor = repository): Promise<Order> => ({ ...order, lines: await executor.linesOf([order.id]) });

  /**
   * Staff alerts: the messages `render` writes in each staff chat's language (once per
   * language), to every staff chat, keyed so that a retried change enqueues them once.
   */
  const staffMessages = async (
    executor: DbExecutor,
    order: Pick<OrderRecord, 'id'>,
    render: (locale: Locale) => Promise<readonly OutgoingMessage[]>,
    key: string,
  ): Promise<OutboxMessage[]> => {
    const rendered = new Map<Locale, readonly OutgoingMessage[]>();
    const out: OutboxMessage[] = [];
    for (const { chatId, locale } of await deps.staffChats(executor)) {
      let messages = rendered.get(locale);
      if (!messages) {
        messages = await render(locale);
        rendered.set(locale, messages);
      }
      out.push(
        ...messages.map((message, index) => ({
          chatId,
          method: message.method,
          payload: message.payload,
          priority: 'high' as const,
          dedupeKey: `order:${order.id}:${key}:staff:${chatId}${index === 0 ? '' : `:${index}`}`,
        })),
      );
    }
    return out;
  };

  /** Refuses a move the order's machine, its owner or a stale screen does not allow. */
  const checkMove = (current: OrderRecord, to: string, actor: OrderActor, expectedFrom: string | undefined): void => {
    if (actor.role === 'customer' && String(current.user_id) !== String(actor.id)) {
      throw new OrdersError('orders.not_found', 'no such order', { orderId: current.id });
    }
    if (expectedFrom !== undefined && expectedFrom !== current.status) {
      throw new OrdersError('orders.status_changed', 'the order has moved since', { orderId: current.id, status: current.status });
    }
    if (!canTransition(machineOf(current.kind), current.status, to, actor.role)) {
      throw new OrdersError('orders.transition_not_allowed', `${actor.role} cannot move an order from ${current.status} to ${to}`, {
        orderId: current.id,
        from: current.status,
        to,
      });
    }
  };

  /**
   * Moves `current` to `to` inside `trx`: the guarded update (lost if someone moved the order
   * first), the history row, the hooks (stock), and the notifications, all committing together.
   * The customer is told when the kind's rule says so (always, for the shop); staff when
   * `staffNotice` gives them something to read. `notify: false` records the move silently
   * (steps the customer just saw happen, such as the automatic quote of a print job).
   */
  const moveInTransaction = async (
    trx: Transaction<Database>,
    current: OrderRecord,
    to: string,
    actor: OrderActor,
    options: {
      note?: string;
      locale: Locale;
      patch?: StatusPatch;
      notify?: boolean;
      staffNotice?: (order: Order, change: OrderChange, locale: Locale) => Promise<OutgoingMessage[]>;
    },
  ): Promise<Order> => {
    const scoped = createOrdersRepository(trx);
    const nowMs = deps.now();
    if (!(await scoped.updateStatus(current.id, current.status, to, nowMs, options.patch))) {
      throw new OrdersError('orders.status_changed', 'the order has moved since', { orderId: current.id });
    }
    const changeId = await scoped.insertStatusChange({
      order_id: current.id,
      from_status: current.status,
      to_status: to,
      actor_type: actor.role,
      actor_id: actor.id === undefined ? null : String(actor.id),
      note: options.note?.slice(0, 500) ?? null,
      at: nowMs,
    });
    const order = await withLines({ ...current, ...options.patch, status: to, updated_at: nowMs }, scoped);
    for (const hook of hooks) await hook(trx, { order, from: current.status, to, actor });
    if (options.notify === false) return order;
    const kind = kindOf(order.kind);
    const change: OrderChange = { from: current.status, to, actor, note: options.note };
    const key = kind.repeatsStatuses ? `status:${to}:${changeId}` : `status:${to}`;
    const messages: OutboxMessage[] = [];
    if (!kind.notifiesCustomer || (await kind.notifiesCustomer(trx, order, change))) {
      const message = await notificationsOf(order.kind).customerStatusChanged(trx, order, options.locale, change);
      messages.push({ chatId: order.user_id, ...message, priority: 'high', dedupeKey: `order:${order.id}:${key}` });
    }
    const staffNotice = options.staffNotice;
    if (staffNotice) messages.push(...(await staffMessages(trx, order, (locale) => staffNotice(order, change, locale), key)));
    await enqueueOutbox(trx, messages, nowMs);
    return order;
  };

  /** Staff hear about what a customer did to their order (a cancellation, an accepted price). */
  const customerNotice = (trx: Transaction<Database>, actor: OrderActor) =>
    actor.role === 'customer'
      ? (order: Order, change: OrderChange, locale: Locale) => notificationsOf(order.kind).staffStatusChanged(trx, order, change, locale)
      : undefined;

  const service = {
    /** Registers the status machine of another kind of order, with the shop's texts and rules. */
    registerMachine(machine: StatusMachine): void {
      service.registerKind({ machine });
    },

    /** Registers another kind of order (custom print jobs) with its machine, texts and rules. */
    registerKind(kind: OrderKind): void {
      validateMachine(kind.machine);
      kinds.set(kind.machine.kind, kind);
    },

    machineOf,

    /** Every status any kind of order knows (what `/export` may filter by). */
    statuses: (): string[] => allStatuses(),

    /** The module that moves orders of `kind` on its own screens, if not the orders module. */
    managedBy(kind: string): string | undefined {
      return kinds.get(kind)?.managedBy;
    },

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
     * transaction, together with whatever `inTransaction` does (take stock, empty the cart,
     * a kind's own rows and first moves). If `inTransaction` throws, nothing is written and the
     * error is passed on. The staff alert shows the order as `inTransaction` left it.
     */
    async place(input: PlaceOrderInput, options: { inTransaction?: (trx: Transaction<Database>, order: Order) => Promise<void> } = {}): Promise<Order> {
      const parsed = placeOrderInputSchema.parse(input);
      const machine = machineOf(parsed.kind);
      const total = parsed.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
      if (!Number.isSafeInteger(total)) throw new OrdersError('orders.total_out_of_range', 'order total is too large');
      const prefix = deps.numberPrefixes[parsed.kind] ?? kindOf(parsed.kind).numberPrefix ?? deps.fallbackPrefix;
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
          parsed.lines.map((line, position) => lineRow(row.id, line, position)),
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
        let order = await withLines(row, scoped);
        if (options.inTransaction) {
          await options.inTransaction(trx, order);
          order = await withLines((await scoped.findById(row.id)) as OrderRecord, scoped);
        }
        const placed = order;
        await enqueueOutbox(trx, await staffMessages(trx, placed, (locale) => notificationsOf(placed.kind).staffNewOrder(trx, placed, locale), 'new'), nowMs);
        return order;
      });
    },

    /**
     * Moves an order to `to` if its machine lets `actor` do so. The change, its history row,
     * the hooks' work and the notifications (the customer as the kind's rule says, always for
     * the shop; staff when the customer acted) commit together. `expectedFrom` guards against
     * a stale button: if the order moved since it was drawn, `orders.status_changed` is thrown
     * and nothing changes.
     */
    async changeStatus(orderId: number, to: string, actor: OrderActor, options: { expectedFrom?: string; note?: string } = {}): Promise<Order> {
      const current = await repository.findById(orderId);
      if (!current) throw new OrdersError('orders.not_found', 'no such order', { orderId });
      checkMove(current, to, actor, options.expectedFrom);
      // Read outside the transaction: on SQLite it holds the only connection.
      const locale = await deps.localeOf(current.user_id);
      return deps.db.transaction().execute((trx) => moveInTransaction(trx, current, to, actor, { note: options.note, locale, staffNotice: customerNotice(trx, actor) }));
    },

    /**
     * {@link changeStatus} inside the caller's transaction, for a kind whose move goes with
     * rows of its own (a new price, an accepted quote). The caller reads the customer's
     * `locale` before its transaction opens; `notify: false` records the move silently.
     */
    async transition(
      executor: DbExecutor,
      orderId: number,
      to: string,
      actor: OrderActor,
      options: { expectedFrom?: string; note?: string; locale: Locale; notify?: boolean },
    ): Promise<Order> {
      return inTransaction(executor, async (trx) => {
        const current = await createOrdersRepository(trx).findById(orderId);
        if (!current) throw new OrdersError('orders.not_found', 'no such order', { orderId });
        checkMove(current, to, actor, options.expectedFrom);
        return moveInTransaction(trx, current, to, actor, { note: options.note, locale: options.locale, notify: options.notify, staffNotice: customerNotice(trx, actor) });
      });
    },

    /**
     * Gives an unpaid order new lines and their total (a custom job's new price), inside the
     * caller's transaction, while the order is in one of `statuses`. Throws
     * `orders.status_changed` when it moved or was paid meanwhile: a paid order keeps the
     * price it was paid at.
     */
    async reprice(executor: DbExecutor, orderId: number, lines: readonly OrderLineInput[], statuses: readonly string[]): Promise<Order> {
      const parsed = z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES).parse(lines);
      const total = parsed.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
      if (!Number.isSafeInteger(total)) throw new OrdersError('orders.total_out_of_range', 'order total is too large');
      return inTransaction(executor, async (trx) => {
        const scoped = createOrdersRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.setTotal(orderId, total, statuses, nowMs))) {
          throw new OrdersError('orders.status_changed', 'the order has moved or was paid since', { orderId });
        }
        await scoped.replaceLines(
          orderId,
          parsed.map((line, position) => lineRow(orderId, line, position)),
        );
        return withLines((await scoped.findById(orderId)) as OrderRecord, scoped);
      });
    },

    /**
     * Tells an order's customer something that is not a status change (a note from staff, a
     * new price on an order already waiting for one), through the outbox in `executor`'s
     * transaction. `key` (unique per event) keeps a retried handler from sending it twice.
     */
    async notifyCustomer(executor: DbExecutor, order: Pick<OrderRecord, 'id' | 'user_id'>, message: OutgoingMessage, key?: string): Promise<void> {
      await enqueueOutbox(
        executor,
        { chatId: order.user_id, ...message, priority: 'high', ...(key === undefined ? {} : { dedupeKey: `order:${order.id}:${key}` }) },
        deps.now(),
      );
    },

    /**
     * Records a payment received for an order, inside the payment's own transaction: an
     * order waiting for payment moves to `paid` as the system (history, the customer's
     * notification, a staff alert with the order card) and remembers the payment and its
     * method. A payment for an order that no longer waits for one (paid already, cancelled,
     * or, by the kind's `stillDue`, repriced since the payment was opened) changes nothing on
     * the order and alerts staff to return it. Undefined for an unknown order.
     */
    async markPaid(
      executor: DbExecutor,
      orderId: number,
      payment: OrderPaymentReceipt,
      options: { stillDue?: (current: OrderRecord, trx: Transaction<Database>) => Promise<boolean> } = {},
    ): Promise<{ outcome: 'paid' | 'extra'; order: Order } | undefined> {
      return inTransaction(executor, async (trx) => {
        const scoped = createOrdersRepository(trx);
        const current = await scoped.findById(orderId);
        if (!current) return undefined;
        // The same payment settled again (recovery after a crash): already recorded.
        if (current.payment_id === payment.paymentId) return { outcome: 'paid' as const, order: await withLines(current, scoped) };
        const due = current.payment_id === null && canTransition(machineOf(current.kind), current.status, 'paid', 'system') && (await (options.stillDue?.(current, trx) ?? true));
        if (due) {
          const order = await moveInTransaction(trx, current, 'paid', { role: 'system' }, {
            note: `payment #${payment.paymentId}`,
            locale: payment.locale,
            patch: { payment_method: payment.method, payment_id: payment.paymentId },
            staffNotice: (moved, _change, locale) => notificationsOf(moved.kind).staffOrderPaid(trx, moved, payment, locale),
          });
          return { outcome: 'paid' as const, order };
        }
        // Paid already, cancelled or repriced: the money is recorded as received, and staff return it.
        const order = await withLines(current, scoped);
        const alerts = await staffMessages(trx, order, (locale) => notificationsOf(order.kind).staffExtraPayment(trx, order, payment, locale), `extra_payment:${payment.paymentId}`);
        await enqueueOutbox(trx, alerts, deps.now());
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
      const alerts = await staffMessages(executor, order, (locale) => notificationsOf(order.kind).staffRefundRefused(executor, order, paymentId, locale), `refund_refused:${paymentId}`);
      await enqueueOutbox(executor, alerts, deps.now());
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
      const statusOrder = sort?.by === 'status' ? (filter.kind === undefined ? allStatuses() : machineOf(filter.kind).statuses) : undefined;
      const rows = await repository.list(filter, window.offset, window.limit, sort ? { ...sort, statusOrder } : undefined);
      const lines = await repository.linesOf(rows.map((row) => row.id));
      return { orders: rows.map((row) => ({ ...row, lines: lines.filter((line) => line.order_id === row.id) })), window };
    },

    /** How many orders match a filter. */
    count: (filter: OrderFilter): Promise<number> => repository.count(filter),

    /** Orders matching a filter, per status. */
    countByStatus: (filter: OrderFilter): Promise<{ status: string; count: number }[]> => repository.countByStatus(filter),

    /** The sum of the totals of orders matching a filter, per currency (statistics of one kind). */
    async totals(filter: OrderFilter): Promise<{ currency: string; totalMinor: number }[]> {
      return (await repository.revenue(filter, [])).map(({ currency, totalMinor }) => ({ currency, totalMinor }));
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

    /**
     * Orders placed in a window and their revenue (void statuses excluded), for the daily
     * report: of one kind, or of every kind (each without its own void statuses) by default.
     */
    async windowSummary(window: { sinceMs: number; untilMs: number }, kind?: string): Promise<{ orders: number; waiting: number; revenue: { currency: string; totalMinor: number }[] }> {
      const filter: OrderFilter = { kind, fromMs: window.sinceMs, toMs: window.untilMs };
      let waiting = 0;
      // Orders still waiting for staff, whenever they were placed.
      for (const machine of machinesOf(kind)) waiting += await repository.count({ kind: machine.kind, statuses: [machine.initial] });
      return { orders: await repository.count(filter), waiting, revenue: await revenueOf(filter, kind) };
    },

    /**
     * Users, orders, revenue and conversion for today, 7 and 30 days, and the best sellers: of
     * one kind, or of every kind the business sells (the default).
     */
    async dashboard(kind?: string): Promise<Dashboard> {
      const nowMs = deps.now();
      const voids = [...new Set(machinesOf(kind).flatMap((machine) => machine.voidStatuses))];
      const dayMs = 24 * 3600_000;
      const today = startOfDayMs(nowMs, deps.timeZone());
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
          revenue: await revenueOf(filter, kind),
          funnel,
        });
      }
      return {
        usersTotal: await deps.users.countAll(),
        periods,
        // Only catalogue products are ranked, so the void statuses of every kind can apply at once.
        topProducts: await repository.topProducts({ kind, fromMs: nowMs - 30 * dayMs }, voids, 5),
      };
    },
  };
  return service;
}

/** The orders service's shape. */
export type OrdersService = ReturnType<typeof createOrdersService>;
