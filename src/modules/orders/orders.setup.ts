import type { DbExecutor } from '../../db/database.ts';
import { formatMoney } from '../../config/money.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';
import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createOrdersComposer, createOrdersReport, orderPaymentScreen } from './orders.bot.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import { createOrderMessages } from './orders.messages.ts';
import { createOrdersApi } from './orders.api.ts';
import { createOrdersRoutes } from './orders.routes.ts';
import { createOrderPayments } from './orders.payments.ts';
import { createOrdersService, type OrdersService } from './orders.service.ts';
import { readOrdersBackendConfig } from './connectors/orders-backend.config.ts';
import { createOrdersBackend, ORDERS_BACKEND } from './connectors/orders-backend.ts';
import { createOrdersBackendRoutes } from './connectors/orders-backend.routes.ts';
import { createOrdersMiniAppRoutes } from './orders.miniapp.ts';
import type { OrdersModuleService } from './orders.contract.ts';
import { ordersSettingsSchema } from './orders.settings.ts';

/** Sets the orders module up; loaded only when a deployment runs it (see orders.module.ts). */
export async function setupOrders(deps: ModuleDeps<'users' | 'reports', 'payments' | 'integrations'>): Promise<ModuleInstance> {
  const users = deps.services.users;
  if (!users) throw new Error('the orders module needs the users module');
  const settings = ordersSettingsSchema.parse(deps.config.settings.orders ?? undefined);
  const { business } = deps.config;
  // Read at use time: the owner may change the time zone while Lavka runs.
  const timeZone = () => deps.config.business.timeZone;
  const staffChatIds = () => configuredStaffChats(deps.config, deps.env.ADMIN_IDS);
  // Each staff member reads alerts in their own language; a staff group in the business's.
  const staffChats = (executor: DbExecutor) => staffChatLocales(executor, staffChatIds(), business.defaultLocale);
  // The service and its texts refer to each other: texts need the machines, the service
  // needs the texts. The late-bound reference is set right below.
  let machineOf: OrdersService['machineOf'] = () => {
    throw new Error('orders service not ready');
  };
  const messages = createOrderMessages({ i18n: deps.i18n, timeZone, staffLocale: business.defaultLocale, machineOf: (kind) => machineOf(kind) });
  const orders = createOrdersService({
    db: deps.database.db,
    now: deps.now,
    timeZone,
    numberPrefixes: settings.numberPrefixes,
    fallbackPrefix: settings.fallbackPrefix,
    staffChats,
    localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
    users,
    notifications: messages.notifications(),
    events: deps.events,
  });
  machineOf = orders.machineOf;
  const payments = createOrderPayments({
    orders,
    messages,
    i18n: deps.i18n,
    settings: settings.payment,
    currency: business.currency,
    kind: 'shop',
    defaultLocale: business.defaultLocale,
  });
  if (deps.services.payments) payments.connect(deps.services.payments);
  const screens = new Map<string, OrderKindScreens>();
  const methodRows = deps.services.payments?.screens.methodRows;
  const service: OrdersModuleService = {
    ...orders,
    payments,
    paymentScreen: (ctx, order, extra) => orderPaymentScreen(ctx, order, payments, extra, methodRows),
    registerScreens(kind, kindScreens) {
      // An unregistered kind is a wiring mistake: it fails at start-up, not on a customer's screen.
      orders.machineOf(kind);
      screens.set(kind, kindScreens);
    },
  };
  // The order back end, when the config file names one; without it, an endpoint it once had goes.
  const { integrations } = deps.services;
  const backendConfig = readOrdersBackendConfig(deps.config.connectors.orders, deps.env);
  if (backendConfig && !integrations) throw new Error('connectors.orders needs the integrations module (a core module)');
  const backend = backendConfig && integrations ? await createOrdersBackend({ config: backendConfig, orders, payments, webhooks: integrations.webhooks }) : undefined;
  if (!backend) await integrations?.webhooks.unmanage(ORDERS_BACKEND);
  if (backend && !deps.env.PUBLIC_URL) deps.logger.warn('PUBLIC_URL is not set: the order back end gets print files inline (up to 5 MB per order) instead of download links');
  // `/stats` and `/export` are the reports module's: the orders of every kind are its part.
  deps.services.reports.register(createOrdersReport({ orders, messages, screens, timeZone, now: deps.now, currency: business.currency }));
  return {
    service,
    composer: createOrdersComposer({ orders, messages, payments, i18n: deps.i18n, timeZone, now: deps.now, kind: 'shop', currency: business.currency, screens, methodRows }),
    commands: [
      { command: 'my_orders', description: 'command-my-orders' },
      { command: 'track_order', description: 'command-track-order' },
    ],
    routes: createOrdersRoutes({ orders, payments, paymentView: deps.services.payments?.screens.paymentView, i18n: deps.i18n, config: deps.config, now: deps.now }),
    integrationRoutes: createOrdersApi({ orders, payments }),
    miniAppRoutes: createOrdersMiniAppRoutes({ orders, payments, messages }),
    ...(backend && integrations ? { publicRoutes: createOrdersBackendRoutes({ backend, idempotency: integrations.idempotency }) } : {}),
    segments: [
      {
        name: 'orders.ordered_within_days',
        label: 'orders-segment-ordered-within-days',
        parameter: 'days',
        userIds: (days) => orders.customersWithinDays(Number(days)),
      },
    ],
    async dailyReport(window) {
      const summary = await orders.windowSummary(window);
      const revenue =
        summary.revenue.length === 0
          ? formatMoney(0, business.currency, window.locale)
          : summary.revenue.map((item) => formatMoney(item.totalMinor, item.currency, window.locale)).join(' + ');
      return [
        deps.i18n.t(window.locale, 'orders-report-day', { count: summary.orders, revenue }),
        deps.i18n.t(window.locale, 'orders-report-waiting', { count: summary.waiting }),
      ];
    },
  };
}
