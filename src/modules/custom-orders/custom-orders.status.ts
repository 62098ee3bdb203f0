import { canTransition as machineAllows, nextStatuses as machineNext, type OrderActorRole, type StatusMachine, type StatusTransition } from '../orders/orders.status.ts';

/** Who moves a custom order: its customer, a staff member, or Lavka itself (a payment arrived). */
export type ActorRole = OrderActorRole;

/** The kind of a print job in the orders module's `orders` table. */
export const PRINT_KIND = 'print3d';

/** Statuses of a custom order, in the order a happy path visits them; `cancelled` and `refunded` last. */
export const CUSTOM_ORDER_STATUSES = [
  'new',
  'quoted',
  'awaiting_payment',
  'paid',
  'printing',
  'post_processing',
  'ready',
  'shipped',
  'done',
  'cancelled',
  'refunded',
] as const;
/** One of {@link CUSTOM_ORDER_STATUSES}. */
export type CustomOrderStatus = (typeof CUSTOM_ORDER_STATUSES)[number];

/** Statuses from which nothing moves on. */
export const FINAL_STATUSES: readonly CustomOrderStatus[] = ['cancelled', 'refunded'];

/** Statuses of an order the customer has paid for: they count as revenue, and stopping one gives the money back. */
export const PAID_STATUSES: readonly CustomOrderStatus[] = ['paid', 'printing', 'post_processing', 'ready', 'shipped', 'done'];

/** Statuses a staff quote may be given or changed in. */
export const QUOTABLE_STATUSES: readonly CustomOrderStatus[] = ['new', 'quoted', 'awaiting_payment'];

/**
 * Status changes a customer may choose to hear about with `/subscribe`. A new price from
 * staff (`quoted`), a cancellation by staff and a refund are always sent: the customer must
 * act on them, or would otherwise wait for nothing.
 */
export const SUBSCRIBABLE_STATUSES: readonly CustomOrderStatus[] = ['paid', 'printing', 'post_processing', 'ready', 'shipped', 'done'];

const STAFF: readonly ActorRole[] = ['staff'];
const STAFF_OR_SYSTEM: readonly ActorRole[] = ['staff', 'system'];
const CUSTOMER_OR_STAFF: readonly ActorRole[] = ['customer', 'staff'];

/** A move an order may make, and who may make it. */
export type Transition = StatusTransition & { from: CustomOrderStatus; to: CustomOrderStatus };

/**
 * new → quoted → awaiting payment → paid → printing → post-processing → ready → shipped → done.
 * The automatic quote moves `new` to `quoted` as the system; only the customer accepts a
 * price (→ awaiting payment), and staff giving a new price sends it back to `quoted`.
 * Post-processing and shipping may be skipped (ready → done is a pickup). The customer may
 * cancel until they have paid. A paid order is never just cancelled: stopping it returns the
 * money, so it ends `refunded` (staff, or the system when its payment is refunded).
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'new', to: 'quoted', by: STAFF_OR_SYSTEM },
  { from: 'new', to: 'cancelled', by: CUSTOMER_OR_STAFF },
  { from: 'quoted', to: 'awaiting_payment', by: ['customer'] },
  { from: 'quoted', to: 'cancelled', by: CUSTOMER_OR_STAFF },
  { from: 'awaiting_payment', to: 'quoted', by: STAFF },
  { from: 'awaiting_payment', to: 'paid', by: STAFF_OR_SYSTEM },
  { from: 'awaiting_payment', to: 'cancelled', by: CUSTOMER_OR_STAFF },
  { from: 'paid', to: 'printing', by: STAFF },
  { from: 'printing', to: 'post_processing', by: STAFF },
  { from: 'printing', to: 'ready', by: STAFF },
  { from: 'post_processing', to: 'ready', by: STAFF },
  { from: 'ready', to: 'shipped', by: STAFF },
  { from: 'ready', to: 'done', by: STAFF },
  { from: 'shipped', to: 'done', by: STAFF },
  ...PAID_STATUSES.map((from) => ({ from, to: 'refunded' as const, by: STAFF_OR_SYSTEM })),
];

/** The print job's life as the orders service runs it. */
export const PRINT_STATUS_MACHINE: StatusMachine = {
  kind: PRINT_KIND,
  initial: 'new',
  statuses: CUSTOM_ORDER_STATUSES,
  transitions: TRANSITIONS,
  voidStatuses: ['cancelled', 'refunded'],
  finalStatuses: FINAL_STATUSES,
};

/** Whether `value` is a custom-order status. */
export function isStatus(value: string): value is CustomOrderStatus {
  return (CUSTOM_ORDER_STATUSES as readonly string[]).includes(value);
}

/** Whether the customer has paid for an order in `status`. */
export function isPaidStatus(status: string): boolean {
  return (PAID_STATUSES as readonly string[]).includes(status);
}

/** Whether `role` may move an order from `from` to `to`. */
export function canTransition(from: string, to: string, role: ActorRole): boolean {
  return machineAllows(PRINT_STATUS_MACHINE, from, to, role);
}

/** Where `role` may move an order next from `status`. */
export function nextStatuses(status: string, role: ActorRole): CustomOrderStatus[] {
  return machineNext(PRINT_STATUS_MACHINE, status, role).filter(isStatus);
}
