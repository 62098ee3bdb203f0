import { Composer, InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, parsePage } from '../../telegram/paginator.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { explainRefusal, staffReader } from '../../telegram/refusals.ts';
import type { PaymentScreens } from '../payments/payments.module.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import { isPaymentsError } from '../payments/payments.errors.ts';
import type { ReportSource } from '../reports/reports.types.ts';
import { buildOrderExport, exportOrderFilter } from './orders.export.ts';
import { lineNameIn } from './orders.lines.ts';
import { customerOrderData, type OrderMessages } from './orders.messages.ts';
import { ORDER_PURPOSE, type OrderPayments } from './orders.payments.ts';
import { OrdersError, type Order, type OrdersService } from './orders.service.ts';

/** Orders per page of `/my_orders`. */
const MY_ORDERS_PAGE_SIZE = 5;


/** Dependencies of the orders composer. */
export interface OrdersComposerDeps {
  orders: OrdersService;
  messages: OrderMessages;
  /** Paying for orders online; offline (pay on delivery) while the payments module is off. */
  payments: OrderPayments;
  i18n: Translator;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  now(): number;
  /** The kind of order the shop's customers place here (`shop`): the kind paid through the `order` purpose. */
  kind: string;
  /** Screens of the other kinds of order, by kind; filled by their modules as they are set up. */
  screens: ReadonlyMap<string, OrderKindScreens>;
  /** The business currency, for zero amounts. */
  currency: string;
  /** The payments module's payment-method buttons; absent while it is off. */
  methodRows?: PaymentScreens['methodRows'];
}

/** Callback data that opens the payment screen of order `orderId` (from page `page` of the customer's list). */
export function orderPayData(orderId: number, page = 1): string {
  return `orders:pay:${orderId}:${page}`;
}

/**
 * Asks the customer to pay for their order: its summary, a button per payment method the
 * shop takes (paused gateways marked as such by the payments module's own rule), and
 * "Pay on delivery" when the owner allows it; `extra` rows end the keyboard. Undefined
 * when the order cannot be paid online (payments off, not waiting for payment, no method).
 */
export async function orderPaymentScreen(
  ctx: BotContext,
  order: Order,
  payments: OrderPayments,
  extra: readonly { text: string; data: string }[],
  methodRows: PaymentScreens['methodRows'] | undefined,
): Promise<{ text: string; keyboard: InlineKeyboard } | undefined> {
  const methods = ctx.from ? await payments.methods(order, ctx.from.id, ctx.locale) : undefined;
  if (!methods || methods.length === 0 || !methodRows) return undefined;
  const keyboard = methodRows(new InlineKeyboard(), ctx, ORDER_PURPOSE, String(order.id), methods);
  if (payments.offersOnDelivery()) keyboard.text(ctx.t('orders-pay-on-delivery'), `orders:pod:${order.id}`).row();
  for (const button of extra) keyboard.text(button.text, button.data);
  return { text: `${payments.summary(order, ctx.locale)}\n\n${ctx.t('orders-pay-choose')}`, keyboard };
}

function toKeyboard(markup: { inline_keyboard: { text: string; callback_data: string }[][] } | undefined): InlineKeyboard {
  return new InlineKeyboard((markup?.inline_keyboard ?? []) as InlineKeyboardButton[][]);
}

/**
 * Orders in the bot: `/my_orders`, `/track_order`, paying an unpaid order (or choosing to pay
 * on delivery), customer cancellation, staff status buttons on order alerts (a refund of an
 * order paid online refunds its payment), `/stats` and `/export` for admins.
 */
export function createOrdersComposer(deps: OrdersComposerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { orders, messages } = deps;

  const refuseNonAdmin = async (ctx: BotContext): Promise<boolean> => {
    if (ctx.isAdmin) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('orders-admin-only'), show_alert: true });
    else await ctx.reply(ctx.t('orders-admin-only'));
    return true;
  };

  const statusOf = (order: Order, locale: Locale) => deps.screens.get(order.kind)?.statusLabel(order.status, locale) ?? messages.statusLabel(order.status, locale);

  // Every kind in one list: an order of another module's kind opens that module's card.
  const listScreen = async (ctx: BotContext, userId: number, page: number) => {
    const { orders: list, window } = await orders.listForUser(userId, page, MY_ORDERS_PAGE_SIZE);
    const keyboard = new InlineKeyboard();
    for (const order of list) {
      const label = `${order.number} · ${statusOf(order, ctx.locale)} · ${formatMoney(order.total_minor, order.currency, ctx.locale)}`;
      const screens = deps.screens.get(order.kind);
      keyboard.text(label, screens ? screens.customerCardData(order.id, window.page) : customerOrderData(order.id, window.page)).row();
    }
    addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `orders:my:${target}` });
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const text = window.total === 0 ? ctx.t('orders-my-empty') : ctx.t('orders-my-title', { count: window.total });
    return { text, keyboard };
  };

  const detailScreen = async (ctx: BotContext, order: Order, page: number) => {
    const detail = await orders.detail(order.id);
    if (!detail) return undefined;
    const keyboard = new InlineKeyboard();
    if (detail.user_id === ctx.from?.id && deps.payments.isOnline() && orders.awaitsPayment(detail)) {
      keyboard.text(ctx.t('orders-pay-button', { amount: formatMoney(detail.total_minor, detail.currency, ctx.locale) }), orderPayData(detail.id, page)).row();
    }
    if (detail.user_id === ctx.from?.id && orders.nextStatuses(detail, 'customer').includes('cancelled')) {
      keyboard.text(ctx.t('orders-cancel-button'), `orders:cx:${detail.id}:${page}`).row();
    }
    keyboard.text(ctx.t('orders-back-to-list'), `orders:my:${page}`).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: messages.customerDetailText(detail, ctx.locale), keyboard };
  };

  /**
   * The order if the presser may see it as a customer here: their own, of a kind these
   * screens move (another module's kind has its own card and buttons).
   */
  const ownOrder = async (ctx: BotContext, orderId: number): Promise<Order | undefined> => {
    const order = await orders.get(orderId);
    return order && order.user_id === ctx.from?.id && !orders.managedBy(order.kind) ? order : undefined;
  };

  const myOrders = async (ctx: BotContext) => {
    if (!ctx.from) return;
    const screen = await listScreen(ctx, ctx.from.id, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  };
  composer.command('my_orders', myOrders);
  // A kind's old command for its own list leads to the one list; kinds register after this composer is built.
  composer.filter((ctx) => [...deps.screens.values()].some((screens) => (screens.listCommands ?? []).some((command) => ctx.hasCommand(command))), myOrders);

  composer.callbackQuery(/^orders:my:(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await listScreen(ctx, ctx.from.id, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:o:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(ctx, Number(ctx.match[1]));
    // Someone else's order id (tampered data) or a deleted one: the fallback refreshes the menu.
    if (!order || page === undefined) return next();
    const screen = await detailScreen(ctx, order, page);
    if (!screen) return next();
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:cx:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(ctx, Number(ctx.match[1]));
    if (!order || page === undefined) return next();
    await ctx.answerCallbackQuery();
    if (!orders.nextStatuses(order, 'customer').includes('cancelled')) {
      const screen = await detailScreen(ctx, order, page);
      if (screen) await editOrReply(ctx, `${ctx.t('orders-cancel-too-late')}\n\n${screen.text}`, { reply_markup: screen.keyboard });
      return;
    }
    const keyboard = new InlineKeyboard()
      .text(ctx.t('orders-cancel-yes'), `orders:cxy:${order.id}:${page}`)
      .text(ctx.t('orders-cancel-no'), customerOrderData(order.id, page));
    await editOrReply(ctx, ctx.t(order.payment_id === null ? 'orders-cancel-confirm' : 'orders-cancel-confirm-paid', { number: order.number }), { reply_markup: keyboard });
  });

  composer.callbackQuery(/^orders:cxy:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(ctx, Number(ctx.match[1]));
    if (!order || page === undefined) return next();
    let notice: string;
    try {
      await orders.changeStatus(order.id, 'cancelled', { role: 'customer', id: ctx.from.id });
      notice = ctx.t('orders-cancelled-by-you', { number: order.number });
    } catch (error) {
      if (!(error instanceof OrdersError)) throw error;
      notice = ctx.t('orders-cancel-too-late');
    }
    await ctx.answerCallbackQuery({ text: notice });
    const fresh = (await orders.get(order.id)) ?? order;
    const screen = await detailScreen(ctx, fresh, page);
    if (screen) await editOrReply(ctx, `${notice}\n\n${screen.text}`, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:pay:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    const order = await ownOrder(ctx, Number(ctx.match[1]));
    if (!order || page === undefined || !deps.payments.isOnline()) return next();
    await ctx.answerCallbackQuery();
    const back = [{ text: ctx.t('orders-pay-back'), data: customerOrderData(order.id, page) }];
    const screen = await orderPaymentScreen(ctx, order, deps.payments, back, deps.methodRows);
    if (screen) {
      await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
      return;
    }
    // Paid or cancelled meanwhile, or no method can take it now: say so over the current card.
    const notice = orders.awaitsPayment(order) ? ctx.t('orders-pay-none', { number: order.number }) : ctx.t('orders-pay-not-needed', { number: order.number });
    const card = await detailScreen(ctx, order, page);
    if (card) await editOrReply(ctx, `${notice}\n\n${card.text}`, { reply_markup: card.keyboard });
  });

  composer.callbackQuery(/^orders:pod:(\d{1,12})$/, async (ctx, next) => {
    const order = await ownOrder(ctx, Number(ctx.match[1]));
    if (!order || !deps.payments.offersOnDelivery()) return next();
    await ctx.answerCallbackQuery();
    const keyboard = new InlineKeyboard().text(ctx.t('orders-open'), customerOrderData(order.id)).text(ctx.t('menu-my-orders'), 'orders:my:1');
    if (!(await orders.choosePayOnDelivery(order.id, ctx.from.id))) {
      await editOrReply(ctx, ctx.t('orders-pay-not-needed', { number: order.number }), { reply_markup: keyboard });
      return;
    }
    const total = formatMoney(order.total_minor, order.currency, ctx.locale);
    await editOrReply(ctx, ctx.t('orders-pay-on-delivery-chosen', { number: order.number, total }), { reply_markup: keyboard });
  });

  composer.command('track_order', async (ctx) => {
    const raw = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!raw) {
      await ctx.reply(ctx.t('orders-track-usage'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-my-orders'), 'orders:my:1') });
      return;
    }
    const order = await orders.getByNumber(raw);
    const screens = order ? deps.screens.get(order.kind) : undefined;
    if (order && screens && (ctx.isAdmin || order.user_id === ctx.from?.id)) {
      await screens.track(ctx, order);
      return;
    }
    // Staff may look up any order and act on it; customers only see their own.
    if (order && ctx.isAdmin && order.user_id !== ctx.from?.id) {
      await ctx.reply(messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))) });
      return;
    }
    if (!order || order.user_id !== ctx.from?.id) {
      await ctx.reply(ctx.t('orders-track-not-found', { number: raw.slice(0, 20) }));
      return;
    }
    const screen = await detailScreen(ctx, order, 1);
    if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^orders:st:(\d{1,12}):([a-z_]{1,16}):([a-z_]{1,16})$/, async (ctx, next) => {
    const orderId = Number(ctx.match[1]);
    const from = ctx.match[2] as string;
    const to = ctx.match[3] as string;
    const order = await orders.get(orderId);
    // Another module's kind is moved on its own card, where a move may do more than this one.
    if (!order || orders.managedBy(order.kind)) return next();
    if (await refuseNonAdmin(ctx)) return;
    const redraw = async (current: Order, notice: string) => {
      await ctx.answerCallbackQuery({ text: notice });
      await editOrReply(ctx, messages.staffCardText(current, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(current, staffReader(ctx))) });
    };
    if (order.status !== from) {
      // Another staff member (or the customer) moved it since this card was drawn.
      await redraw(order, ctx.t('orders-status-stale', { status: messages.statusLabel(order.status, ctx.locale) }));
      return;
    }
    if (to === 'refunded' && order.payment_id !== null && deps.payments.isOnline()) {
      // Paid online: refunding the payment returns the money, and its refund moves the order.
      try {
        await deps.payments.refund(order, ctx.from.id);
      } catch (error) {
        if (!isPaymentsError(error) && !(error instanceof OrdersError)) throw error;
        const current = (await orders.get(orderId)) ?? order;
        const retrying = isPaymentsError(error, 'payments.refund_failed') && error.details.retrying === true;
        await redraw(current, retrying ? ctx.t('orders-refund-retrying', { number: order.number }) : explainRefusal(deps.i18n, ctx, error, 'payments-error-unexpected'));
        return;
      }
      const moved = (await orders.get(orderId)) ?? order;
      await redraw(moved, ctx.t('orders-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
      return;
    }
    try {
      const moved = await orders.changeStatus(orderId, to, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
      await redraw(moved, ctx.t('orders-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
    } catch (error) {
      if (!(error instanceof OrdersError)) throw error;
      if (error.code === 'orders.transition_not_allowed') return next();
      const current = (await orders.get(orderId)) ?? order;
      await redraw(current, ctx.t('orders-status-stale', { status: messages.statusLabel(current.status, ctx.locale) }));
    }
  });

  return composer;
}

/**
 * The orders module's part of the staff commands `/stats` and `/export` (see the reports
 * module): users, orders, revenue and conversion for today, 7 and 30 days with the best
 * sellers and each kind's own figures (print jobs, Stars); and the orders of every kind as a
 * CSV and an XLSX.
 */
export function createOrdersReport(deps: Pick<OrdersComposerDeps, 'orders' | 'messages' | 'screens' | 'timeZone' | 'now' | 'currency'>): ReportSource {
  const { orders, messages } = deps;
  const statusOf = (order: Order, locale: Locale) => deps.screens.get(order.kind)?.statusLabel(order.status, locale) ?? messages.statusLabel(order.status, locale);
  return {
    name: 'orders',
    async stats(reader) {
      // Every kind the business sells; kinds with their own figures add them below.
      const dashboard = await orders.dashboard();
      const sections: string[][] = [];
      for (const screens of deps.screens.values()) if (screens.stats) sections.push(await screens.stats(reader.locale));
      const money = (list: { currency: string; totalMinor: number }[]) =>
        list.length === 0 ? formatMoney(0, deps.currency, reader.locale) : list.map((item) => formatMoney(item.totalMinor, item.currency, reader.locale)).join(' + ');
      const lines = [reader.t('orders-stats-users-total', { count: dashboard.usersTotal }), ''];
      for (const period of dashboard.periods) {
        lines.push(reader.t(`orders-stats-period-${period.key}`));
        lines.push(reader.t('orders-stats-new-users', { count: period.newUsers }));
        lines.push(reader.t('orders-stats-orders', { count: period.orders, revenue: money(period.revenue) }));
        for (const step of period.funnel) {
          const rate = step.users === 0 ? '—' : `${Math.round((period.customers / step.users) * 1000) / 10}%`;
          lines.push(reader.t('orders-stats-conversion', { step: reader.t(`orders-stats-funnel-${step.name}`), users: step.users, customers: period.customers, rate }));
        }
        lines.push('');
      }
      // Best sellers are catalogue products: a business whose orders are all of other kinds skips an always empty list.
      if (dashboard.topProducts.length > 0 || sections.length === 0) {
        lines.push(reader.t('orders-stats-top'));
        if (dashboard.topProducts.length === 0) lines.push(reader.t('orders-stats-top-none'));
        dashboard.topProducts.forEach((product, index) => {
          lines.push(`${index + 1}. ${lineNameIn({ title: product.title, variant_title: null, titles: product.titles }, reader.locale).title} — ${product.quantity} · ${formatMoney(product.revenueMinor, product.currency, reader.locale)}`);
        });
      }
      for (const section of sections) {
        if (lines.at(-1) !== '') lines.push('');
        lines.push(...section);
      }
      return lines;
    },
    exportStatuses: () => orders.statuses(),
    async exportFiles(filter, reader) {
      // Orders of every kind: a business selling through several modules exports them together.
      const list = await orders.exportOrders(exportOrderFilter(filter));
      const files = await buildOrderExport(list, { t: (key) => reader.t(key), locale: reader.locale, timeZone: deps.timeZone(), statusText: (order) => statusOf(order, reader.locale) });
      const stamp = new Date(deps.now()).toISOString().slice(0, 10);
      const name = `orders-${filter.periodLabel.replace(/[^0-9a-z.-]/gi, '_')}${filter.status ? `-${filter.status}` : ''}-${stamp}`;
      const caption = reader.t('orders-export-caption', { count: files.rows, period: filter.periodLabel, status: filter.status ?? '—' });
      return { name, csv: files.csv, xlsx: files.xlsx, rows: files.rows, caption };
    },
  };
}
