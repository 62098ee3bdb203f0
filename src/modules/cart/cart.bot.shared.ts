/**
 * What the parts of the cart bot share: their dependencies, the cart screen's callback data,
 * and the helpers both the cart screen and the checkout use (names, money, the cart screen).
 */
import { InlineKeyboard } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, paginate } from '../../telegram/paginator.ts';
import type { OrdersModuleService } from '../orders/orders.module.ts';
import type { OrderPayments } from '../orders/orders.payments.ts';
import type { UsersService } from '../users/users.service.ts';
import { pickupPointName, type CartService, type CartView } from './cart.service.ts';

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

/** A screen: its text and its buttons. */
export interface CartScreen {
  text: string;
  keyboard: InlineKeyboard;
}

/** What the parts of the cart bot share. */
export interface CartBotShared {
  deps: CartComposerDeps;
  cart: CartService;
  settings: CartService['settings'];
  defaultLocale: CartService['defaultLocale'];
  /** A pickup point, kept by its name in the business's language, named in the customer's. */
  pointName(ctx: BotContext, key: string | undefined): string;
  /** The delivery methods on offer now. */
  methods(): ('pickup' | 'courier')[];
  money(ctx: BotContext, amountMinor: number, currency: string): string;
  lineName(line: { title: string; variantTitle: string | null }): string;
  /** The cart screen; from `view` when the caller has just read the cart, else from a fresh read. */
  cartScreen(ctx: BotContext, page: number, view?: CartView): Promise<CartScreen>;
  showCart(ctx: BotContext, page: number, view?: CartView): Promise<void>;
}

/** The helpers and the cart screen shared by the parts of the cart bot. */
export function createCartBotShared(deps: CartComposerDeps): CartBotShared {
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

  const cartScreen = async (ctx: BotContext, page: number, known?: CartView) => {
    const view = known ?? (await cart.view(ctx.from?.id ?? 0, ctx.locale));
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

  const showCart = async (ctx: BotContext, page: number, view?: CartView) => {
    const screen = await cartScreen(ctx, page, view);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  };

  return { deps, cart, settings, defaultLocale, pointName, methods, money, lineName, cartScreen, showCart };
}
