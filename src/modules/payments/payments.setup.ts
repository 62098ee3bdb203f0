import { Api } from 'grammy';
import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { addPaymentMethodRows, createPaymentsComposer } from './payments.bot.ts';
import { orderPaymentView } from './payments.views.ts';
import { createReceiptFiles } from './payments.receipts.ts';
import { createPaymentsRoutes, createPaymentsWebhookRoutes } from './payments.routes.ts';
import { createPaymentsService } from './payments.service.ts';
import { paymentsSettingsSchema, paymentsSettingsSection, type MethodReadiness, type PaymentMethodId } from './payments.settings.ts';
import type { TelegramPaymentsApi } from './payments.types.ts';
import { createHeleketProvider } from './providers/heleket.provider.ts';
import { createManualProvider } from './providers/manual.provider.ts';
import { createQrProvider } from './providers/qr.provider.ts';
import { SANDBOX_PROVIDER_TOKEN, createTelegramCardProvider } from './providers/telegram-card.provider.ts';
import { createTelegramStarsProvider } from './providers/telegram-stars.provider.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';
import { API_TRANSPORT } from '../../telegram/api-transport.ts';
import { createPaymentsApi } from './payments.api.ts';
import { createPaymentsMiniAppRoutes } from './payments.miniapp.ts';

/** Wraps a grammY client as the calls payments makes outside handlers. */
function telegramPaymentsApi(api: Api): TelegramPaymentsApi {
  return {
    refundStarPayment: (userId, chargeId) => api.refundStarPayment(userId, chargeId),
    createInvoiceLink: (invoice) =>
      api.createInvoiceLink(invoice.title, invoice.description, invoice.payload, invoice.providerToken ?? '', invoice.currency, invoice.prices),
  };
}

/** Sets the payments module up; loaded only when a deployment runs it (see payments.module.ts). */
export function setupPayments(deps: ModuleDeps<'users' | 'audit'>): ModuleInstance {
  const { users } = deps.services;
  if (!users) throw new Error('the payments module needs the users module');
  const configured = paymentsSettingsSchema.parse(deps.config.settings.payments);
  // The owner changes the offered methods and requisites in the panel; everything reads them here.
  let live = configured;
  const settings = () => live;
  const { env } = deps;
  // With a real token the module has its own client; in the sandbox it borrows the bot's on its first
  // update, or the running bot's (a Mini App may open a payment before the module saw any update).
  let borrowed: Api | undefined;
  const own = env.TELEGRAM_BOT_TOKEN ? new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT, ...API_TRANSPORT }) : undefined;
  const telegram = () => {
    const api = own ?? borrowed ?? deps.runtime.telegram();
    return api ? telegramPaymentsApi(api) : undefined;
  };
  const callbackUrl = env.PUBLIC_URL ? `${env.PUBLIC_URL.replace(/\/+$/, '')}/public/payments/webhooks/heleket` : undefined;
  if (!callbackUrl && env.HELEKET_API_KEY) deps.logger.warn('PUBLIC_URL is not set: Heleket cannot send webhooks; payments are confirmed by status polling only');
  if (configured.heleket.trustForwardedFor && env.TRUST_PROXY === 0) {
    deps.logger.warn('settings.payments.heleket.trustForwardedFor is no longer read: behind a reverse proxy set TRUST_PROXY (its hops or addresses), or Heleket webhooks are checked against the proxy\'s address');
  }
  const heleket = createHeleketProvider({
    merchantId: env.HELEKET_MERCHANT_ID,
    apiKey: env.HELEKET_API_KEY,
    apiUrl: env.HELEKET_API_URL,
    callbackUrl,
    settings: configured.heleket,
    gateway: configured.gateway,
    lifetimeSeconds: Math.min(43_200, Math.max(300, configured.paymentTtlMinutes * 60)),
    logger: deps.logger,
    now: deps.now,
  });
  // The sandbox (no bot token) pays cards through the simulator's test provider unless a token is set.
  const sandboxCards = !env.TELEGRAM_BOT_TOKEN && !env.PAYMENTS_PROVIDER_TOKEN;
  const providers = [
    createTelegramStarsProvider({ telegram }),
    createTelegramCardProvider({ providerToken: env.PAYMENTS_PROVIDER_TOKEN ?? (sandboxCards ? SANDBOX_PROVIDER_TOKEN : undefined) }),
    heleket,
    createQrProvider({ settings: () => live.qr, webhookSecret: env.QR_WEBHOOK_SECRET, now: deps.now }),
    createManualProvider(() => live.manual),
  ];
  const readiness = (method: PaymentMethodId): MethodReadiness => {
    switch (method) {
      case 'card':
        if (sandboxCards) return { ready: true, note: 'sandbox_test_provider' };
        return env.PAYMENTS_PROVIDER_TOKEN
          ? { ready: true }
          : { ready: false, reason: 'needs_provider_token', message: 'Card payments need PAYMENTS_PROVIDER_TOKEN (from @BotFather → Payments) in the environment, and a restart.' };
      case 'heleket':
        return heleket.configured
          ? { ready: true }
          : { ready: false, reason: 'needs_gateway_keys', message: 'Crypto payments need HELEKET_MERCHANT_ID and HELEKET_API_KEY in the environment, and a restart.' };
      case 'qr':
        return env.QR_WEBHOOK_SECRET ? { ready: true } : { ready: true, note: 'confirmed_by_staff' };
      case 'stars':
        // Telegram's rule: whatever the setting, Stars are offered for digital goods and services only.
        return { ready: true, note: 'digital_only' };
      default:
        return { ready: true };
    }
  };
  const staffChatIds = () => configuredStaffChats(deps.config, env.ADMIN_IDS);
  const payments = createPaymentsService({
    db: deps.database.db,
    now: deps.now,
    logger: deps.logger,
    i18n: deps.i18n,
    settings,
    providers,
    staffChatIds,
    staffLocale: deps.config.business.defaultLocale,
    audit: deps.services.audit,
    telegram,
    users,
    events: deps.events,
  });
  let starsNoticeLogged: string | undefined;
  const { composer, flows } = createPaymentsComposer({
    payments,
    settings,
    config: deps.config,
    i18n: deps.i18n,
    onApi: (api) => {
      borrowed ??= api;
    },
    now: deps.now,
  });
  return {
    service: Object.assign(payments, { screens: { methodRows: addPaymentMethodRows, paymentView: orderPaymentView } }),
    composer,
    flows,
    commands: [
      { command: 'paysupport', description: 'command-paysupport' },
      { command: 'pending', description: 'command-pending', audience: 'admin' },
      { command: 'refund', description: 'command-refund', audience: 'admin' },
    ],
    routes: createPaymentsRoutes({
      payments,
      receipts: createReceiptFiles({ api: () => own ?? borrowed }),
      customerName: (userId) => users.displayName(userId),
    }),
    integrationRoutes: createPaymentsApi({ payments }),
    miniAppRoutes: createPaymentsMiniAppRoutes({ payments }),
    staffRoles: ['manager', 'accountant'],
    settings: [
      paymentsSettingsSection({
        configured,
        readiness,
        apply: (next) => {
          live = next;
          // A config (or panel change) offering Stars where only physical things are sold is explained, never fatal.
          const notice = payments.starsNotice();
          if (notice && notice !== starsNoticeLogged) deps.logger.warn(notice);
          starsNoticeLogged = notice;
        },
      }),
    ],
    publicRoutes: createPaymentsWebhookRoutes({ payments }),
    jobs: [
      { name: 'payments.recover', everyMs: 3000, run: async () => void (await payments.recoverEvents()) },
      { name: 'payments.poll', everyMs: configured.heleket.pollEverySeconds * 1000, runs: 'one-instance', run: async () => void (await payments.pollOpenPayments()) },
      { name: 'payments.expire', everyMs: 60_000, runs: 'one-instance', run: async () => void (await payments.expireStale()) },
      { name: 'payments.refunds', everyMs: 30_000, runs: 'one-instance', run: async () => void (await payments.resumeRefunds()) },
    ],
    // An open circuit is reported but does not make the instance unready: the bot keeps
    // serving with the other methods, which is exactly what the breaker is for.
    health: providers
      .filter((provider) => provider.configured && provider.breaker)
      .map((provider) => ({
        name: `payments.${provider.id}`,
        check: async () => {
          const snapshot = provider.breaker!.snapshot();
          const detail = snapshot.state === 'closed' ? 'circuit closed' : `circuit ${snapshot.state}${snapshot.lastError ? `: ${snapshot.lastError}` : ''}`;
          return { ok: true, detail };
        },
      })),
  };
}
