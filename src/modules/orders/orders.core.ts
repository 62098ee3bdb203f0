import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { startOfDayMs, zonedMidnightMs as zonedMidnight } from '../../config/dates.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage, type OutboxMethod } from '../../delivery/outbox.ts';
import { lineTitlesSchema, titlesColumn } from './orders.lines.ts';
import { createOrdersRepository, type OrderFilter, type ProductSales, type StatusPatch } from './orders.repository.ts';
import { SHOP_STATUS_MACHINE, canTransition, type OrderActorRole, type StatusMachine } from './orders.status.ts';
import type { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from './orders.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events, LavkaEvent } from '../../platform/events.ts';
import { apiOrder } from './orders.api.view.ts';
import { inTransaction } from '../../db/database.ts';

/** The kind of each refusal of the orders module; codes not listed are invalid input. */
export const ORDERS_KINDS: Readonly<Record<string, ErrorKind>> = {
  'orders.not_found': 'not_found',
  'orders.transition_not_allowed': 'conflict',
  'orders.status_changed': 'conflict',
  'orders.refund_not_allowed': 'conflict',
  'orders.managed_elsewhere': 'conflict',
  'orders.unknown_kind': 'invalid',
  'orders.external_id_taken': 'conflict',
  'orders.external_id_conflict': 'conflict',
  'orders.backend_unauthorized': 'unauthenticated',
  'orders.backend_unknown_status': 'unprocessable',
  'orders.note_empty': 'invalid',
};

/** An order rule was broken; `code` says which (`orders.transition_not_allowed`, …). */
export class OrdersError extends refusalClass('OrdersError', ORDERS_KINDS) {}

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
  /**
   * What this kind adds to its orders' `order.created` event beside the order (a print job's
   * files), read in the transaction that places it.
   */
  createdEventData?(executor: DbExecutor, order: Order): Promise<Record<string, unknown>>;
  /**
   * How staff, the integration API and the order back end move this kind's orders when its
   * module manages them (`managedBy`): by that module's rules (a paid print job stopped is
   * refunded first). Without it, such moves are refused and pointed to that module.
   */
  moveAsStaff?(change: { orderId: number; to: string; expectedFrom?: string | undefined; note?: string | undefined; actorId?: string | number | undefined }): Promise<Order | undefined>;
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
export function lineRow(orderId: number, line: z.output<typeof orderLineInputSchema>, position: number) {
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

export { inTransaction };

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
  /** Where `order.created`, `order.status_changed` and `order.paid` are published (for webhooks). */
  events: Events;
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

/** What every orders use case shares. */
export function createOrdersCore(deps: OrdersServiceDeps) {
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

  /**
   * Events of an order being placed, held per placing transaction until its `order.created` is
   * published: a kind's first moves (a print job quoted) happen inside that transaction, and a
   * receiver must hear of the order before it hears of its changes.
   */
  const heldEvents = new WeakMap<DbExecutor, LavkaEvent[]>();
  const publish = async (executor: DbExecutor, event: LavkaEvent): Promise<void> => {
    const held = heldEvents.get(executor);
    if (held) held.push(event);
    else await deps.events.publish(executor, event);
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
    const moved = { order: apiOrder(order), previous_status: current.status, status: to, actor: { role: actor.role, id: actor.id === undefined ? null : String(actor.id) }, note: options.note ?? null };
    await publish(trx, { type: 'order.status_changed', resource: { type: 'order', id: order.id }, data: moved });
    if (to === 'paid') await publish(trx, { type: 'order.paid', resource: { type: 'order', id: order.id }, data: moved });
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

  return { deps, repository, kinds, hooks, funnels, heldEvents, kindOf, machineOf, asMessage, serviceNotifications, notificationsOf, allStatuses, machinesOf, revenueOf, withLines, staffMessages, checkMove, moveInTransaction, customerNotice };
}

/** What the orders use cases share. */
export type OrdersCore = ReturnType<typeof createOrdersCore>;
