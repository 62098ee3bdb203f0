import { type Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { scheduleJob } from '../../delivery/scheduler.ts';
import { escapeHtml, starsOrderNumber } from './stars.messages.ts';
import { type StarsOrder } from './stars.tables.ts';
import { FULFIL_JOB, StarsError, type StarsActor, type StarsCore } from './stars.core.ts';

/** Delivering paid Stars: the fulfilment step, delivered or failed, staff retries, and closing unpaid orders. */
export function createStarsFulfilment(core: StarsCore) {
  const { deps, db, i18n, settings, repository, staffCardOf, customerNotice, move, staff, callHook } = core;
  return {
    /** The fulfilment step for a paid order (the scheduled job): ask an admin, or call the hook. */
    async fulfil(orderId: number): Promise<StarsOrder | undefined> {
      const order = await repository.find(orderId);
      if (!order) return undefined;
      const fulfilment = settings.fulfilment;
      if (order.status === 'paid') {
        const card = fulfilment.mode === 'admin' ? await staffCardOf(order) : undefined;
        const moved = await db.transaction().execute(async (trx) => {
          const delivering = await move(trx, order, ['paid'], 'delivering', { type: 'system' });
          if (!delivering) return undefined;
          const messages = [await customerNotice(trx, delivering, 'delivering')];
          if (card) {
            const text = (locale: Locale) =>
              `${i18n.t(locale, 'stars-staff-deliver', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${escapeHtml(order.recipient)}`, amount: formatMoney(order.price_minor, order.currency, locale) })}\n\n${card(locale)}`;
            messages.push(...(await staff(trx, delivering, text, true)));
          }
          await enqueueOutbox(trx, messages, deps.now());
          return delivering;
        });
        if (!moved || fulfilment.mode === 'admin') return moved;
        return this.fulfil(orderId);
      }
      if (order.status !== 'delivering' || fulfilment.mode !== 'hook') return order;
      // Network errors and 5xx throw: the scheduler retries with backoff; the hook dedupes by idempotency_key.
      const outcome = await callHook(order, fulfilment);
      return outcome.status === 'delivered'
        ? this.markDelivered(order.id, { type: 'system' }, outcome.reference)
        : this.markFailed(order.id, { type: 'system' }, outcome.reason);
    },

    /** The Stars reached the recipient (admin confirmation or the hook's answer). */
    async markDelivered(orderId: number, actor: StarsActor, reference?: string): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const delivered = await move(trx, order, ['delivering'], 'delivered', actor, { delivered_at: deps.now(), fulfilment_ref: reference ?? null });
        if (!delivered) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        await enqueueOutbox(trx, await customerNotice(trx, delivered, 'delivered'), deps.now());
        return delivered;
      });
    },

    /** Delivery failed: the customer is told, staff decide between a retry and a refund. */
    async markFailed(orderId: number, actor: StarsActor, reason: string): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const failed = await move(trx, order, ['delivering'], 'failed', actor, { failure_reason: reason.slice(0, 300) }, reason);
        if (!failed) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        const text = (locale: Locale) => i18n.t(locale, 'stars-staff-delivery-failed', { id: starsOrderNumber(order), reason: escapeHtml(reason), payment: String(order.payment_id ?? '—') });
        await enqueueOutbox(trx, [await customerNotice(trx, failed, 'failed'), ...(await staff(trx, failed, text, false))], deps.now());
        return failed;
      });
    },

    /** Staff retry a failed delivery. */
    async retry(orderId: number, actor: StarsActor): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const paid = await move(trx, order, ['failed'], 'paid', actor, { failure_reason: null }, 'retry');
        if (!paid) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        await scheduleJob(trx, { kind: FULFIL_JOB, payload: { orderId }, runAt: deps.now(), dedupeKey: `stars:fulfil:${orderId}` }, deps.now());
        return paid;
      });
    },

    /** Closes unpaid orders past their time, telling the customer. */
    async expireStale(): Promise<number> {
      let closed = 0;
      for (const order of await repository.listExpired(deps.now(), 100)) {
        const done = await db.transaction().execute(async (trx) => {
          const expired = await move(trx, order, ['awaiting_payment'], 'expired', { type: 'system' }, {}, 'not paid in time');
          if (expired) await enqueueOutbox(trx, await customerNotice(trx, expired, 'expired'), deps.now());
          return Boolean(expired);
        });
        if (done) closed += 1;
      }
      return closed;
    },
  };
}
