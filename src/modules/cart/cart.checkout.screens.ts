/**
 * The checkout's screens in the bot: the questions of each step, the order summary (after
 * re-checking the cart), and what comes after ordering (paying, or what happens next).
 */
import { InlineKeyboard, Keyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowControl } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import type { Order } from '../orders/orders.service.ts';
import type { CartBotShared } from './cart.bot.shared.ts';
import { pickupPointName, type CartIssue, type CheckoutQuote, type DeliveryChoice } from './cart.service.ts';

/** What the checkout keeps between steps (in the session, so a restart loses nothing). */
export interface CheckoutData extends Record<string, unknown> {
  method?: 'pickup' | 'courier';
  pickupPoint?: string;
  address?: string;
  phone?: string;
  comment?: string | null;
  /** Signature of the quote shown in the summary; confirming checks it still holds. */
  signature?: string;
}

/** The checkout's screens, shown by its flow and by the "Checkout" button. */
export interface CheckoutScreens {
  /**
   * After ordering: the order's summary with the payment methods (and "Pay on delivery"
   * when allowed); without online payment, or when no method can take it, what comes next.
   */
  afterOrder(ctx: BotContext, order: Order): Promise<void>;
  delivery(data: CheckoutData): DeliveryChoice;
  askDelivery(ctx: BotContext): Promise<void>;
  askPickupPoint(ctx: BotContext): Promise<void>;
  askAddress(ctx: BotContext): Promise<void>;
  askPhone(ctx: BotContext): Promise<void>;
  askComment(ctx: BotContext): Promise<void>;
  confirmKeyboard(ctx: BotContext): Keyboard;
  /** Re-checks the cart, shows what changed and the summary, and waits for confirmation. */
  showSummary(ctx: BotContext, flow: FlowControl<CheckoutData>, issues?: readonly CartIssue[], quote?: CheckoutQuote): Promise<void>;
}

/** The checkout's screens. */
export function createCheckoutScreens(shared: CartBotShared): CheckoutScreens {
  const { deps, cart, settings, defaultLocale, pointName, methods, money, lineName } = shared;

  const issueLines = (ctx: BotContext, issues: readonly CartIssue[], currency: string): string[] =>
    issues.map((issue) => {
      switch (issue.kind) {
        case 'gone':
          return ctx.t('cart-issue-gone');
        case 'sold_out':
          return ctx.t('cart-issue-sold-out', { title: lineName(issue) });
        case 'reduced':
          return ctx.t('cart-issue-reduced', { title: lineName(issue), from: issue.from, to: issue.to });
        case 'price_changed':
          return ctx.t('cart-issue-price', { title: lineName(issue), from: money(ctx, issue.fromMinor, currency), to: money(ctx, issue.toMinor, currency) });
      }
    });

  /** How the summary says the order will be paid: on delivery, or online (with or without the on-delivery choice). */
  const paymentSummaryKey = (): string => {
    if (!deps.payments.isOnline()) return 'cart-summary-payment';
    return deps.payments.offersOnDelivery() ? 'cart-summary-payment-choose' : 'cart-summary-payment-online';
  };

  /**
   * After ordering: the order's summary with the payment methods (and "Pay on delivery"
   * when allowed); without online payment, or when no method can take it, what comes next.
   */
  const afterOrder = async (ctx: BotContext, order: Order) => {
    const next = [
      { text: ctx.t('menu-my-orders'), data: 'orders:my:1' },
      { text: ctx.t('menu-back-to-main'), data: MAIN_MENU_ACTION },
    ];
    const screen = await deps.paymentScreen(ctx, order, next);
    if (screen) {
      await ctx.reply(screen.text, { reply_markup: screen.keyboard });
      return;
    }
    const keyboard = new InlineKeyboard();
    for (const button of next) keyboard.text(button.text, button.data);
    // Payment up front is required but nothing can take it right now: staff will be in touch.
    const text = deps.payments.offersOnDelivery() ? ctx.t('cart-order-next') : ctx.t('orders-pay-none', { number: order.number });
    await ctx.reply(text, { reply_markup: keyboard });
  };

  const summaryText = (ctx: BotContext, quote: CheckoutQuote, data: CheckoutData): string => {
    const { view } = quote;
    const lines = [ctx.t('cart-summary-title'), ''];
    for (const line of view.lines) lines.push(`• ${lineName(line)} × ${line.quantity} — ${money(ctx, line.lineTotalMinor, view.currency)}`);
    if (data.method === 'courier') {
      lines.push(quote.deliveryFeeMinor > 0 ? ctx.t('cart-summary-fee', { fee: money(ctx, quote.deliveryFeeMinor, view.currency) }) : ctx.t('cart-summary-fee-free'));
    }
    lines.push(ctx.t('cart-summary-total', { total: money(ctx, quote.totalMinor, view.currency) }), '');
    lines.push(data.method === 'pickup' ? ctx.t('cart-summary-pickup', { point: pointName(ctx, data.pickupPoint) }) : ctx.t('cart-summary-courier', { address: data.address ?? '' }));
    lines.push(ctx.t('cart-summary-phone', { phone: data.phone ?? '' }));
    if (data.comment) lines.push(ctx.t('cart-summary-comment', { comment: data.comment }));
    lines.push(ctx.t(paymentSummaryKey()));
    return lines.join('\n');
  };

  const delivery = (data: CheckoutData): DeliveryChoice => ({
    method: data.method ?? 'pickup',
    pickupPoint: data.pickupPoint ?? null,
    address: data.address ?? null,
  });

  const askDelivery = async (ctx: BotContext) => {
    const keyboard = new Keyboard();
    for (const method of methods()) keyboard.text(ctx.t(`cart-delivery-${method}`));
    await ctx.reply(ctx.t('cart-ask-delivery'), { reply_markup: keyboard.resized() });
  };

  const askPickupPoint = async (ctx: BotContext) => {
    const keyboard = new Keyboard();
    for (const point of settings.pickupPoints) keyboard.text(pickupPointName(point, ctx.locale, defaultLocale)).row();
    await ctx.reply(ctx.t('cart-ask-pickup-point'), { reply_markup: keyboard.resized() });
  };

  const askAddress = async (ctx: BotContext) => {
    await ctx.reply(ctx.t('cart-ask-address'), { reply_markup: { remove_keyboard: true } });
  };

  const askPhone = async (ctx: BotContext) => {
    const keyboard = new Keyboard().requestContact(ctx.t('cart-share-contact'));
    // The phone kept from last time is offered when typing it back would pass: a Telegram-only
    // number from a shared contact (or one kept under older rules) is not.
    const saved = ctx.user?.phone;
    if (saved && deps.users.readPhone(saved) === saved) keyboard.row().text(saved);
    await ctx.reply(ctx.t('cart-ask-phone', { example: deps.users.phoneExample() }), { reply_markup: keyboard.resized() });
  };

  const askComment = async (ctx: BotContext) => {
    await ctx.reply(ctx.t('cart-ask-comment'), { reply_markup: new Keyboard().text(ctx.t('cart-skip-comment')).resized() });
  };

  const confirmKeyboard = (ctx: BotContext) => new Keyboard().text(ctx.t('cart-confirm-order')).row().text(ctx.t('cart-cancel-checkout')).resized();

  /** Re-checks the cart, shows what changed and the summary, and waits for confirmation. */
  const showSummary = async (ctx: BotContext, flow: FlowControl<CheckoutData>, issues?: readonly CartIssue[], quote?: CheckoutQuote) => {
    const reviewed = quote ? { issues: issues ?? [], quote } : await cart.review(ctx.from?.id ?? 0, ctx.locale, delivery(flow.data));
    if (reviewed.quote.view.lines.length === 0) {
      flow.leave();
      const notice = issueLines(ctx, reviewed.issues, reviewed.quote.view.currency);
      await ctx.reply([...notice, ctx.t('cart-checkout-empty')].join('\n'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    flow.go('confirm', { signature: reviewed.quote.signature });
    const notice = issueLines(ctx, reviewed.issues, reviewed.quote.view.currency);
    const text = notice.length > 0 ? `${ctx.t('cart-issues-title')}\n${notice.join('\n')}\n\n${summaryText(ctx, reviewed.quote, flow.data)}` : summaryText(ctx, reviewed.quote, flow.data);
    await ctx.reply(text, { reply_markup: confirmKeyboard(ctx) });
  };

  return { afterOrder, delivery, askDelivery, askPickupPoint, askAddress, askPhone, askComment, confirmKeyboard, showSummary };
}
