import { z } from 'zod';
import { localeOr, type Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { MethodOption, PaymentsService } from '../payments/payments.service.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { lineLabel } from './orders.lines.ts';
import type { OrderMessages } from './orders.messages.ts';
import type { Order, OrdersService } from './orders.service.ts';

/** The payment purpose under which orders are paid; the ref is the order id. */
export const ORDER_PURPOSE = 'order';

/** Settings under `settings.orders.payment` in the business config. */
export const orderPaymentSettingsSchema = z
  .object({
    /**
     * The payments methods orders may be paid with (`stars`, `card`, `qr`, `heleket`,
     * `manual`), among those `settings.payments` configures; empty: all of them.
     */
    methods: z.array(z.string().regex(/^[a-z0-9_.]{1,24}$/)).max(20).default([]),
    /**
     * What one Telegram Star is worth in minor units of the business currency (1000 = 10 ₸);
     * unset: no Stars. Stars pay only for orders whose every product is marked digital
     * (Telegram's payment rules): physical goods are paid by card, QR, transfer or on delivery.
     */
    minorPerStar: z.number().int().min(1).optional(),
    /** Orders that would cost more Stars than this are not offered Stars (Telegram caps an invoice). */
    maxStars: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Whether customers may pay on delivery (to the courier or at the pickup point). */
    onDelivery: z.boolean().default(true),
  })
  .prefault({});

/** Validated order payment settings. */
export type OrderPaymentSettings = z.infer<typeof orderPaymentSettingsSchema>;

/** The payments method id of a payment, as orders store it (`stars`, `manual.card_ru` …). */
export function paymentMethodOf(payment: Pick<PaymentRecord, 'provider' | 'variant'>): string {
  switch (payment.provider) {
    case 'telegram_stars':
      return 'stars';
    case 'telegram_card':
      return 'card';
    case 'manual':
      return payment.variant ? `manual.${payment.variant}` : 'manual';
    default:
      return payment.provider;
  }
}

/** Dependencies of {@link createOrderPayments}. */
export interface OrderPaymentsDeps {
  orders: OrdersService;
  messages: OrderMessages;
  i18n: Translator;
  settings: OrderPaymentSettings;
  /** The business currency: Stars are priced from amounts in it. */
  currency: string;
  /** The kind of order customers pay for in the bot (`shop`). */
  kind: string;
  defaultLocale: Locale;
}

/**
 * Paying for orders through the payments module, when it is enabled: the `order` purpose
 * (the quote re-reads the order, a settled payment marks it paid, a refund marks it
 * refunded, all in the payment's transaction) and what the bot screens need to offer it.
 * Without payments every order is paid on delivery, as before.
 */
export function createOrderPayments(deps: OrderPaymentsDeps) {
  const { orders, i18n, settings } = deps;
  let payments: PaymentsService | undefined;
  // Set by the module that sells catalogue products (cart); without it every order is physical.
  let digitalProducts: ((productIds: readonly number[]) => Promise<ReadonlySet<number>>) | undefined;

  /** An order is digital only when it has products and every one of them is digital; fees do not count. */
  const isDigital = async (order: Order): Promise<boolean> => {
    const goods = order.lines.filter((line) => line.line_kind !== 'fee');
    if (!digitalProducts || goods.length === 0 || goods.some((line) => line.line_kind !== 'product' || line.product_id === null)) return false;
    const digital = await digitalProducts(goods.map((line) => line.product_id as number));
    return goods.every((line) => digital.has(line.product_id as number));
  };

  /** The order's price in Stars, or undefined when Stars cannot pay it. */
  const starsFor = (order: Order): number | undefined => {
    if (settings.minorPerStar === undefined || order.currency !== deps.currency) return undefined;
    const stars = Math.max(1, Math.ceil(order.total_minor / settings.minorPerStar));
    return stars <= settings.maxStars ? stars : undefined;
  };

  /** Invoice description: what is being bought, in the payer's language, in at most 255 characters. */
  const describe = (order: Order, locale: Locale): string => {
    const text = order.lines
      .filter((line) => line.line_kind !== 'fee')
      .map((line) => `${lineLabel(line, locale)} × ${line.quantity}`)
      .join(', ');
    return text.length <= 255 ? text : `${text.slice(0, 254)}…`;
  };

  const purpose: PaymentPurpose = {
    name: ORDER_PURPOSE,
    // Shop goods are physical unless every product of the order is marked digital.
    goods: 'mixed',

    // Called when the methods are shown, when a payment opens, and again at pre-checkout, so
    // an order cancelled, paid or repriced meanwhile is refused before anyone is charged.
    async quote(ref, userId, locale) {
      if (!/^\d{1,12}$/.test(ref)) return undefined;
      const order = await orders.get(Number(ref));
      if (!order || order.user_id !== userId || order.kind !== deps.kind || order.total_minor <= 0 || !orders.awaitsPayment(order)) return undefined;
      const stars = starsFor(order);
      return {
        title: i18n.t(locale, 'orders-pay-title', { number: order.number }).slice(0, 32),
        description: describe(order, locale),
        fiat: { amountMinor: order.total_minor, currency: order.currency },
        ...(stars === undefined ? {} : { stars }),
        ...(settings.methods.length > 0 ? { methods: settings.methods } : {}),
        digital: await isDigital(order),
      };
    },

    async onPaid(trx, payment) {
      const locale = localeOr(payment.locale, deps.defaultLocale);
      const result = await orders.markPaid(trx, Number(payment.purpose_ref), {
        paymentId: payment.id,
        method: paymentMethodOf(payment),
        amountMinor: payment.amount_minor,
        currency: payment.currency,
        locale,
      });
      // An order that does not exist cannot be marked; the payments module's own notice stands.
      if (!result) return;
      const variables = { number: result.order.number, amount: formatMoney(payment.amount_minor, payment.currency, locale), id: String(payment.id) };
      return { text: i18n.t(locale, result.outcome === 'paid' ? 'orders-paid-notice' : 'orders-paid-extra', variables) };
    },

    // An expired, declined or failed payment leaves the order as it was: still unpaid, with its
    // "Pay" button, so the customer can try again or pay on delivery.
    async onClosed() {},

    async onRefunded(trx, payment, actor) {
      await orders.markRefunded(trx, Number(payment.purpose_ref), {
        paymentId: payment.id,
        actor: actor.type === 'admin' ? { role: 'staff', id: actor.id } : { role: 'system' },
        locale: localeOr(payment.locale, deps.defaultLocale),
      });
    },

    async onRefundCancelled(trx, payment) {
      await orders.refundRefused(trx, Number(payment.purpose_ref), payment.id);
    },
  };

  return {
    settings,
    purpose,

    /** Tells which catalogue products are digital, so orders made only of them may be paid in Stars. */
    useDigitalProducts(lookup: (productIds: readonly number[]) => Promise<ReadonlySet<number>>): void {
      digitalProducts = lookup;
    },

    /**
     * Turns online payment on: registers the `order` purpose with the payments service.
     * Called once payments is set up; a second call changes nothing.
     */
    connect(service: PaymentsService): void {
      if (payments) return;
      payments = service;
      service.registerPurpose(purpose);
    },

    /** The payments made or tried for an order, oldest first (none when payments is off). */
    async paymentsOf(orderId: number): Promise<PaymentRecord[]> {
      return payments ? payments.listForPurpose(ORDER_PURPOSE, String(orderId)) : [];
    },

    /** Whether orders can be paid online (the payments module is enabled). */
    isOnline(): boolean {
      return payments !== undefined;
    },

    /** The payment method a new order starts with: on delivery, unless the owner wants payment up front. */
    initialMethod(): 'on_delivery' | 'online' {
      return payments && !settings.onDelivery ? 'online' : 'on_delivery';
    },

    /** Whether the customer may choose to pay on delivery. */
    offersOnDelivery(): boolean {
      return !payments || settings.onDelivery;
    },

    /**
     * The methods `userId` can pay `order` with now (paused ones included, marked unavailable),
     * or undefined when it cannot be paid online: payments off, not theirs, not waiting for payment.
     */
    async methods(order: Order, userId: number, locale: Locale): Promise<MethodOption[] | undefined> {
      if (!payments || !orders.awaitsPayment(order)) return undefined;
      return (await payments.offer(ORDER_PURPOSE, String(order.id), userId, locale))?.methods;
    },

    /** What the customer is asked to pay for: the lines, the total and the delivery. */
    summary(order: Order, locale: Locale): string {
      return deps.messages.paymentSummaryText(order, locale);
    },

    /**
     * Staff refund a paid order: when a payment paid it, the payment is refunded (Stars go
     * back through Telegram) and its refund moves the order; otherwise the order is simply
     * marked refunded. Returns how the money went back.
     */
    async refund(order: Order, staffId: number | string): Promise<'payment' | 'status'> {
      if (payments && order.payment_id !== null) {
        await payments.refund(order.payment_id, { type: 'admin', id: staffId });
        return 'payment';
      }
      await orders.changeStatus(order.id, 'refunded', { role: 'staff', id: staffId }, { expectedFrom: order.status });
      return 'status';
    },
  };
}

/** Paying for orders: the purpose and what the bot screens need. */
export type OrderPayments = ReturnType<typeof createOrderPayments>;
