import type { Actor, CustomOrdersService } from './custom-orders.service.ts';
import { isPaidStatus } from './custom-orders.status.ts';

/** A status change staff ask for in the panel. */
export interface PrintStatusChange {
  orderId: number;
  to: string;
  expectedFrom?: string | undefined;
  note?: string | undefined;
}

/**
 * Moves a print job as staff ask. Stopping a paid job (cancelled or refunded) gives the money
 * back first — `refundPending` while Telegram has not confirmed — and any other change moves
 * the status.
 */
export async function changePrintStatusAsStaff(service: CustomOrdersService, change: PrintStatusChange, actor: Actor) {
  const current = await service.get(change.orderId);
  const options = { expectedFrom: change.expectedFrom, note: change.note };
  if (current && isPaidStatus(current.status) && (change.to === 'refunded' || change.to === 'cancelled')) {
    const { order, refundPending } = await service.refundOrder(change.orderId, actor, options);
    return { order, refundPending };
  }
  return { order: await service.changeStatus(change.orderId, change.to, actor, options) };
}
