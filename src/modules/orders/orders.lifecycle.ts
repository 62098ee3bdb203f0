import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { apiOrder } from './orders.api.view.ts';
import { createOrdersRepository } from './orders.repository.ts';
import { canTransition, nextStatuses, type OrderActorRole } from './orders.status.ts';
import type { OrderRecord } from './orders.tables.ts';
import { OrdersError, MAX_ORDER_LINES, orderLineInputSchema, placeOrderInputSchema, lineRow, inTransaction, FIRST_ORDER_NUMBER, type OrderActor, type Order, type OrderLineInput, type PlaceOrderInput, type OutgoingMessage, type OrderPaymentReceipt, type OrdersCore } from './orders.core.ts';

/** An order's life: placing it, moving it through its kind's statuses, repricing, paying and refunding, and telling the customer. */
export function createOrdersLifecycle(core: OrdersCore) {
  const { deps, repository, kindOf, machineOf, notificationsOf, withLines, staffMessages, checkMove, moveInTransaction, customerNotice } = core;
  const lifecycle = {
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
        await deps.events.publish(trx, { type: 'order.created', resource: { type: 'order', id: placed.id }, data: { order: apiOrder(placed) } });
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
      if (!current || current.user_id !== userId || !lifecycle.awaitsPayment(current)) return false;
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

  };
  return lifecycle;
}
