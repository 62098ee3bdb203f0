import { enqueueOutbox } from '../../delivery/outbox.ts';
import { scheduleJob } from '../../delivery/scheduler.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { starsOrderNumber } from './stars.messages.ts';
import { createStarsRepository } from './stars.repository.ts';
import { FULFIL_JOB, STARS_PURPOSE, StarsError, type StarsCore } from './stars.core.ts';

/** Paying for a purchase: the payment purpose (quote, staff card, paid, closed, refunded). */
export function createStarsPurpose(core: StarsCore) {
  const { deps, i18n, settings, repository, staffCardOf, localeOf, customerNotice, move } = core;
  const purpose: PaymentPurpose = {
    name: STARS_PURPOSE,
    // Telegram Stars delivered to an account are a digital good.
    goods: 'digital',
    async quote(ref, userId, locale) {
      const order = /^\d{1,12}$/.test(ref) ? await repository.find(Number(ref)) : undefined;
      if (!order || order.user_id !== userId || order.status !== 'awaiting_payment') return undefined;
      return {
        title: i18n.t(locale, 'stars-invoice-title', { stars: order.stars }),
        description: i18n.t(locale, 'stars-invoice-description', { stars: order.stars, recipient: `@${order.recipient}`, id: starsOrderNumber(order) }),
        fiat: { amountMinor: order.price_minor, currency: order.currency },
        methods: settings.methods,
        units: order.stars,
      };
    },
    async staffCard(payment, locale) {
      const order = /^\d{1,12}$/.test(payment.purpose_ref) ? await repository.find(Number(payment.purpose_ref)) : undefined;
      return order ? (await staffCardOf(order, payment.id))(locale) : undefined;
    },
    async staffSubject(payment, locale) {
      const order = /^\d{1,12}$/.test(payment.purpose_ref) ? await repository.find(Number(payment.purpose_ref)) : undefined;
      return order ? i18n.t(locale, 'stars-payment-subject', { number: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) : undefined;
    },
    async onPaid(trx, payment) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) throw new StarsError('stars.not_found', `order ${payment.purpose_ref} is gone`);
      const paid = await move(trx, order, ['awaiting_payment', 'expired'], 'paid', { type: 'system' }, { payment_id: payment.id, paid_at: deps.now() }, `payment #${payment.id}`, payment);
      if (!paid) return { text: i18n.t(await localeOf(trx, order), 'stars-status-paid', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) };
      await scheduleJob(trx, { kind: FULFIL_JOB, payload: { orderId: order.id }, runAt: deps.now(), dedupeKey: `stars:fulfil:${order.id}` }, deps.now());
      return { text: i18n.t(await localeOf(trx, order), 'stars-status-paid', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) };
    },
    async onClosed(trx, payment, outcome) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      const expired = await move(trx, order, ['awaiting_payment'], 'expired', { type: 'system' }, {}, `payment #${payment.id} ${outcome}`);
      // A declined transfer was already explained to the customer, with the admin's reason.
      if (expired && outcome !== 'declined') await enqueueOutbox(trx, await customerNotice(trx, expired, 'expired'), deps.now());
    },
    async onRefunded(trx, payment, actor) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      if (order.status === 'delivered') throw new StarsError('stars.already_delivered', 'the Stars were already delivered', { orderId: order.id });
      const refunded = await move(trx, order, ['paid', 'delivering', 'failed'], 'refunded', { type: actor.type, id: actor.id }, {}, `payment #${payment.id} refunded`);
      if (refunded) await enqueueOutbox(trx, await customerNotice(trx, refunded, 'refunded'), deps.now());
    },
  };

  return { purpose };
}
