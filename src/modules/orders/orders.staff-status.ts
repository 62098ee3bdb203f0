import type { OrderPayments } from './orders.payments.ts';
import { OrdersError, type Order, type OrdersService } from './orders.service.ts';

/** A status change staff ask for in the panel. */
export interface StaffStatusChange {
  orderId: number;
  to: string;
  /** The status the panel showed; another means someone moved the order first. */
  expectedFrom?: string | undefined;
  /** Who acts (the access check sets it to the logged-in staff member). */
  actorId?: string | number | undefined;
  note?: string | undefined;
}

/**
 * Moves an order as staff ask. Orders of a kind another module manages (print jobs) move by
 * that module's rules when it offers them, and are refused and pointed there otherwise. "Refunded" for an order paid online refunds its payment, and the
 * refund moves the order — the money goes back before the order says so; any other change
 * (and a refund of an order paid otherwise) moves the status.
 */
export async function changeStatusAsStaff(deps: { orders: OrdersService; payments?: OrderPayments | undefined }, change: StaffStatusChange): Promise<Order | undefined> {
  const target = await deps.orders.get(change.orderId);
  const managedBy = target ? deps.orders.managedBy(target.kind) : undefined;
  const mover = target ? deps.orders.staffMoverOf(target.kind) : undefined;
  if (managedBy && mover) return mover(change);
  if (managedBy) throw new OrdersError('orders.managed_elsewhere', `orders of this kind are moved through /api/${managedBy}`, { module: managedBy });
  const paidOnline = change.to === 'refunded' && deps.payments?.isOnline() && target && target.payment_id !== null ? target : undefined;
  if (deps.payments && paidOnline) {
    if (change.expectedFrom !== undefined && change.expectedFrom !== paidOnline.status) {
      throw new OrdersError('orders.status_changed', 'the order has moved since', { orderId: paidOnline.id, status: paidOnline.status });
    }
    await deps.payments.refund(paidOnline, change.actorId ?? 'panel');
    return deps.orders.get(paidOnline.id);
  }
  return deps.orders.changeStatus(change.orderId, change.to, { role: 'staff', id: change.actorId }, { expectedFrom: change.expectedFrom, note: change.note });
}
