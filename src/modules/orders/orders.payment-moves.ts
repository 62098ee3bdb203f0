import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createOrdersRepository } from './orders.repository.ts';
import { canTransition } from './orders.status.ts';
import type { OrderRecord } from './orders.tables.ts';
import { OrdersError, MAX_ORDER_LINES, orderLineInputSchema, lineRow, inTransaction, type OrderActor, type Order, type OrderLineInput, type OrderPaymentReceipt, type OrdersCore } from './orders.core.ts';

/**
 * An order's money moves: repricing an unpaid order, recording its payment (or an extra
 * one), its refund and a refused refund, and the customer's choice to pay on delivery.
 */
export function createOrdersPaymentMoves(core: OrdersCore) {
  const { deps, repository, machineOf, notificationsOf, withLines, staffMessages, moveInTransaction } = core;
  const paymentMoves = {
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
      if (!current || current.user_id !== userId || !paymentMoves.awaitsPayment(current)) return false;
      if (current.payment_method === 'on_delivery') return true;
      return repository.setPaymentMethod(orderId, userId, 'on_delivery', deps.now());
    },

    /** Whether an order is waiting for its payment (the system may still move it to `paid`). */
    awaitsPayment(order: Pick<OrderRecord, 'kind' | 'status' | 'payment_id'>): boolean {
      return order.payment_id === null && canTransition(machineOf(order.kind), order.status, 'paid', 'system');
    },
  };
  return paymentMoves;
}
