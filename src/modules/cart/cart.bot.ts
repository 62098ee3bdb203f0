import { Composer, InlineKeyboard, Keyboard } from 'grammy';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, leaveFlow, startFlow, type FlowControl, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, paginate, parsePage } from '../../telegram/paginator.ts';
import type { OrdersModuleService } from '../orders/orders.module.ts';
import type { OrderPayments } from '../orders/orders.payments.ts';
import type { Order } from '../orders/orders.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { CartError, pickupPointName, type CartIssue, type CartService, type CheckoutQuote, type DeliveryChoice } from './cart.service.ts';

/** What the checkout keeps between steps (in the session, so a restart loses nothing). */
interface CheckoutData extends Record<string, unknown> {
  method?: 'pickup' | 'courier';
  pickupPoint?: string;
  address?: string;
  phone?: string;
  comment?: string | null;
  /** Signature of the quote shown in the summary; confirming checks it still holds. */
  signature?: string;
}

/** Shortest and longest courier address accepted. */
const ADDRESS_LENGTH = { min: 5, max: 300 } as const;
/** Longest order comment. */
const COMMENT_MAX = 500;

/** Dependencies of the cart composer. */
export interface CartComposerDeps {
  cart: CartService;
  users: UsersService;
  /** Paying for the placed order: online methods when payments is enabled, else on delivery. */
  payments: OrderPayments;
  /** The orders module's screen asking to pay for an order. */
  paymentScreen: OrdersModuleService['paymentScreen'];
}

/** Callback data that opens page `page` of the cart. */
export function cartViewData(page = 1): string {
  return `cart:view:${page}`;
}

/**
 * The cart in the bot (`/cart`, +/−, remove, clear) and the checkout flow: delivery method,
 * pickup point or address, phone (shared contact or typed), comment, summary, confirmation.
 */
export function createCartComposer(deps: CartComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const composer = new Composer<BotContext>();
  const { cart } = deps;
  const settings = cart.settings;
  const { defaultLocale } = cart;
  /** A pickup point, kept by its name in the business's language, named in the customer's. */
  const pointName = (ctx: BotContext, key: string | undefined): string => {
    const point = settings.pickupPoints.find((candidate) => pickupPointName(candidate, defaultLocale, defaultLocale) === key);
    return point ? pickupPointName(point, ctx.locale, defaultLocale) : (key ?? '');
  };

  const methods = (): ('pickup' | 'courier')[] => [
    ...(settings.pickupPoints.length > 0 ? (['pickup'] as const) : []),
    ...(settings.courier.enabled ? (['courier'] as const) : []),
  ];

  const money = (ctx: BotContext, amountMinor: number, currency: string) => formatMoney(amountMinor, currency, ctx.locale);

  const lineName = (line: { title: string; variantTitle: string | null }) => (line.variantTitle ? `${line.title} (${line.variantTitle})` : line.title);

  const cartScreen = async (ctx: BotContext, page: number) => {
    const view = await cart.view(ctx.from?.id ?? 0, ctx.locale);
    if (view.lines.length === 0) {
      const keyboard = new InlineKeyboard().text(ctx.t('menu-catalog'), 'catalog:home').text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
      return { text: ctx.t('cart-empty'), keyboard };
    }
    const shown = paginate(view.lines, page, settings.pageSize);
    const rows = shown.items.map((line, index) => {
      const number = shown.offset + index + 1;
      return `${number}. ${lineName(line)}\n    ${line.quantity} × ${money(ctx, line.unitPriceMinor, view.currency)} = ${money(ctx, line.lineTotalMinor, view.currency)}`;
    });
    const keyboard = new InlineKeyboard();
    shown.items.forEach((line, index) => {
      const number = shown.offset + index + 1;
      keyboard
        .text('➖', `cart:dec:${line.itemId}:${shown.page}`)
        .text(ctx.t('cart-line-quantity', { number, quantity: line.quantity }), cartViewData(shown.page))
        .text('➕', `cart:inc:${line.itemId}:${shown.page}`)
        .text('✖', `cart:rm:${line.itemId}:${shown.page}`)
        .row();
    });
    addPagerRow(keyboard, { t: ctx.t, window: shown, pageData: cartViewData });
    keyboard.text(ctx.t('cart-clear'), 'cart:clear').text(ctx.t('cart-checkout'), 'cart:checkout').row();
    keyboard.text(ctx.t('menu-catalog'), 'catalog:home').text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const text = [ctx.t('cart-title'), '', ...rows, '', ctx.t('cart-total', { total: money(ctx, view.totalMinor, view.currency), units: view.units })].join('\n');
    return { text, keyboard };
  };

  const showCart = async (ctx: BotContext, page: number) => {
    const screen = await cartScreen(ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  };

  composer.command('cart', async (ctx) => {
    const screen = await cartScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^cart:view(?::(\d{1,4}))?$/, async (ctx, next) => {
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    await showCart(ctx, page);
  });

  const cartErrorText = (ctx: BotContext, error: CartError) => {
    switch (error.code) {
      case 'cart.not_enough_stock':
        return ctx.t('cart-not-enough-stock', { available: Number(error.details.available ?? 0) });
      case 'cart.quantity_out_of_range':
        return ctx.t('cart-quantity-limit', { max: Number(error.details.max ?? settings.maxQuantityPerLine) });
      case 'cart.too_many_lines':
        return ctx.t('cart-too-many-lines', { max: settings.maxLines });
      default:
        return ctx.t('cart-item-unavailable');
    }
  };

  composer.callbackQuery(/^cart:add:(\d{1,12}):(\d{1,12})$/, async (ctx, next) => {
    const productId = Number(ctx.match[1]);
    const variantId = Number(ctx.match[2]);
    try {
      const added = await cart.add(ctx.from.id, { productId, variantId: variantId === 0 ? null : variantId }, 1, ctx.locale);
      await ctx.answerCallbackQuery({ text: ctx.t('cart-added', { title: added.title, quantity: added.quantity }) });
    } catch (error) {
      if (!(error instanceof CartError)) throw error;
      // A product or variant that no longer exists (or never did): refresh the menu.
      if (error.code === 'cart.item_unavailable') return next();
      await ctx.answerCallbackQuery({ text: cartErrorText(ctx, error), show_alert: true });
    }
  });

  composer.callbackQuery(/^cart:(inc|dec):(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[3]);
    if (page === undefined) return next();
    try {
      const changed = await cart.changeQuantity(ctx.from.id, Number(ctx.match[2]), ctx.match[1] === 'inc' ? 1 : -1);
      if (!changed) return next();
      await ctx.answerCallbackQuery();
    } catch (error) {
      if (!(error instanceof CartError)) throw error;
      await ctx.answerCallbackQuery({ text: cartErrorText(ctx, error) });
    }
    await showCart(ctx, page);
  });

  composer.callbackQuery(/^cart:rm:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const page = parsePage(ctx.match[2]);
    if (page === undefined || !(await cart.remove(ctx.from.id, Number(ctx.match[1])))) return next();
    await ctx.answerCallbackQuery({ text: ctx.t('cart-removed') });
    await showCart(ctx, page);
  });

  composer.callbackQuery('cart:clear', async (ctx) => {
    await cart.clear(ctx.from.id);
    await ctx.answerCallbackQuery({ text: ctx.t('cart-cleared') });
    await showCart(ctx, 1);
  });

  // ---- checkout ----

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

  const text = (ctx: BotContext) => ctx.message?.text?.trim() ?? '';

  const checkoutFlow = defineFlow<CheckoutData>({
    name: 'cart.checkout',
    version: 1,
    steps: {
      delivery: {
        async onMessage(ctx, flow) {
          const chosen = methods().find((method) => text(ctx) === ctx.t(`cart-delivery-${method}`));
          if (!chosen) return askDelivery(ctx);
          if (chosen === 'pickup') {
            flow.go('pickup_point', { method: chosen, address: undefined });
            return askPickupPoint(ctx);
          }
          flow.go('address', { method: chosen, pickupPoint: undefined });
          return askAddress(ctx);
        },
      },
      pickup_point: {
        async onMessage(ctx, flow) {
          // Pressed in the customer's language; kept by its name in the business's, as orders keep it.
          const point = settings.pickupPoints.find((candidate) => SUPPORTED_LOCALES.some((locale) => pickupPointName(candidate, locale, defaultLocale) === text(ctx)));
          if (!point) return askPickupPoint(ctx);
          flow.go('phone', { pickupPoint: pickupPointName(point, defaultLocale, defaultLocale) });
          return askPhone(ctx);
        },
      },
      address: {
        async onMessage(ctx, flow) {
          const address = text(ctx).replace(/\s+/g, ' ');
          if (address.length < ADDRESS_LENGTH.min || address.length > ADDRESS_LENGTH.max) {
            await ctx.reply(ctx.t('cart-address-invalid', ADDRESS_LENGTH));
            return;
          }
          flow.go('phone', { address });
          return askPhone(ctx);
        },
      },
      phone: {
        async onMessage(ctx, flow) {
          const contact = ctx.message?.contact;
          const userId = ctx.from?.id;
          if (userId === undefined) return;
          let phone: string | undefined;
          if (contact) {
            // Only the user's own contact counts: a forwarded card of someone else is not their phone.
            if (contact.user_id !== userId) {
              await ctx.reply(ctx.t('cart-phone-not-yours'));
              return;
            }
            phone = await deps.users.setContactPhone(userId, contact.phone_number);
          } else if (text(ctx)) {
            phone = await deps.users.setPhone(userId, text(ctx));
          }
          if (!phone) {
            await ctx.reply(ctx.t('cart-phone-invalid', { example: deps.users.phoneExample() }));
            return;
          }
          flow.go('comment', { phone });
          return askComment(ctx);
        },
      },
      comment: {
        async onMessage(ctx, flow) {
          const raw = text(ctx);
          if (!raw) return askComment(ctx);
          if (raw.length > COMMENT_MAX) {
            await ctx.reply(ctx.t('cart-comment-too-long', { max: COMMENT_MAX }));
            return;
          }
          flow.update({ comment: raw === ctx.t('cart-skip-comment') ? null : raw });
          return showSummary(ctx, flow);
        },
      },
      confirm: {
        async onMessage(ctx, flow) {
          const answer = text(ctx);
          if (answer === ctx.t('cart-cancel-checkout')) {
            flow.leave();
            await ctx.reply(ctx.t('cart-checkout-cancelled'), { reply_markup: { remove_keyboard: true } });
            return;
          }
          if (answer !== ctx.t('cart-confirm-order') || !ctx.from) {
            await ctx.reply(ctx.t('cart-confirm-hint'), { reply_markup: confirmKeyboard(ctx) });
            return;
          }
          const name = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ');
          const result = await cart.checkout({
            userId: ctx.from.id,
            locale: ctx.locale,
            contactName: name,
            contactPhone: flow.data.phone ?? '',
            delivery: delivery(flow.data),
            comment: flow.data.comment ?? null,
            expectedSignature: flow.data.signature ?? '',
          });
          if (result.status === 'empty') {
            flow.leave();
            await ctx.reply(ctx.t('cart-checkout-empty'), { reply_markup: { remove_keyboard: true } });
            return;
          }
          if (result.status === 'changed') return showSummary(ctx, flow, result.issues, result.quote);
          flow.leave();
          const order = result.order;
          await ctx.reply(ctx.t('cart-order-placed', { number: order.number, total: money(ctx, order.total_minor, order.currency) }), {
            reply_markup: { remove_keyboard: true },
          });
          await afterOrder(ctx, order);
        },
      },
    },
  });

  composer.callbackQuery('cart:checkout', async (ctx) => {
    const view = await cart.view(ctx.from.id, ctx.locale);
    if (view.lines.length === 0) {
      await ctx.answerCallbackQuery({ text: ctx.t('cart-checkout-empty') });
      await showCart(ctx, 1);
      return;
    }
    await ctx.answerCallbackQuery();
    const available = methods();
    if (available.length === 0) {
      await ctx.reply(ctx.t('cart-no-delivery'));
      return;
    }
    await ctx.reply(ctx.t('cart-checkout-start'));
    if (available.length === 1) {
      const only = available[0] as 'pickup' | 'courier';
      await startFlow(ctx, checkoutFlow, only === 'pickup' ? 'pickup_point' : 'address', { method: only });
      await (only === 'pickup' ? askPickupPoint(ctx) : askAddress(ctx));
      return;
    }
    await startFlow(ctx, checkoutFlow, 'delivery', {});
    await askDelivery(ctx);
  });

  // A confirm or cancel button of a checkout that already ended (reply keyboards linger).
  composer.chatType('private').on('message:text', async (ctx, next) => {
    const answer = ctx.message.text.trim();
    if (answer !== ctx.t('cart-confirm-order') && answer !== ctx.t('cart-cancel-checkout')) return next();
    await leaveFlow(ctx);
    await ctx.reply(ctx.t('cart-checkout-stale'), { reply_markup: { remove_keyboard: true } });
  });

  return { composer, flows: [checkoutFlow] };
}
