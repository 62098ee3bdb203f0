import type { OrderActorRole, StatusMachine } from '../orders/orders.status.ts';
import { STARS_ORDER_STATUSES, type StarsOrderStatus } from './stars.tables.ts';

/** The kind of a Stars purchase in the orders module's `orders` table. */
export const STARS_KIND = 'stars';

/** Number prefix of Stars orders when `settings.orders.numberPrefixes` names none: `S-1001`. */
export const STARS_NUMBER_PREFIX = 'S';

const STAFF_OR_SYSTEM: readonly OrderActorRole[] = ['staff', 'system'];

/** Statuses in which the customer's money is with the business. */
export const STARS_PAID_STATUSES: readonly StarsOrderStatus[] = ['paid', 'delivering', 'delivered', 'failed'];

/**
 * The Stars purchase's life as the orders service records it. The reseller service decides
 * every move (a payment, the fulfilment step, a staff button) and mirrors it here in the same
 * transaction, so the machine only has to allow what that service does. An unpaid order brings
 * no revenue, nor does an expired or refunded one.
 */
export const STARS_STATUS_MACHINE: StatusMachine = {
  kind: STARS_KIND,
  initial: 'awaiting_payment',
  statuses: STARS_ORDER_STATUSES,
  transitions: [
    { from: 'awaiting_payment', to: 'paid', by: STAFF_OR_SYSTEM },
    { from: 'awaiting_payment', to: 'expired', by: STAFF_OR_SYSTEM },
    // A payment that arrives after the order expired revives it.
    { from: 'expired', to: 'paid', by: STAFF_OR_SYSTEM },
    { from: 'paid', to: 'delivering', by: STAFF_OR_SYSTEM },
    { from: 'delivering', to: 'delivered', by: STAFF_OR_SYSTEM },
    { from: 'delivering', to: 'failed', by: STAFF_OR_SYSTEM },
    { from: 'failed', to: 'paid', by: STAFF_OR_SYSTEM },
    { from: 'paid', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'delivering', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'failed', to: 'refunded', by: STAFF_OR_SYSTEM },
  ],
  voidStatuses: ['awaiting_payment', 'expired', 'refunded'],
  finalStatuses: ['delivered', 'refunded'],
};
