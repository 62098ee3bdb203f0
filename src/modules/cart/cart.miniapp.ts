// The cart in the Mini App: the same cart as the chat's (one row per user in the database, the
// Telegram user id the key), its lines, the delivery choices and the checkout, which places the
// order through the same use case as the bot's and tells the customer in their chat.

import { z } from 'zod';
import { formatMoney, toMinor } from '../../config/money.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { MiniAppPrincipal } from '../../platform/principal.ts';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { customerOrderData } from '../orders/orders.messages.ts';
import type { UsersService } from '../users/users.service.ts';
import { CartError, pickupPointName, type CartIssue, type CartService, type CartView, type CheckoutQuote, type DeliveryChoice } from './cart.service.ts';
import { fullName } from '../users/users.names.ts';

/** The kind of each refusal the app's cart answers with. */
const KINDS: Readonly<Record<string, ErrorKind>> = {
  'cart.item_unavailable': 'not_found',
  'cart.line_not_found': 'not_found',
  'cart.not_enough_stock': 'conflict',
  'cart.quantity_out_of_range': 'invalid',
  'cart.too_many_lines': 'conflict',
  'cart.empty': 'conflict',
  'cart.changed': 'conflict',
  'cart.delivery_unavailable': 'invalid',
  'cart.phone_invalid': 'invalid',
};

/** A refusal of the app's cart, answered in the API's one error shape. */
export class CartApiError extends refusalClass('CartApiError', KINDS) {}

/** Lengths the chat's checkout accepts too. */
const ADDRESS_LENGTH = { min: 5, max: 300 } as const;
const COMMENT_MAX = 500;

const itemBody = z.object({ product_id: z.number().int().positive(), variant_id: z.number().int().positive().nullable().default(null), quantity: z.number().int().min(1).max(999).default(1) });
const lineParams = z.object({ id: z.coerce.number().int().positive() });
const quantityBody = z.object({ quantity: z.number().int().min(0).max(999) });
const deliveryBody = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pickup'), pickup_point: z.string().trim().min(1).max(60) }),
  z.object({ method: z.literal('courier'), address: z.string().trim().min(ADDRESS_LENGTH.min).max(ADDRESS_LENGTH.max) }),
]);
const quoteBody = z.object({ delivery: deliveryBody.optional() });
const checkoutBody = z.object({
  delivery: deliveryBody,
  phone: z.string().trim().min(3).max(32),
  comment: z.string().trim().max(COMMENT_MAX).optional(),
  /** The signature of the quote the customer confirmed; the order is placed only if nothing moved since. */
  signature: z.string().min(1).max(4000),
});

/** The cart as the app shows it. */
function cartView(view: CartView) {
  return {
    lines: view.lines.map((line) => ({
      id: line.itemId,
      product_id: line.productId,
      variant_id: line.variantId,
      title: line.title,
      variant_title: line.variantTitle,
      quantity: line.quantity,
      unit_price_minor: line.unitPriceMinor,
      line_total_minor: line.lineTotalMinor,
      stock: line.stock,
    })),
    currency: view.currency,
    total_minor: view.totalMinor,
    units: view.units,
  };
}

function quoteView(quote: CheckoutQuote) {
  return { cart: cartView(quote.view), delivery_fee_minor: quote.deliveryFeeMinor, total_minor: quote.totalMinor, signature: quote.signature };
}

function issueView(issue: CartIssue) {
  return issue.kind === 'gone' ? { kind: issue.kind } : { ...issue, variantTitle: issue.variantTitle ?? null };
}

/** A cart rule broken in the service, as the API's refusal. */
function asApiError(error: unknown): never {
  if (error instanceof CartError) throw new CartApiError(error.code, error.message, error.details);
  throw error;
}

/** Dependencies of {@link createCartMiniAppRoutes}. */
export interface CartMiniAppDeps {
  cart: CartService;
  users: UsersService;
  i18n: Translator;
  db: Db;
  now(): number;
  /** The business currency (the courier fee is configured in its major units). */
  currency: string;
}

/** The cart's routes of the Mini App's API. */
export function createCartMiniAppRoutes(deps: CartMiniAppDeps): AnyApiRoute[] {
  const { cart, users } = deps;
  const { settings, defaultLocale } = cart;
  const view = async (principal: MiniAppPrincipal) => ({ cart: cartView(await cart.view(principal.userId, principal.locale)) });

  /** The delivery choice as the cart service keeps it: a pickup point by its name in the business's language. */
  const deliveryOf = (body: z.output<typeof deliveryBody>): DeliveryChoice => {
    if (body.method === 'courier') {
      if (!settings.courier.enabled) throw new CartApiError('cart.delivery_unavailable', 'Courier delivery is not offered.');
      return { method: 'courier', address: body.address.replace(/\s+/g, ' ') };
    }
    const point = settings.pickupPoints.find((candidate) => pickupPointName(candidate, defaultLocale, defaultLocale) === body.pickup_point);
    if (!point) throw new CartApiError('cart.delivery_unavailable', 'There is no such pickup point.', { pickupPoint: body.pickup_point });
    return { method: 'pickup', pickupPoint: body.pickup_point };
  };

  return [
    miniAppRoute({
      method: 'GET',
      url: '/cart',
      summary: 'The cart (the same as in the chat)',
      handler: async ({ principal }) => view(principal),
    }),
    miniAppRoute({
      method: 'POST',
      url: '/cart/items',
      summary: 'Adds units of a product or variant to the cart',
      body: itemBody,
      handler: async ({ body, principal }) => {
        await cart.add(principal.userId, { productId: body.product_id, variantId: body.variant_id }, body.quantity, principal.locale).catch(asApiError);
        return view(principal);
      },
    }),
    miniAppRoute({
      method: 'PATCH',
      url: '/cart/items/:id',
      summary: 'Sets a line’s quantity (0 removes it)',
      params: lineParams,
      body: quantityBody,
      handler: async ({ params, body, principal }) => {
        const current = (await cart.view(principal.userId, principal.locale)).lines.find((line) => line.itemId === params.id);
        if (!current) throw new CartApiError('cart.line_not_found', 'This line is no longer in the cart.', { id: params.id });
        if (body.quantity !== current.quantity) await cart.changeQuantity(principal.userId, params.id, body.quantity - current.quantity).catch(asApiError);
        return view(principal);
      },
    }),
    miniAppRoute({
      method: 'DELETE',
      url: '/cart/items/:id',
      summary: 'Removes a line from the cart',
      params: lineParams,
      handler: async ({ params, principal }) => {
        if (!(await cart.remove(principal.userId, params.id))) throw new CartApiError('cart.line_not_found', 'This line is no longer in the cart.', { id: params.id });
        return view(principal);
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/cart/checkout',
      summary: 'What checkout offers: delivery methods, pickup points, the courier fee and the phone on file',
      handler: async ({ principal }) => {
        const user = await users.get(principal.userId);
        return {
          pickup_points: settings.pickupPoints.map((point) => ({ id: pickupPointName(point, defaultLocale, defaultLocale), name: pickupPointName(point, principal.locale, defaultLocale) })),
          courier: settings.courier.enabled
            ? { fee_minor: toMinor(settings.courier.fee, deps.currency), free_from_minor: settings.courier.freeFrom === undefined ? null : toMinor(settings.courier.freeFrom, deps.currency) }
            : null,
          phone: user?.phone ?? null,
          phone_example: users.phoneExample(),
        };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/cart/quote',
      summary: 'Re-checks the cart and prices it with a delivery choice',
      body: quoteBody,
      handler: async ({ body, principal }) => {
        const reviewed = await cart.review(principal.userId, principal.locale, body.delivery ? deliveryOf(body.delivery) : undefined);
        return { ...quoteView(reviewed.quote), issues: reviewed.issues.map(issueView) };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/cart/checkout',
      summary: 'Places the order from the cart, if nothing changed since the quote',
      status: 201,
      body: checkoutBody,
      handler: async ({ body, principal }) => {
        const delivery = deliveryOf(body.delivery);
        const phone = await users.setPhone(principal.userId, body.phone);
        if (!phone) throw new CartApiError('cart.phone_invalid', `This phone number is not valid; for example ${users.phoneExample()}.`, { example: users.phoneExample() });
        const result = await cart.checkout({
          userId: principal.userId,
          locale: principal.locale,
          contactName: fullName(principal.user),
          contactPhone: phone,
          delivery,
          comment: body.comment ? body.comment : null,
          expectedSignature: body.signature,
        });
        if (result.status === 'empty') throw new CartApiError('cart.empty', 'The cart is empty.');
        if (result.status === 'changed') {
          throw new CartApiError('cart.changed', 'Something in the cart changed (a price or the stock). Check the new total and confirm again.', {
            issues: result.issues.map(issueView),
            quote: quoteView(result.quote),
          });
        }
        const order = result.order;
        // The order lives in the chat as every other: the customer finds it there, with its buttons.
        const t = (id: string, variables?: Record<string, string | number>) => deps.i18n.t(principal.locale, id, variables);
        await enqueueOutbox(
          deps.db,
          {
            chatId: principal.userId,
            method: 'sendMessage',
            priority: 'high',
            dedupeKey: `order:${order.id}:placed-in-app`,
            payload: {
              text: t('cart-order-placed', { number: order.number, total: formatMoney(order.total_minor, order.currency, principal.locale) }),
              reply_markup: { inline_keyboard: [[{ text: t('orders-open'), callback_data: customerOrderData(order.id) }]] },
            },
          },
          deps.now(),
        );
        return { order: { id: order.id, number: order.number, total_minor: order.total_minor, currency: order.currency, status: order.status } };
      },
    }),
  ];
}
