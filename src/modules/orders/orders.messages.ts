import type { Locale } from '../../config/business.ts';
import { formatDateTime } from '../../config/dates.ts';
import { formatMoney } from '../../config/money.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { lineLabel } from './orders.lines.ts';
import type { Order, OrderActor, OrderDetail, OrderNotifications, OrderPaymentReceipt, OutgoingText } from './orders.service.ts';
import { nextStatuses, type StatusMachine } from './orders.status.ts';

/** Callback data of a staff button moving order `orderId` from `from` to `to`. */
export function staffStatusData(orderId: number, from: string, to: string): string {
  return `orders:st:${orderId}:${from}:${to}`;
}

/** Callback data that opens a customer's order `orderId` (from page `page` of their list). */
export function customerOrderData(orderId: number, page = 1): string {
  return `orders:o:${orderId}:${page}`;
}

/**
 * The message id naming an order's payment method. Manual transfers are stored with their
 * variant (`manual.card_ru`); one word covers them all.
 */
export function paymentMethodKey(method: string): string {
  return `orders-payment-${method.startsWith('manual.') ? 'manual' : method}`;
}

/**
 * The pickup point of an order in `locale`: the name kept per language when it was placed
 * (`details.pickupPointNames`), else the one stored (the business's language).
 */
export function pickupPointIn(order: Pick<Order, 'pickup_point' | 'details'>, locale: Locale): string | null {
  try {
    const names = (JSON.parse(order.details ?? 'null') as { pickupPointNames?: Partial<Record<Locale, unknown>> } | null)?.pickupPointNames;
    const name = names?.[locale];
    if (typeof name === 'string' && name) return name;
  } catch {
    // Details that are not JSON name no point: the stored name stands.
  }
  return order.pickup_point;
}

/** Texts about orders, shared by the bot (direct replies) and the outbox (notifications). */
export function createOrderMessages(deps: {
  i18n: Translator;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  staffLocale: Locale;
  machineOf(kind: string): StatusMachine;
}) {
  const { i18n } = deps;

  const dateTime = (ms: number, locale: Locale) => formatDateTime(ms, locale, deps.timeZone());

  const messages = {
    statusLabel(status: string, locale: Locale): string {
      return i18n.t(locale, `order-status-${status}`);
    },

    dateTime,

    /** The lines, in the reader's language, and the total, one per row. */
    linesText(order: Order, locale: Locale): string {
      const rows = order.lines.map((line) => {
        const name = lineLabel(line, locale);
        const total = formatMoney(line.total_minor, order.currency, locale);
        if (line.line_kind === 'fee') return `${name} — ${total}`;
        return `• ${name} × ${line.quantity} — ${total}`;
      });
      rows.push(i18n.t(locale, 'orders-total', { total: formatMoney(order.total_minor, order.currency, locale) }));
      return rows.join('\n');
    },

    /** A payment method in words: `on_delivery`, `online`, or the payments method that paid. */
    paymentMethodText(method: string, locale: Locale): string {
      const key = paymentMethodKey(method);
      return i18n.has(locale, key) ? i18n.t(locale, key) : method;
    },

    /** How the order is paid, one line: the method, and the payment when it was paid online. */
    paymentText(order: Order, locale: Locale): string {
      const method = messages.paymentMethodText(order.payment_method, locale);
      return order.payment_id === null ? i18n.t(locale, 'orders-payment', { method }) : i18n.t(locale, 'orders-payment-paid', { method, id: String(order.payment_id) });
    },

    /** How the order reaches the customer, one line. */
    deliveryText(order: Order, locale: Locale): string | undefined {
      if (order.delivery_method === 'pickup') return i18n.t(locale, 'orders-delivery-pickup', { point: pickupPointIn(order, locale) ?? '—' });
      if (order.delivery_method === 'courier') return i18n.t(locale, 'orders-delivery-courier', { address: order.delivery_address ?? '—' });
      return undefined;
    },

    /** What staff see about an order, in the reader's language (the business's by default): everything needed to fulfil it. */
    staffCardText(order: Order, locale: Locale = deps.staffLocale): string {
      const lines = [
        i18n.t(locale, 'orders-staff-card-title', { number: order.number, status: messages.statusLabel(order.status, locale) }),
        i18n.t(locale, 'orders-staff-customer', { name: order.contact_name, id: order.user_id }),
      ];
      if (order.contact_phone) lines.push(i18n.t(locale, 'orders-phone', { phone: order.contact_phone }));
      const delivery = messages.deliveryText(order, locale);
      if (delivery) lines.push(delivery);
      lines.push(messages.paymentText(order, locale));
      if (order.comment) lines.push(i18n.t(locale, 'orders-comment', { comment: order.comment }));
      lines.push('', messages.linesText(order, locale), '', i18n.t(locale, 'orders-placed-at', { at: dateTime(order.created_at, locale) }));
      return lines.join('\n');
    },

    /** Buttons moving the order to each status staff may choose next, labelled in `locale`. */
    staffKeyboard(order: Order, locale: Locale = deps.staffLocale): OutgoingText['reply_markup'] {
      const targets = nextStatuses(deps.machineOf(order.kind), order.status, 'staff');
      const rows: { text: string; callback_data: string }[][] = [];
      for (let index = 0; index < targets.length; index += 2) {
        rows.push(
          targets.slice(index, index + 2).map((to) => ({
            text: i18n.t(locale, `orders-action-${to}`),
            callback_data: staffStatusData(order.id, order.status, to),
          })),
        );
      }
      return { inline_keyboard: rows };
    },

    /** What the customer sees when opening one of their orders. */
    customerDetailText(order: OrderDetail, locale: Locale): string {
      const lines = [
        i18n.t(locale, 'orders-detail-title', { number: order.number, status: messages.statusLabel(order.status, locale) }),
        i18n.t(locale, 'orders-placed-at', { at: dateTime(order.created_at, locale) }),
        '',
        messages.linesText(order, locale),
      ];
      const delivery = messages.deliveryText(order, locale);
      lines.push('');
      if (delivery) lines.push(delivery);
      lines.push(messages.paymentText(order, locale), '', i18n.t(locale, 'orders-history'));
      for (const change of order.history) lines.push(`${dateTime(change.at, locale)} — ${messages.statusLabel(change.to_status, locale)}`);
      return lines.join('\n');
    },

    /** What the customer is asked to pay for: the lines, the total and how it reaches them. */
    paymentSummaryText(order: Order, locale: Locale): string {
      const lines = [i18n.t(locale, 'orders-pay-heading', { number: order.number }), '', messages.linesText(order, locale)];
      const delivery = messages.deliveryText(order, locale);
      if (delivery) lines.push(delivery);
      return lines.join('\n');
    },

    /** The order notifications: each staff text in the language of the chat it goes to. */
    notifications(): OrderNotifications {
      const amountOf = (payment: OrderPaymentReceipt, staff: Locale) => formatMoney(payment.amountMinor, payment.currency, staff);
      return {
        staffNewOrder: (order, staff) => ({
          text: `${i18n.t(staff, 'orders-staff-new')}\n\n${messages.staffCardText(order, staff)}`,
          reply_markup: messages.staffKeyboard(order, staff),
        }),
        customerStatusChanged: (order, locale) => ({
          text: i18n.t(locale, 'orders-notify-status', { number: order.number, status: messages.statusLabel(order.status, locale) }),
          reply_markup: { inline_keyboard: [[{ text: i18n.t(locale, 'orders-open'), callback_data: customerOrderData(order.id) }]] },
        }),
        staffStatusChanged: (order: Order, actor: OrderActor, staff: Locale) => {
          const text = i18n.t(staff, 'orders-staff-customer-changed', {
            number: order.number,
            status: messages.statusLabel(order.status, staff),
            actor: String(actor.id ?? '—'),
          });
          // A paid order the customer cancelled still holds their money: say how to return it.
          if (order.status !== 'cancelled' || order.payment_id === null) return { text };
          return { text: `${text}\n${i18n.t(staff, 'orders-staff-cancelled-paid', { id: String(order.payment_id) })}` };
        },
        staffOrderPaid: (order, payment, staff) => ({
          text: `${i18n.t(staff, 'orders-staff-paid', { number: order.number, amount: amountOf(payment, staff), id: String(payment.paymentId) })}\n\n${messages.staffCardText(order, staff)}`,
          reply_markup: messages.staffKeyboard(order, staff),
        }),
        staffExtraPayment: (order, payment, staff) => ({
          text: i18n.t(staff, 'orders-staff-extra-payment', {
            number: order.number,
            amount: amountOf(payment, staff),
            id: String(payment.paymentId),
            status: messages.statusLabel(order.status, staff),
          }),
        }),
        staffRefundRefused: (order, paymentId, staff) => ({
          text: i18n.t(staff, 'orders-staff-refund-refused', { number: order.number, id: String(paymentId), status: messages.statusLabel(order.status, staff) }),
        }),
      };
    },
  };
  return messages;
}

/** The order texts' shape. */
export type OrderMessages = ReturnType<typeof createOrderMessages>;
