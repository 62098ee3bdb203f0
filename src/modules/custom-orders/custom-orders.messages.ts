import type { Locale } from '../../config/business.ts';
import { formatDateTime } from '../../config/dates.ts';
import { formatDurationMinutes } from '../../config/duration.ts';
import { formatMoney } from '../../config/money.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { TranslateVariables, Translator } from '../../telegram/i18n.ts';
import type { KindNotifications, Order, OrderChange, OrderPaymentReceipt, OutgoingMessage } from '../orders/orders.service.ts';
import type { OrderStatusChangeRecord } from '../orders/orders.tables.ts';
import type { CustomOrder, CustomOrderTexts, OrderFile } from './custom-orders.service.ts';
import { localised, type CustomOrdersSettings } from './custom-orders.settings.ts';
import { nextStatuses } from './custom-orders.status.ts';
import type { MeshMeasurements } from './mesh/measure.ts';
import type { Quote } from './quote.ts';

/** An inline keyboard as plain data, for outbox payloads and grammY alike. */
export interface Keyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

/** Callback data of the buttons this module draws; every one fits Telegram's 64 bytes. */
export const callbackData = {
  staffStatus: (orderId: number, from: string, to: string) => `co:st:${orderId}:${from}:${to}`,
  staffQuote: (orderId: number) => `co:qa:${orderId}`,
  staffMessage: (orderId: number) => `co:msg:${orderId}`,
  accept: (orderId: number, version: number) => `co:acc:${orderId}:${version}`,
  cancel: (orderId: number) => `co:cx:${orderId}`,
  open: (orderId: number, page = 1) => `co:o:${orderId}:${page}`,
  /** The customer's one list of orders, kept by the orders module. */
  list: (page: number) => `orders:my:${page}`,
};

/** What staff are told about a print job besides a new order. */
export type StaffEvent = 'accepted' | 'cancelled' | 'paid' | 'payment_unexpected' | 'refund_refused';

/** A print job as the texts read it: its order, and its quote, files and history when known. */
type PrintView = CustomOrder & { autoQuote?: Quote };

/** Telegram's limit on photo and document captions. */
export const CAPTION_LIMIT = 1024;

/** Cuts `text` to `limit` characters, marking the cut. */
export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Texts about custom orders, shared by the bot (direct replies) and the outbox (notifications). */
export function createCustomOrderMessages(deps: {
  i18n: Translator;
  settings: CustomOrdersSettings;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  staffLocale: Locale;
}) {
  const { i18n, settings } = deps;
  const number = (value: number, locale: Locale, digits: number, minimum = 0) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: minimum }).format(value);
  const dateTime = (ms: number, locale: Locale) => formatDateTime(ms, locale, deps.timeZone());
  const money = (minor: number, currency: string, locale: Locale) => formatMoney(minor, currency, locale);
  const text = (body: string, keyboard?: Keyboard): OutgoingMessage => ({
    method: 'sendMessage',
    payload: keyboard ? { text: body, reply_markup: keyboard } : { text: body },
  });
  const openButton = (order: Pick<CustomOrder, 'id'>, reader: Locale): Keyboard => ({
    inline_keyboard: [[{ text: i18n.t(reader, 'co-open-order'), callback_data: callbackData.open(order.id) }]],
  });
  /** A new price, with the buttons to accept it (this version only), cancel or open the order. */
  const newPrice = (order: CustomOrder, reader: Locale, note: string | undefined): OutgoingMessage => {
    const body = [i18n.t(reader, 'co-notify-new-price', { number: order.number }), messages.priceText(order, reader)];
    if (note) body.push(i18n.t(reader, 'co-note-line', { note }));
    return text(body.join('\n'), {
      inline_keyboard: [
        [{ text: i18n.t(reader, 'co-accept-price'), callback_data: callbackData.accept(order.id, order.quote_version) }],
        [
          { text: i18n.t(reader, 'co-cancel-order'), callback_data: callbackData.cancel(order.id) },
          { text: i18n.t(reader, 'co-open-order'), callback_data: callbackData.open(order.id) },
        ],
      ],
    });
  };

  const messages = {
    money,
    dateTime,
    t: (locale: Locale, key: string, variables?: TranslateVariables) => i18n.t(locale, key, variables),

    statusLabel(status: string, locale: Locale): string {
      return i18n.t(locale, `co-status-${status}`);
    },

    technologyTitle(id: string, locale: Locale): string {
      const technology = settings.technologies.find((item) => item.id === id);
      return technology ? localised(technology.title, locale) : id;
    },

    materialTitle(id: string, locale: Locale): string {
      const material = settings.materials.find((item) => item.id === id);
      return material ? localised(material.title, locale) : id;
    },

    colourTitle(materialId: string, colourId: string, locale: Locale): string {
      const colour = settings.materials.find((item) => item.id === materialId)?.colours.find((item) => item.id === colourId);
      return colour ? localised(colour.title, locale) : colourId;
    },

    /** "10 × 10 × 10 mm · 1.00 cm³ · 12 triangles · closed" for one model. */
    measurementsText(measurements: MeshMeasurements, locale: Locale): string {
      const [x, y, z] = measurements.sizeMm;
      const parts = [
        i18n.t(locale, 'co-measure-size', { x: number(x, locale, 1), y: number(y, locale, 1), z: number(z, locale, 1) }),
        i18n.t(locale, 'co-measure-volume', { volume: number(measurements.volumeCm3, locale, 2, 2) }),
        i18n.t(locale, 'co-measure-area', { area: number(measurements.surfaceAreaMm2 / 100, locale, 1) }),
        i18n.t(locale, 'co-measure-triangles', { count: measurements.triangleCount }),
        measurements.isClosed
          ? i18n.t(locale, 'co-measure-closed')
          : i18n.t(locale, 'co-measure-open', { edges: measurements.boundaryEdges + measurements.nonManifoldEdges }),
      ];
      return parts.join(' · ');
    },

    fileLine(file: Pick<OrderFile, 'file_name' | 'measurements'>, index: number, locale: Locale): string {
      return `${index + 1}) ${file.file_name}: ${messages.measurementsText(file.measurements, locale)}`;
    },

    /** "FDM · PLA · White · infill 20 %": what is printed, without the copies. */
    jobText(choice: { technology: string; material: string; colour: string; infill_percent: number | null }, locale: Locale): string {
      const parts = [
        messages.technologyTitle(choice.technology, locale),
        messages.materialTitle(choice.material, locale),
        messages.colourTitle(choice.material, choice.colour, locale),
      ];
      if (choice.infill_percent !== null) parts.push(i18n.t(locale, 'co-infill-value', { percent: choice.infill_percent }));
      return parts.join(' · ');
    },

    /** "FDM · PLA · White · infill 20 % · × 2". */
    choiceText(choice: { technology: string; material: string; colour: string; infill_percent: number | null; quantity: number }, locale: Locale): string {
      return `${messages.jobText(choice, locale)} · ${i18n.t(locale, 'co-quantity-value', { quantity: choice.quantity })}`;
    },

    /** The price breakdown, one item per line. */
    quoteText(quote: Quote, fileNames: readonly string[], locale: Locale): string {
      const lines = [i18n.t(locale, 'co-quote-title')];
      quote.lines.forEach((line, index) => {
        lines.push(
          i18n.t(locale, 'co-quote-line', {
            index: index + 1,
            name: fileNames[index] ?? '',
            mass: number(line.massG, locale, 1),
            material: money(line.materialMinor, quote.currency, locale),
            minutes: line.machineMinutes,
            machine: money(line.machineMinor, quote.currency, locale),
            unit: money(line.unitMinor, quote.currency, locale),
          }),
        );
      });
      lines.push(i18n.t(locale, 'co-quote-items', { quantity: quote.quantity, items: money(quote.itemsMinor, quote.currency, locale) }));
      if (quote.discountMinor > 0) lines.push(i18n.t(locale, 'co-quote-discount', { percent: quote.discountPercent, discount: money(quote.discountMinor, quote.currency, locale) }));
      if (quote.setupFeeMinor > 0) lines.push(i18n.t(locale, 'co-quote-setup', { fee: money(quote.setupFeeMinor, quote.currency, locale) }));
      if (quote.minimumSurchargeMinor > 0) lines.push(i18n.t(locale, 'co-quote-minimum', { surcharge: money(quote.minimumSurchargeMinor, quote.currency, locale) }));
      lines.push(
        i18n.t(locale, 'co-quote-total', { total: money(quote.totalMinor, quote.currency, locale) }),
      );
      lines.push(i18n.t(locale, 'co-quote-estimate', { mass: number(quote.totalMassG, locale, 1), time: formatDurationMinutes(quote.totalMachineMinutes, locale) }));
      return lines.join('\n');
    },

    /** The current price of an order, or "to be quoted" before staff priced it. */
    priceText(order: Pick<CustomOrder, 'total_minor' | 'currency' | 'quote_version'>, locale: Locale): string {
      if (order.quote_version === 0) return i18n.t(locale, 'co-price-pending');
      return i18n.t(locale, 'co-price', {
        total: money(order.total_minor, order.currency, locale),
      });
    },

    /** What staff see about an order, in the reader's language (the business's by default): everything needed to check, price and print it. */
    staffCardText(order: CustomOrder, locale: Locale = deps.staffLocale): string {
      const lines = [
        i18n.t(locale, 'co-staff-card-title', { number: order.number, status: messages.statusLabel(order.status, locale) }),
        i18n.t(locale, 'co-staff-customer', { name: order.contact_name, id: String(order.user_id) }),
        messages.choiceText(order, locale),
        ...order.files.map((file, index) => messages.fileLine(file, index, locale)),
        messages.priceText(order, locale),
      ];
      if (order.payment_id !== null) lines.push(i18n.t(locale, 'co-staff-payment', { id: String(order.payment_id) }));
      if (order.manual_quote) lines.push(i18n.t(locale, 'co-staff-manual-quote'));
      if (order.files.some((file) => !file.measurements.isClosed)) lines.push(i18n.t(locale, 'co-staff-open-mesh'));
      if (order.deadline) lines.push(i18n.t(locale, 'co-deadline-line', { date: order.deadline }));
      if (order.comment) lines.push(i18n.t(locale, 'co-comment-line', { comment: order.comment }));
      lines.push(i18n.t(locale, 'co-placed-at', { at: dateTime(order.created_at, locale) }));
      return clip(lines.join('\n'), 4000);
    },

    /** Buttons: each status staff may move to, a new price while it can change, and a message; labelled in `locale`. */
    staffKeyboard(order: Pick<CustomOrder, 'id' | 'status'>, locale: Locale = deps.staffLocale): Keyboard {
      const targets = nextStatuses(order.status, 'staff').filter((status) => status !== 'quoted');
      const rows: Keyboard['inline_keyboard'] = [];
      for (let index = 0; index < targets.length; index += 2) {
        rows.push(
          targets.slice(index, index + 2).map((to) => ({ text: i18n.t(locale, `co-action-${to}`), callback_data: callbackData.staffStatus(order.id, order.status, to) })),
        );
      }
      const tools: Keyboard['inline_keyboard'][number] = [];
      if (['new', 'quoted', 'awaiting_payment'].includes(order.status)) tools.push({ text: i18n.t(locale, 'co-action-quote'), callback_data: callbackData.staffQuote(order.id) });
      tools.push({ text: i18n.t(locale, 'co-action-message'), callback_data: callbackData.staffMessage(order.id) });
      rows.push(tools);
      return { inline_keyboard: rows };
    },

    /** What the customer sees when opening one of their orders. */
    customerDetailText(order: CustomOrder & { history: readonly OrderStatusChangeRecord[] }, locale: Locale): string {
      const lines = [
        i18n.t(locale, 'co-detail-title', { number: order.number, status: messages.statusLabel(order.status, locale) }),
        messages.choiceText(order, locale),
        ...order.files.map((file, index) => messages.fileLine(file, index, locale)),
        messages.priceText(order, locale),
      ];
      if (order.deadline) lines.push(i18n.t(locale, 'co-deadline-line', { date: order.deadline }));
      if (order.comment) lines.push(i18n.t(locale, 'co-comment-line', { comment: order.comment }));
      lines.push('', i18n.t(locale, 'co-history'));
      for (const change of order.history) lines.push(`${dateTime(change.at, locale)} — ${messages.statusLabel(change.to_status, locale)}`);
      return clip(lines.join('\n'), 4000);
    },

    /** Texts the service writes: line titles (the business's language unless one is named) and direct notes to the customer. */
    serviceTexts(): CustomOrderTexts {
      const staff = deps.staffLocale;
      return {
        lineTitle: (choice, locale = staff) => i18n.t(locale, 'co-line-title', { job: messages.jobText(choice, locale) }),
        roundingTitle: (locale = staff) => i18n.t(locale, 'co-line-rounding'),
        newPrice: (order, reader, note) => newPrice(order, reader, note),
        staffMessage: (order, reader, message) => text(`${i18n.t(reader, 'co-notify-message', { number: order.number })}\n\n${message}`, openButton(order, reader)),
      };
    },

    /**
     * The print jobs' notifications, as the orders service enqueues them for kind `print3d`.
     * `view` reads the job (files, quote) in the change's own transaction. Staff texts are
     * written in the language of the staff chat they go to (`staff`).
     */
    notifications(view: (executor: DbExecutor, order: Order) => Promise<PrintView | undefined>): KindNotifications {
      const load = async (executor: DbExecutor, order: Order): Promise<PrintView> => {
        const found = await view(executor, order);
        if (!found) throw new Error(`order ${order.id} has no print job`);
        return found;
      };
      const amountOf = (payment: OrderPaymentReceipt, staff: Locale) => money(payment.amountMinor, payment.currency, staff);
      const event = (order: PrintView, kind: StaffEvent, staff: Locale, extra: { amount?: string; id?: string } = {}): OutgoingMessage =>
        text(
          i18n.t(staff, `co-staff-event-${kind}`, { number: order.number, amount: extra.amount ?? '', id: extra.id ?? '', status: messages.statusLabel(order.status, staff) }),
          messages.staffKeyboard(order, staff),
        );
      return {
        async staffNewOrder(executor, order, staff) {
          const job = await load(executor, order);
          const list: OutgoingMessage[] = [];
          if (job.preview_file_id) {
            list.push({ method: 'sendPhoto', payload: { photo: job.preview_file_id, caption: i18n.t(staff, 'co-staff-preview', { number: job.number }) } });
          }
          const head = i18n.t(staff, job.manual_quote ? 'co-staff-new-manual' : 'co-staff-new');
          const breakdown = job.autoQuote ? `\n\n${messages.quoteText(job.autoQuote, job.files.map((file) => file.file_name), staff)}` : '';
          list.push(text(clip(`${head}\n\n${messages.staffCardText(job, staff)}${breakdown}`, 4096), messages.staffKeyboard(job, staff)));
          job.files.forEach((file, index) => {
            list.push({
              method: 'sendDocument',
              payload: { document: file.telegram_file_id, caption: clip(`${job.number} · ${messages.fileLine(file, index, staff)}`, CAPTION_LIMIT) },
            });
          });
          return list;
        },
        async customerStatusChanged(executor, order, reader, change: OrderChange) {
          const job = await load(executor, order);
          if (change.to === 'quoted') return newPrice(job, reader, change.note);
          const body = i18n.t(reader, `co-notify-${job.status}`, { number: job.number, amount: money(job.total_minor, job.currency, reader) });
          // A refund's note is the payment's bookkeeping, not something the studio wrote.
          const note = change.to === 'refunded' ? undefined : change.note;
          return text(note ? `${body}\n${i18n.t(reader, 'co-note-line', { note })}` : body, openButton(job, reader));
        },
        async staffStatusChanged(executor, order, change, staff) {
          const job = await load(executor, order);
          return [event(job, change.to === 'awaiting_payment' ? 'accepted' : 'cancelled', staff)];
        },
        async staffOrderPaid(executor, order, payment, staff) {
          return [event(await load(executor, order), 'paid', staff, { amount: amountOf(payment, staff), id: String(payment.paymentId) })];
        },
        async staffExtraPayment(executor, order, payment, staff) {
          return [event(await load(executor, order), 'payment_unexpected', staff, { amount: amountOf(payment, staff), id: String(payment.paymentId) })];
        },
        async staffRefundRefused(executor, order, paymentId, staff) {
          return [event(await load(executor, order), 'refund_refused', staff, { id: String(paymentId) })];
        },
      };
    },
  };
  return messages;
}

/** The custom-order texts' shape. */
export type CustomOrderMessages = ReturnType<typeof createCustomOrderMessages>;
