import { localeOr, type Locale } from '../../config/business.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { paymentMethodOf } from '../orders/orders.payments.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { clip, type CustomOrderMessages } from './custom-orders.messages.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { parsePrintRef, type CustomOrdersService } from './custom-orders.service.ts';
import type { CustomOrdersSettings } from './custom-orders.settings.ts';
import { PRINT_KIND } from './custom-orders.status.ts';

/** The payment purpose print jobs are paid under; the ref is `<order id>_<quote version>`. */
export const PRINT_PURPOSE = 'print';

/** Dependencies of {@link createPrintPurpose}. */
export interface PrintPurposeDeps {
  service: CustomOrdersService;
  orders: OrdersService;
  messages: CustomOrderMessages;
  i18n: Translator;
  settings: CustomOrdersSettings;
  defaultLocale: Locale;
}

/**
 * Paying for a print job through the payments module. The ref names the order and the quote
 * version the customer accepted, so a price changed since is never charged: the quote is
 * given only while the order awaits payment at that very version (pre-checkout asks again
 * and is refused with "the price has changed"). A settled payment moves the order to `paid`
 * inside the payment's transaction; one that arrives for an order that moved meanwhile is
 * recorded as received and staff are asked to return it. A refund of the payment that paid
 * the job moves it to `refunded`. A printed part is a physical good: Telegram's payment rules
 * forbid paying it in Stars, so it is paid by card, QR, transfer or in cash.
 */
export function createPrintPurpose(deps: PrintPurposeDeps): PaymentPurpose {
  const { service, orders, i18n, settings } = deps;

  /** The order and version of `ref` when it is `userId`'s print job, else undefined. */
  const jobOf = async (ref: string, userId: number) => {
    const parsed = parsePrintRef(ref);
    const order = parsed ? await service.get(parsed.orderId) : undefined;
    return parsed && order && order.user_id === userId ? { order, version: parsed.version } : undefined;
  };

  return {
    name: PRINT_PURPOSE,
    goods: 'physical',

    // Called when the methods are shown, when a payment opens, and again at pre-checkout.
    async quote(ref, userId, locale) {
      const found = await jobOf(ref, userId);
      if (!found) return undefined;
      const { order, version } = found;
      if (order.status !== 'awaiting_payment' || order.quote_version !== version || order.total_minor <= 0 || !orders.awaitsPayment(order)) return undefined;
      return {
        title: clip(i18n.t(locale, 'co-invoice-title', { number: order.number }), 32),
        description: clip(i18n.t(locale, 'co-invoice-description', { choice: deps.messages.choiceText(order, locale), files: order.files.length }), 255),
        fiat: { amountMinor: order.total_minor, currency: order.currency },
        ...(settings.paymentMethods.length > 0 ? { methods: settings.paymentMethods } : {}),
      };
    },

    // An invoice for an older price of a job that has a newer one: say so, not "unavailable".
    async refusal(ref, userId) {
      const found = await jobOf(ref, userId);
      return found && found.order.quote_version > found.version && ['quoted', 'awaiting_payment'].includes(found.order.status) ? 'payments.price_changed' : 'payments.not_payable';
    },

    async onPaid(trx, payment) {
      const parsed = parsePrintRef(payment.purpose_ref);
      if (!parsed) return;
      const locale = localeOr(payment.locale, deps.defaultLocale);
      const result = await orders.markPaid(
        trx,
        parsed.orderId,
        { paymentId: payment.id, method: paymentMethodOf(payment), amountMinor: payment.amount_minor, currency: payment.currency, locale },
        {
          // Still waiting at the price this payment was opened for (methods without pre-checkout can arrive late).
          stillDue: async (current, scoped) =>
            current.kind === PRINT_KIND && current.status === 'awaiting_payment' && (await createCustomOrdersRepository(scoped).findJob(parsed.orderId))?.quote_version === parsed.version,
        },
      );
      // An order that does not exist cannot be marked; the payments module's own notice stands.
      if (!result) return;
      return { text: i18n.t(locale, result.outcome === 'paid' ? 'co-paid' : 'co-paid-unexpected', { number: result.order.number }) };
    },

    // An expired, declined or failed payment leaves the job waiting, with its "Pay" button.
    async onClosed() {},

    async onRefunded(trx, payment, actor) {
      const parsed = parsePrintRef(payment.purpose_ref);
      if (!parsed) return;
      await orders.markRefunded(trx, parsed.orderId, {
        paymentId: payment.id,
        actor: actor.type === 'admin' ? { role: 'staff', id: actor.id } : { role: 'system' },
        locale: localeOr(payment.locale, deps.defaultLocale),
      });
    },

    async onRefundCancelled(trx, payment) {
      const parsed = parsePrintRef(payment.purpose_ref);
      if (parsed) await orders.refundRefused(trx, parsed.orderId, payment.id);
    },
  };
}
