import type { Transaction } from 'kysely';
import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { LavkaEvent } from '../../platform/events.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { apiOrder } from './orders.api.view.ts';
import { createOrdersRepository } from './orders.repository.ts';
import { createOrdersPaymentMoves } from './orders.payment-moves.ts';
import { nextStatuses, type OrderActorRole } from './orders.status.ts';
import type { OrderRecord } from './orders.tables.ts';
import { OrdersError, placeOrderInputSchema, lineRow, inTransaction, FIRST_ORDER_NUMBER, type OrderActor, type Order, type PlaceOrderInput, type OutgoingMessage, type OrdersCore } from './orders.core.ts';

/**
 * An order's life: placing it, moving it through its kind's statuses, and telling the
 * customer; repricing, paying and refunding come from {@link createOrdersPaymentMoves}.
 */
export function createOrdersLifecycle(core: OrdersCore) {
  const { deps, repository, heldEvents, kindOf, machineOf, notificationsOf, withLines, staffMessages, checkMove, moveInTransaction, customerNotice } = core;
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
        // What the kind's own work publishes (its first moves) follows order.created.
        const held: LavkaEvent[] = [];
        heldEvents.set(trx, held);
        try {
          if (options.inTransaction) {
            await options.inTransaction(trx, order);
            order = await withLines((await scoped.findById(row.id)) as OrderRecord, scoped);
          }
        } finally {
          heldEvents.delete(trx);
        }
        const placed = order;
        await enqueueOutbox(trx, await staffMessages(trx, placed, (locale) => notificationsOf(placed.kind).staffNewOrder(trx, placed, locale), 'new'), nowMs);
        const extra = (await kindOf(placed.kind).createdEventData?.(trx, placed)) ?? {};
        await deps.events.publish(trx, { type: 'order.created', resource: { type: 'order', id: placed.id }, data: { order: apiOrder(placed), ...extra } });
        for (const event of held) await deps.events.publish(trx, event);
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

    /** Where `role` may move the order next. */
    nextStatuses(order: Pick<OrderRecord, 'kind' | 'status'>, role: OrderActorRole): string[] {
      return nextStatuses(machineOf(order.kind), order.status, role);
    },

    ...createOrdersPaymentMoves(core),
  };
  return lifecycle;
}
