/**
 * The checkout in the bot: the "Checkout" button and the flow behind it — delivery method,
 * pickup point or address, phone (shared contact or typed), comment, summary, confirmation —
 * plus the answer to a confirm or cancel button of a checkout that already ended.
 */
import type { Composer } from 'grammy';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, leaveFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import type { CartBotShared } from './cart.bot.shared.ts';
import type { CheckoutData, CheckoutScreens } from './cart.checkout.screens.ts';
import { pickupPointName } from './cart.service.ts';
import { fullName } from '../users/users.names.ts';

/** Shortest and longest courier address accepted. */
const ADDRESS_LENGTH = { min: 5, max: 300 } as const;
/** Longest order comment. */
const COMMENT_MAX = 500;

/** The message's text, trimmed (empty for anything but text). */
const text = (ctx: BotContext) => ctx.message?.text?.trim() ?? '';

/** The checkout flow: one step per question, the answers kept in the session. */
export function createCheckoutFlow(shared: CartBotShared, screens: CheckoutScreens): FlowDefinition {
  const { deps, cart, settings, defaultLocale, methods, money } = shared;
  const { afterOrder, delivery, askDelivery, askPickupPoint, askAddress, askPhone, askComment, confirmKeyboard, showSummary } = screens;

  return defineFlow<CheckoutData>({
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
          const name = fullName(ctx.from);
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
}

/** Registers the "Checkout" button and the answer to a stale confirm / cancel button. */
export function registerCheckout(composer: Composer<BotContext>, shared: CartBotShared, screens: CheckoutScreens, checkoutFlow: FlowDefinition): void {
  const { cart, methods, showCart } = shared;
  const { askDelivery, askPickupPoint, askAddress } = screens;

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
}
