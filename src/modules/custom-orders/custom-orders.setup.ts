import { ConfigError } from '../../config/env.ts';
import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createCustomOrdersBot } from './custom-orders.bot.ts';
import { createFileLinkRoutes, createFileLinks } from './custom-orders.file-links.ts';
import { createCustomOrdersMiniAppRoutes } from './custom-orders.miniapp.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { changePrintStatusAsStaff } from './custom-orders.staff-status.ts';
import { createCustomOrderMessages } from './custom-orders.messages.ts';
import { PRINT_PURPOSE, createPrintPurpose } from './custom-orders.purpose.ts';
import { createCustomOrdersRoutes } from './custom-orders.routes.ts';
import { createCustomOrdersService } from './custom-orders.service.ts';
import { customOrdersSettingsSchema } from './custom-orders.settings.ts';
import { PRINT_STATUS_MACHINE } from './custom-orders.status.ts';
import { createModelAnalyser } from './mesh/analyser.ts';

/** Reads `settings.custom-orders`, stopping start-up with every problem listed. */
function readSettings(raw: unknown) {
  const parsed = customOrdersSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      'Lavka cannot start: settings.custom-orders in the business configuration is invalid.',
      parsed.error.issues.map((issue) => `settings.custom-orders.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Sets the custom-orders module up; loaded only when a deployment runs it (see custom-orders.module.ts). */
export function setupCustomOrders(deps: ModuleDeps<'users' | 'orders' | 'payments' | 'broadcasts', 'integrations'>): ModuleInstance {
  const { users, orders, payments } = deps.services;
  if (!users || !orders || !payments) throw new Error('the custom-orders module needs the users, orders and payments modules');
  const settings = readSettings(deps.config.settings['custom-orders']);
  if (settings.stars !== undefined) {
    deps.logger.warn('settings.custom-orders.stars is ignored: a printed part is a physical good, and Telegram allows Stars only for digital goods and services. Print jobs are paid by card (PAYMENTS_PROVIDER_TOKEN), QR, transfer or in cash.');
  }
  const { business } = deps.config;
  // Read at use time: the owner may change the time zone while Lavka runs.
  const timeZone = () => deps.config.business.timeZone;
  const messages = createCustomOrderMessages({ i18n: deps.i18n, settings, timeZone, staffLocale: business.defaultLocale });
  const analyser = createModelAnalyser({ timeoutMs: 60_000 });
  const service = createCustomOrdersService({
    db: deps.database.db,
    now: deps.now,
    settings,
    currency: business.currency,
    timeZone,
    orders,
    payments,
    purpose: PRINT_PURPOSE,
    localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
    analyser,
    texts: messages.serviceTexts(),
  });
  // The order back end gets each job's files by signed links (inline without PUBLIC_URL).
  const { integrations } = deps.services;
  if (!integrations) throw new Error('the custom-orders module needs the integrations module (a core module)');
  const fileLinks = createFileLinks({
    key: integrations.signingKey('custom-orders.file-links'),
    publicUrl: deps.env.PUBLIC_URL,
    now: deps.now,
  });
  // One status machine, run by the orders service, with the jobs' own texts and /subscribe rule.
  orders.registerKind({
    machine: PRINT_STATUS_MACHINE,
    numberPrefix: settings.numberPrefix,
    notifications: messages.notifications((executor, order) => service.quotedViewIn(executor, order)),
    notifiesCustomer: (executor, order, change) => service.notifiesCustomer(executor, order, change),
    managedBy: 'custom-orders',
    // A new price sends a job back to `quoted`, and its acceptance to `awaiting_payment` again.
    repeatsStatuses: true,
    createdEventData: (executor, order) => fileLinks.createdEventData(executor, order),
    // The integration API and the order back end move jobs by this module's rules (a paid job stopped is refunded first).
    moveAsStaff: async (change) => (await changePrintStatusAsStaff(service, change, { role: 'staff', id: change.actorId })).order,
  });
  payments.registerPurpose(createPrintPurpose({ service, orders, messages, i18n: deps.i18n, settings, defaultLocale: business.defaultLocale }));
  const broadcasts = deps.services.broadcasts;
  const bot = createCustomOrdersBot({
    service,
    messages,
    settings,
    config: deps.config,
    payments,
    now: deps.now,
    resubscribeToNews: broadcasts ? (userId) => broadcasts.resubscribe(userId) : undefined,
  });
  orders.registerScreens(PRINT_STATUS_MACHINE.kind, bot.screens);
  return {
    service,
    composer: bot.composer,
    flows: bot.flows,
    guard: bot.guard,
    // `/my_orders`, `/track_order` and `/stats` are the orders module's, showing print jobs too.
    commands: [
      { command: 'new_order', description: 'co-command-new-order' },
      { command: 'subscribe', description: 'co-command-subscribe' },
    ],
    // The Mini App's print quote: upload, preview and the live price (the order is placed in the chat).
    miniAppRoutes: createCustomOrdersMiniAppRoutes({ service, settings, currency: business.currency, measurementsText: (measurements, locale) => messages.measurementsText(measurements, locale) }),
    routes: createCustomOrdersRoutes({ service, currency: business.currency, paymentView: payments.screens.paymentView }),
    publicRoutes: createFileLinkRoutes({
      links: fileLinks,
      async file(fileId) {
        const repository = createCustomOrdersRepository(deps.database.db);
        const file = await repository.findFile(fileId);
        const data = file ? await repository.fileData(fileId) : undefined;
        return file && data ? { name: file.file_name, format: file.format, orderId: file.order_id, content: data.content } : undefined;
      },
    }),
    jobs: [
      {
        name: 'custom-orders-purge-drafts',
        everyMs: 3600_000,
        run: async () => {
          const removed = await service.purgeDrafts();
          if (removed > 0) deps.logger.info({ removed }, 'abandoned model files deleted');
        },
      },
    ],
  };
}
