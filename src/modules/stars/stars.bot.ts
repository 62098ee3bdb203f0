import { Composer, InlineKeyboard } from 'grammy';
import type { Locale } from '../../config/business.ts';
import { formatDateTime } from '../../config/dates.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { parsePage } from '../../telegram/paginator.ts';
import { staffReader } from '../../telegram/refusals.ts';
import type { OrderKindScreens } from '../orders/orders.screens.ts';
import type { Order } from '../orders/orders.service.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import { starsOrderNumber } from './stars.messages.ts';
import { STARS_PURPOSE, StarsError, type StarsService } from './stars.service.ts';
import type { StarsOrder } from './stars.tables.ts';

/** Asks for a custom amount, then for the recipient. */
export const ORDER_FLOW = { name: 'stars-order', version: 1 } as const;

/** The orders module's list of the customer's orders, first page. */
const MY_ORDERS_ACTION = 'orders:my:1';

/** Days the Stars section of `/stats` covers. */
const STATS_DAYS = 30;

/**
 * The reseller in the bot: `/stars` (packages, a custom amount, the recipient, then payment),
 * each order's card opened from `/my_orders` (`/my_stars` opens that list too); for staff the
 * delivery buttons, `/stars_orders` and the Stars section of `/stats`.
 */
export function createStarsComposer(deps: { stars: StarsService; currency: string; timeZone(): string; now(): number }): {
  composer: Composer<BotContext>;
  flows: FlowDefinition[];
  screens: OrderKindScreens;
} {
  const { stars } = deps;
  const composer = new Composer<BotContext>();
  const price = (ctx: BotContext, amount: number) => formatMoney(stars.priceOf(amount), deps.currency, ctx.locale);

  const homeScreen = (ctx: BotContext) => {
    const keyboard = new InlineKeyboard();
    stars.settings.packages.forEach((amount, index) => {
      keyboard.text(ctx.t('stars-package-button', { stars: amount, price: price(ctx, amount) }), `stars:pkg:${amount}`);
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.row();
    if (stars.settings.custom) keyboard.text(ctx.t('stars-custom-button'), 'stars:custom').row();
    keyboard.text(ctx.t('stars-my-button'), MY_ORDERS_ACTION).row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: ctx.t('stars-home', { price: formatMoney(stars.priceOf(100), deps.currency, ctx.locale) }), keyboard };
  };

  const orderLine = (ctx: BotContext, order: StarsOrder) =>
    ctx.t('stars-order-line', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}`, status: ctx.t(`stars-state-${order.status.replace('_', '-')}`), amount: formatMoney(order.price_minor, order.currency, ctx.locale) });

  const askRecipient = async (ctx: BotContext, amount: number) => {
    await startFlow(ctx, ORDER_FLOW, 'recipient', { stars: amount });
    const keyboard = new InlineKeyboard();
    if (ctx.from?.username) keyboard.text(ctx.t('stars-to-me', { username: `@${ctx.from.username}` }), `stars:me:${amount}`);
    await editOrReply(ctx, ctx.t('stars-ask-recipient', { stars: amount, price: price(ctx, amount) }), { reply_markup: keyboard });
  };

  const createOrder = async (ctx: BotContext, amount: number, recipient: string) => {
    try {
      const order = await stars.createOrder({ userId: ctx.from?.id as number, stars: amount, recipient, locale: ctx.locale });
      const keyboard = new InlineKeyboard().text(ctx.t('stars-pay-button', { amount: formatMoney(order.price_minor, order.currency, ctx.locale) }), paymentMethodsData(STARS_PURPOSE, String(order.id))).row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
      await ctx.reply(ctx.t('stars-order-created', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}`, amount: formatMoney(order.price_minor, order.currency, ctx.locale), minutes: stars.settings.orderTtlMinutes }), { reply_markup: keyboard });
      return true;
    } catch (error) {
      if (!(error instanceof StarsError)) throw error;
      await ctx.reply(ctx.t(error.code === 'stars.invalid_recipient' ? 'stars-invalid-recipient' : 'stars-invalid-amount', { min: stars.settings.custom?.min ?? 0, max: stars.settings.custom?.max ?? 0 }));
      return false;
    }
  };

  composer.command('stars', async (ctx) => {
    const screen = homeScreen(ctx);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery('stars:home', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = homeScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });
  composer.callbackQuery(/^stars:pkg:(\d{1,7})$/, async (ctx, next) => {
    const amount = Number(ctx.match[1]);
    if (!stars.settings.packages.includes(amount)) return next();
    await ctx.answerCallbackQuery();
    await askRecipient(ctx, amount);
  });
  composer.callbackQuery('stars:custom', async (ctx, next) => {
    if (!stars.settings.custom) return next();
    await ctx.answerCallbackQuery();
    await startFlow(ctx, ORDER_FLOW, 'amount', {});
    await editOrReply(ctx, ctx.t('stars-ask-amount', { min: stars.settings.custom.min, max: stars.settings.custom.max }));
  });
  composer.callbackQuery(/^stars:me:(\d{1,7})$/, async (ctx, next) => {
    const amount = Number(ctx.match[1]);
    if (!stars.isValidAmount(amount) || !ctx.from.username) return next();
    await ctx.answerCallbackQuery();
    const session = await ctx.session;
    delete session.flow;
    await createOrder(ctx, amount, ctx.from.username);
  });

  // The customer's orders are the orders module's one list (`/my_orders`, where `/my_stars` leads too).

  const orderFlow = defineFlow<{ stars?: number }>({
    ...ORDER_FLOW,
    steps: {
      amount: {
        async onMessage(ctx, flow) {
          const amount = Number((ctx.message?.text ?? '').replace(/\s/g, ''));
          if (!Number.isInteger(amount) || !stars.isValidAmount(amount)) {
            await ctx.reply(ctx.t('stars-invalid-amount', { min: stars.settings.custom?.min ?? 0, max: stars.settings.custom?.max ?? 0 }));
            return;
          }
          flow.go('recipient', { stars: amount });
          const keyboard = new InlineKeyboard();
          if (ctx.from?.username) keyboard.text(ctx.t('stars-to-me', { username: `@${ctx.from.username}` }), `stars:me:${amount}`);
          await ctx.reply(ctx.t('stars-ask-recipient', { stars: amount, price: price(ctx, amount) }), { reply_markup: keyboard });
        },
      },
      recipient: {
        async onMessage(ctx, flow) {
          const amount = flow.data.stars ?? 0;
          if (await createOrder(ctx, amount, ctx.message?.text ?? '')) flow.leave();
        },
      },
    },
  });

  // Staff

  composer.callbackQuery(/^stars:(ok|fail|retry):(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const orderId = Number(ctx.match[2]);
    const actor = { type: 'admin' as const, id: ctx.from.id };
    try {
      const order =
        ctx.match[1] === 'ok'
          ? await stars.markDelivered(orderId, actor)
          : ctx.match[1] === 'fail'
            ? await stars.markFailed(orderId, actor, ctx.t('stars-staff-failed-reason'))
            : await stars.retry(orderId, actor);
      await ctx.answerCallbackQuery({ text: orderLine(ctx, order) });
      await ctx.editMessageReplyMarkup({ reply_markup: order.status === 'failed' ? new InlineKeyboard().text(ctx.t('stars-staff-retry'), `stars:retry:${order.id}`) : undefined }).catch(() => undefined);
    } catch (error) {
      if (!(error instanceof StarsError)) throw error;
      const current = await stars.get(orderId);
      await ctx.answerCallbackQuery({ text: ctx.t('stars-staff-already', { id: current ? starsOrderNumber(current) : `#${orderId}` }), show_alert: true });
    }
  });

  composer.command('stars_orders', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const orders = await stars.listRecent(15);
    const keyboard = new InlineKeyboard();
    for (const order of orders.filter((item) => item.status === 'delivering' || item.status === 'failed').slice(0, 5)) {
      if (order.status === 'delivering') keyboard.text(`✅ #${order.id}`, `stars:ok:${order.id}`).text(`❌ #${order.id}`, `stars:fail:${order.id}`).row();
      else keyboard.text(`🔁 #${order.id}`, `stars:retry:${order.id}`).row();
    }
    await ctx.reply(orders.length === 0 ? ctx.t('stars-my-empty') : [ctx.t('stars-staff-orders'), '', ...orders.map((order) => orderLine(ctx, order))].join('\n'), { reply_markup: keyboard });
  });

  // One order among the customer's orders (`/my_orders`): what was bought, for whom, where it stands.
  const customerCard = (ctx: BotContext, order: StarsOrder, page: number) => {
    const keyboard = new InlineKeyboard();
    if (order.status === 'awaiting_payment') keyboard.text(ctx.t('stars-pay-button', { amount: formatMoney(order.price_minor, order.currency, ctx.locale) }), paymentMethodsData(STARS_PURPOSE, String(order.id))).row();
    keyboard.text(ctx.t('stars-back-to-orders'), `orders:my:${page}`).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const text = ctx.t('stars-detail', {
      number: starsOrderNumber(order),
      status: stars.messages.statusLabel(order.status, ctx.locale),
      stars: order.stars,
      recipient: `@${order.recipient}`,
      amount: formatMoney(order.price_minor, order.currency, ctx.locale),
      at: formatDateTime(order.created_at, ctx.locale, deps.timeZone()),
    });
    return { text, keyboard };
  };

  composer.callbackQuery(/^stars:o:(\d{1,12}):(\d{1,4})$/, async (ctx, next) => {
    const order = await stars.findByOrderId(Number(ctx.match[1]));
    const page = parsePage(ctx.match[2]);
    // Someone else's order (tampered data) or a gone one: the fallback refreshes the menu.
    if (!order || order.user_id !== ctx.from.id || page === undefined) return next();
    await ctx.answerCallbackQuery();
    const card = customerCard(ctx, order, page);
    await editOrReply(ctx, card.text, { reply_markup: card.keyboard });
  });

  const staffButtons = (ctx: BotContext, order: StarsOrder) => {
    if (order.status === 'delivering') return new InlineKeyboard().text(ctx.t('stars-staff-delivered'), `stars:ok:${order.id}`).text(ctx.t('stars-staff-failed'), `stars:fail:${order.id}`);
    if (order.status === 'failed') return new InlineKeyboard().text(ctx.t('stars-staff-retry'), `stars:retry:${order.id}`);
    return undefined;
  };

  const statsLines = async (locale: Locale): Promise<string[]> => {
    const figures = await stars.figures(deps.now() - STATS_DAYS * 24 * 3600_000);
    const t = (key: string, args?: Record<string, string | number>) => stars.messages.t(locale, key, args);
    const revenue = figures.revenue.length === 0 ? formatMoney(0, deps.currency, locale) : figures.revenue.map((item) => formatMoney(item.totalMinor, item.currency, locale)).join(' + ');
    return [
      t('stars-stats-title', { days: STATS_DAYS }),
      t('stars-stats-sold', { stars: figures.starsSold, orders: figures.deliveredOrders }),
      t('stars-stats-revenue', { revenue }),
      ...figures.byStatus.map((item) => t('stars-stats-status', { status: stars.messages.statusLabel(item.status, locale), count: item.orders })),
    ];
  };

  /** How Stars orders look on the orders module's screens (`/my_orders`, `/track_order`, `/stats`). */
  const screens: OrderKindScreens = {
    statusLabel: (status, locale) => stars.messages.statusLabel(status as StarsOrder['status'], locale),
    customerCardData: (orderId, page) => `stars:o:${orderId}:${page}`,
    async track(ctx: BotContext, found: Order) {
      const order = await stars.findByOrderId(found.id);
      if (!order) return;
      if (ctx.isAdmin && order.user_id !== ctx.from?.id) {
        const locale = staffReader(ctx) ?? ctx.locale;
        await ctx.reply(await stars.staffCard(order, locale), { parse_mode: 'HTML', reply_markup: staffButtons(ctx, order) });
        return;
      }
      const card = customerCard(ctx, order, 1);
      await ctx.reply(card.text, { reply_markup: card.keyboard });
    },
    stats: statsLines,
    listCommands: ['my_stars'],
  };

  return { composer, flows: [orderFlow], screens };
}
