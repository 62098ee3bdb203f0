/** Who moves a custom order: its customer, a staff member, or Lavka itself (a payment arrived). */
export type ActorRole = 'customer' | 'staff' | 'system';

/** Statuses of a custom order, in the order a happy path visits them; `cancelled` last. */
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
] as const;
/** One of {@link CUSTOM_ORDER_STATUSES}. */
export type CustomOrderStatus = (typeof CUSTOM_ORDER_STATUSES)[number];

/** Statuses from which nothing moves on. */
export const FINAL_STATUSES: readonly CustomOrderStatus[] = ['done', 'cancelled'];

/** Statuses whose orders count as revenue: the customer has paid. */
export const PAID_STATUSES: readonly CustomOrderStatus[] = ['paid', 'printing', 'post_processing', 'ready', 'shipped', 'done'];

/** Statuses a staff quote may be given or changed in. */
export const QUOTABLE_STATUSES: readonly CustomOrderStatus[] = ['new', 'quoted', 'awaiting_payment'];

/**
 * Status changes a customer may choose to hear about with `/subscribe`. A new price from
 * staff (`quoted`) and a cancellation by staff are always sent: the customer must act on them
 * or would otherwise wait for nothing.
 */
export const SUBSCRIBABLE_STATUSES: readonly CustomOrderStatus[] = ['paid', 'printing', 'post_processing', 'ready', 'shipped', 'done'];

const STAFF: readonly ActorRole[] = ['staff'];
const STAFF_OR_SYSTEM: readonly ActorRole[] = ['staff', 'system'];
const CUSTOMER_OR_STAFF: readonly ActorRole[] = ['customer', 'staff'];

/** A move an order may make, and who may make it. */
export interface Transition {
  from: CustomOrderStatus;
  to: CustomOrderStatus;
  by: readonly ActorRole[];
}

/**
 * new → quoted → awaiting payment → paid → printing → post-processing → ready → shipped → done.
 * The automatic quote moves `new` to `quoted` as the system; only the customer accepts a
 * price (→ awaiting payment), and staff giving a new price sends it back to `quoted`.
 * Post-processing and shipping may be skipped (ready → done is a pickup). The customer may
 * cancel until they have paid; after that only staff can.
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
  { from: 'paid', to: 'cancelled', by: STAFF },
  { from: 'printing', to: 'post_processing', by: STAFF },
  { from: 'printing', to: 'ready', by: STAFF },
  { from: 'printing', to: 'cancelled', by: STAFF },
  { from: 'post_processing', to: 'ready', by: STAFF },
  { from: 'post_processing', to: 'cancelled', by: STAFF },
  { from: 'ready', to: 'shipped', by: STAFF },
  { from: 'ready', to: 'done', by: STAFF },
  { from: 'shipped', to: 'done', by: STAFF },
];

/** Whether `value` is a custom-order status. */
export function isStatus(value: string): value is CustomOrderStatus {
  return (CUSTOM_ORDER_STATUSES as readonly string[]).includes(value);
}

/** Whether `role` may move an order from `from` to `to`. */
export function canTransition(from: string, to: string, role: ActorRole): boolean {
  return TRANSITIONS.some((transition) => transition.from === from && transition.to === to && transition.by.includes(role));
}

/** Where `role` may move an order next from `status`. */
export function nextStatuses(status: string, role: ActorRole): CustomOrderStatus[] {
  return TRANSITIONS.filter((transition) => transition.from === status && transition.by.includes(role)).map((transition) => transition.to);
}
