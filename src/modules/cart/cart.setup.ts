import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createCartComposer } from './cart.bot.ts';
import { createCartMiniAppRoutes } from './cart.miniapp.ts';
import { cartSettingsSchema, createCartService } from './cart.service.ts';

/** Sets the cart module up; loaded only when a deployment runs it (see cart.module.ts). */
export function setupCart(deps: ModuleDeps<'users' | 'catalog' | 'orders'>): ModuleInstance {
  const { users, catalog, orders } = deps.services;
  if (!users || !catalog || !orders) throw new Error('the cart module needs the users, catalog and orders modules');
  const settings = cartSettingsSchema.parse(deps.config.settings.cart ?? undefined);
  const cart = createCartService({
    db: deps.database.db,
    now: deps.now,
    catalog,
    orders,
    i18n: deps.i18n,
    settings,
    currency: deps.config.business.currency,
    defaultLocale: deps.config.business.defaultLocale,
    initialPaymentMethod: () => orders.payments.initialMethod(),
  });

  catalog.registerCardActions((card) => {
    const sellable = card.variant ? card.variant.stock > 0 : card.product.variants.length === 0 && card.product.stock > 0;
    const actions = [{ label: deps.i18n.t(card.locale, 'cart-open'), data: 'cart:view:1' }];
    if (sellable) actions.unshift({ label: deps.i18n.t(card.locale, 'cart-add'), data: `cart:add:${card.product.id}:${card.variant?.id ?? 0}` });
    return actions;
  });
  orders.registerFunnel({ name: 'cart', usersSince: (sinceMs) => cart.usersAddingSince(sinceMs) });
  // Shop orders are physical unless every product in them is marked digital in the catalogue.
  orders.payments.useDigitalProducts((productIds) => catalog.digitalProductIds(productIds));
  // A cancelled shop order gives its units back, in the same transaction as the cancellation;
  // so does a refunded one whose goods never left (paid or in progress). Goods already shipped
  // or delivered come back only when staff receive them, so staff restock those by hand.
  orders.onStatusChange(async (trx, change) => {
    if (change.order.kind !== 'shop') return;
    const goodsInStock = change.to === 'cancelled' || (change.to === 'refunded' && (change.from === 'paid' || change.from === 'in_progress'));
    if (!goodsInStock) return;
    const lines = change.order.lines
      .filter((line) => line.line_kind === 'product' && line.product_id !== null)
      .map((line) => ({ productId: line.product_id as number, variantId: line.variant_id, quantity: line.quantity }));
    await catalog.releaseStock(trx, lines);
  });

  const bot = createCartComposer({ cart, users, payments: orders.payments, paymentScreen: orders.paymentScreen });
  return {
    service: cart,
    composer: bot.composer,
    flows: bot.flows,
    commands: [{ command: 'cart', description: 'command-cart' }],
    miniAppRoutes: createCartMiniAppRoutes({ cart, users, i18n: deps.i18n, db: deps.database.db, now: deps.now, currency: deps.config.business.currency }),
    segments: [
      {
        name: 'cart.abandoned_days',
        label: 'cart-segment-abandoned',
        parameter: 'days',
        userIds: (days) => cart.abandonedForDays(Number(days)),
      },
    ],
  };
}
