import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createStarsComposer } from './stars.bot.ts';
import { createStarsService, FULFIL_JOB } from './stars.service.ts';
import { STARS_NUMBER_PREFIX, STARS_STATUS_MACHINE } from './stars.status.ts';
import type { KindNotifications } from '../orders/orders.service.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { starsSettingsSchema } from './stars.settings.ts';
import { fullName } from '../users/users.names.ts';

/** Sets the stars module up; loaded only when a deployment runs it (see stars.module.ts). */
export function setupStars(deps: ModuleDeps<'users' | 'payments' | 'orders'>): ModuleInstance {
  const { payments, orders, users } = deps.services;
  if (!payments || !orders || !users) throw new Error('the stars module needs the users, payments and orders modules');
  const settings = starsSettingsSchema.parse(deps.config.settings.stars);
  const stars = createStarsService({
    db: deps.database.db,
    now: deps.now,
    logger: deps.logger,
    i18n: deps.i18n,
    settings,
    currency: deps.config.business.currency,
    // Each staff member reads alerts in their own language; a staff group in the business's.
    staffChats: (executor) =>
      staffChatLocales(executor, staffChatIds(deps.config, deps.env.ADMIN_IDS), deps.config.business.defaultLocale),
    staffLocale: deps.config.business.defaultLocale,
    hookSecret: deps.env.STARS_FULFILMENT_SECRET,
    outgoing: createOutgoingPolicy(deps.config.outgoing.allowPrivate, { untilDurable: deps.database.untilDurable }),
    orders,
    async customer(userId) {
      const user = await users.get(userId);
      return { id: userId, name: user ? fullName(user) : String(userId), username: user?.username ?? null };
    },
    async paymentMethod(paymentId) {
      const payment = await payments.get(paymentId);
      return payment ? (locale) => payments.methodLabel(payment, locale) : undefined;
    },
    // Read at use time: the owner may change the time zone while Lavka runs.
    timeZone: () => deps.config.business.timeZone,
  });
  // The reseller tells customers and staff about each step itself: the order's moves are recorded silently.
  const silent = async () => [];
  const notifications: KindNotifications = {
    staffNewOrder: silent,
    customerStatusChanged: async (_executor, order, locale) => ({ method: 'sendMessage', payload: { text: deps.i18n.t(locale, 'orders-notify-status', { number: order.number, status: stars.messages.statusLabel(order.status as never, locale) }) } }),
    staffStatusChanged: silent,
    staffOrderPaid: silent,
    staffExtraPayment: silent,
    staffRefundRefused: silent,
  };
  orders.registerKind({
    machine: STARS_STATUS_MACHINE,
    numberPrefix: STARS_NUMBER_PREFIX,
    notifications,
    notifiesCustomer: async () => false,
    // Deliveries, retries and refunds are the reseller's: its buttons move the order.
    managedBy: 'stars',
  });
  payments.registerPurpose(stars.purpose);
  const timeZone = () => deps.config.business.timeZone;
  const { composer, flows, screens } = createStarsComposer({ stars, currency: deps.config.business.currency, timeZone, now: deps.now });
  orders.registerScreens(STARS_STATUS_MACHINE.kind, screens);
  return {
    service: stars,
    composer,
    flows,
    commands: [
      { command: 'stars', description: 'command-stars' },
      // `/my_orders` (the orders module's) lists Stars orders; `/my_stars` still leads there.
      { command: 'stars_orders', description: 'command-stars-orders', audience: 'admin' },
    ],
    jobHandlers: {
      [FULFIL_JOB]: async (payload) => {
        const orderId = Number((payload as { orderId?: unknown } | null)?.orderId);
        if (Number.isSafeInteger(orderId)) await stars.fulfil(orderId);
      },
    },
    jobs: [{ name: 'stars.expire', everyMs: 60_000, run: async () => void (await stars.expireStale()) }],
  };
}
