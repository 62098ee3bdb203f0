import { isPaymentsError } from '../payments/payments.errors.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import {
  QUOTABLE_STATUSES,
  isPaidStatus,
} from './custom-orders.status.ts';
import { CustomOrdersError, translated, type Actor, type CustomOrder, type CustomOrdersCore } from './custom-orders.core.ts';

/** Statuses: moving an order along the machine, and refunding a paid one that staff stop. */
function createCustomOrdersStatusChanges(core: CustomOrdersCore) {
  const { deps, orders, load, asPrintJob } = core;
  const progress = {
    /**
     * Moves an order along the machine if `actor` may. Prices are set with
     * {@link adjustQuote} and accepted with {@link acceptQuote}, not here. Staff stopping a
     * paid order (to `refunded`, or `cancelled` as the panel may say it) refund it first:
     * see {@link refundOrder}. `expectedFrom` guards against a stale button:
     * `custom_orders.status_changed` and nothing changes.
     */
    async changeStatus(orderId: number, to: string, actor: Actor, options: { expectedFrom?: string; note?: string } = {}): Promise<CustomOrder> {
      const current = await load(orderId);
      if (actor.role === 'customer' && String(current.user_id) !== String(actor.id)) {
        throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      }
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      if (actor.role === 'staff' && isPaidStatus(current.status) && (to === 'refunded' || to === 'cancelled')) {
        return (await progress.refundOrder(orderId, actor, { expectedFrom: current.status, note: options.note })).order;
      }
      if (to === 'quoted' || to === 'awaiting_payment') {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `${to} is reached by giving or accepting a price`, { orderId, from: current.status, to });
      }
      await asPrintJob(() => orders.changeStatus(orderId, to, actor, { expectedFrom: current.status, note: options.note }));
      return load(orderId);
    },

    /**
     * Staff stop a paid order and give the money back. When a payment paid it, that payment
     * is refunded through the payments module (Stars go back through Telegram), and the
     * refund moves the order to `refunded` in its own transaction, with the customer's
     * notification; a second press finds the order refunded and changes nothing. An order
     * marked paid by hand is marked refunded, the money going back the same way.
     * `refundPending` is true while Telegram has not confirmed yet (Lavka keeps trying).
     */
    async refundOrder(orderId: number, actor: Actor, options: { expectedFrom?: string; note?: string } = {}): Promise<{ order: CustomOrder; refundPending: boolean }> {
      const current = await load(orderId);
      if (options.expectedFrom !== undefined && options.expectedFrom !== current.status) {
        throw new CustomOrdersError('custom_orders.status_changed', 'the order has moved since', { orderId, status: current.status });
      }
      if (actor.role !== 'staff' || !isPaidStatus(current.status)) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `an order that is ${current.status} cannot be refunded`, { orderId, from: current.status, to: 'refunded' });
      }
      if (current.payment_id === null) {
        await asPrintJob(() => orders.changeStatus(orderId, 'refunded', actor, { expectedFrom: current.status, note: options.note }));
        return { order: await load(orderId), refundPending: false };
      }
      let refundPending = false;
      try {
        await deps.payments.refund(current.payment_id, { type: 'admin', id: actor.id });
      } catch (error) {
        if (isPaymentsError(error, 'payments.refund_failed') && error.details.retrying === true) {
          refundPending = true;
        } else if (isPaymentsError(error, 'payments.already_handled') || isPaymentsError(error, 'payments.not_refundable')) {
          // Another press (or another staff member) is refunding it right now, or did.
          const now = await load(orderId);
          throw new CustomOrdersError('custom_orders.status_changed', 'the order is being refunded already', { orderId, status: now.status });
        } else if (isPaymentsError(error)) {
          // Telegram refused for good: the payments module alerted staff to settle it by hand.
          throw new CustomOrdersError('custom_orders.refund_failed', error.message, { orderId, paymentId: current.payment_id, reason: error.code });
        } else {
          throw translated(error);
        }
      }
      return { order: await load(orderId), refundPending };
    },
  };
  return progress;
}

/** Prices and messages: staff set a new price, the customer accepts it, staff write to the customer. */
function createCustomOrdersPricing(core: CustomOrdersCore) {
  const { deps, orders, viewIn, load, linesFor, asPrintJob } = core;
  return {
    /**
     * Staff set a price (first one for a manual quote, or a correction). The order's line and
     * total are rewritten, it goes to `quoted`, and the customer is asked to accept; an
     * invoice for the old price is no longer honoured, because payments name the quote version.
     */
    async adjustQuote(orderId: number, totalMinor: number, actor: Actor, options: { note?: string; expectedVersion?: number } = {}): Promise<CustomOrder> {
      if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) {
        throw new CustomOrdersError('custom_orders.invalid_amount', 'the price must be a positive amount', { totalMinor });
      }
      const current = await load(orderId);
      if (!(QUOTABLE_STATUSES as readonly string[]).includes(current.status)) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `the price cannot change once the order is ${current.status}`, { status: current.status });
      }
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.quote_version) {
        throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { version: current.quote_version });
      }
      const locale = await deps.localeOf(current.user_id);
      return asPrintJob(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCustomOrdersRepository(trx);
          const nowMs = deps.now();
          const version = Math.max(current.quote_version, await scoped.lastQuoteVersion(orderId)) + 1;
          if (!(await scoped.moveQuoteVersion(orderId, current.quote_version, version))) {
            throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { orderId });
          }
          await scoped.insertQuote({
            order_id: orderId,
            version,
            total_minor: totalMinor,
            breakdown: null,
            actor_type: actor.role,
            actor_id: actor.id === undefined ? null : String(actor.id),
            note: options.note?.slice(0, 500) ?? null,
            created_at: nowMs,
            accepted_at: null,
          });
          const repriced = await orders.reprice(trx, orderId, linesFor(current, totalMinor), QUOTABLE_STATUSES);
          // Back to `quoted` tells the customer through the orders service (a new price always goes).
          const moved = current.status === 'quoted' ? repriced : await orders.transition(trx, orderId, 'quoted', actor, { expectedFrom: current.status, note: options.note, locale });
          const order = await viewIn(trx, moved);
          if (!order) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
          // Already waiting for an answer: no status changes, so the new price is told directly.
          if (current.status === 'quoted') await orders.notifyCustomer(trx, order, deps.texts.newPrice(order, locale, options.note), `quote:${version}`);
          return order;
        }),
      );
    },

    /** The customer accepts the current price (`version` guards against an older message): → awaiting payment. */
    async acceptQuote(orderId: number, userId: number, version: number): Promise<CustomOrder> {
      const current = await load(orderId);
      if (current.user_id !== userId) throw new CustomOrdersError('custom_orders.not_found', 'no such order', { orderId });
      if (current.quote_version !== version) {
        throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { version: current.quote_version });
      }
      if (current.status !== 'quoted' || current.quote_version === 0) {
        throw new CustomOrdersError('custom_orders.transition_not_allowed', `the order is ${current.status}`, { status: current.status });
      }
      const locale = await deps.localeOf(userId);
      return asPrintJob(() =>
        deps.db.transaction().execute(async (trx) => {
          const scoped = createCustomOrdersRepository(trx);
          // Claims the price: a new one set at this moment makes one of the two fail.
          if (!(await scoped.moveQuoteVersion(orderId, version, version))) {
            throw new CustomOrdersError('custom_orders.quote_outdated', 'the price has changed since', { orderId });
          }
          await scoped.markQuoteAccepted(orderId, version, deps.now());
          // Staff hear that the customer accepted through the orders service's staff notice.
          const order = await orders.transition(trx, orderId, 'awaiting_payment', { role: 'customer', id: userId }, { expectedFrom: 'quoted', locale });
          return (await viewIn(trx, order)) as CustomOrder;
        }),
      );
    },

    /** Sends the customer a message from staff about their order, through the outbox. */
    async messageCustomer(orderId: number, text: string): Promise<CustomOrder> {
      const order = await load(orderId);
      const trimmed = text.trim().slice(0, 3000);
      if (!trimmed) throw new CustomOrdersError('custom_orders.empty_message', 'the message is empty');
      const locale = await deps.localeOf(order.user_id);
      await orders.notifyCustomer(deps.db, order, deps.texts.staffMessage(order, locale, trimmed));
      return order;
    },
  };
}

/** A job moving on: statuses, refunds when a paid job stops, new prices and their acceptance, messages to the customer. */
export function createCustomOrdersProgress(core: CustomOrdersCore) {
  return { ...createCustomOrdersStatusChanges(core), ...createCustomOrdersPricing(core) };
}
