/**
 * What every part of payments stands on: the service's dependencies, the shapes of actors and
 * outcomes, method helpers, and the shared state (repository, purposes, providers, texts).
 */
import type { Logger } from 'pino';
import { localeOr, type Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { type OutboxMessage } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { Events } from '../../platform/events.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import type { UsersService } from '../users/users.service.ts';
import { PaymentsError } from './payments.errors.ts';
import { createPaymentsRepository } from './payments.repository.ts';
import type { PaymentMethodId, PaymentsSettings } from './payments.settings.ts';
import { pickText } from './payments.settings.ts';
import type { PaymentRecord, ProviderId } from './payments.tables.ts';
import type {
  PaymentProvider,
  PaymentPurpose,
  PaymentQuote,
  PurposeNotice,
  TelegramPaymentsApi,
} from './payments.types.ts';

/** A payment method as offered to a user. */
export interface MethodOption {
  /** `stars`, `card`, `heleket`, `qr` or `manual.<variant>`; used in callback data. */
  id: string;
  provider: ProviderId;
  variant?: string;
  /** Button label in the user's language. */
  label: string;
  /** False while the gateway's circuit is open: offered as unavailable, never called. */
  available: boolean;
}

/** What processing a provider event did. */
export interface ProcessOutcome {
  /** `refunded`: a gateway's refund reached the payment; `recorded`: a refund event moved nothing (in process, failed). */
  status: 'credited' | 'duplicate' | 'rejected' | 'closed' | 'deferred' | 'refunded' | 'recorded';
  payment?: PaymentRecord;
  notice?: PurposeNotice;
  code?: string;
}

/** An admin (or the system) acting on payments. */
export interface PaymentsActor {
  type: 'admin' | 'system';
  id?: string | number;
}

/** Dependencies of the payments service. */
export interface PaymentsServiceDeps {
  db: Db;
  now(): number;
  logger: Logger;
  i18n: Translator;
  /** The settings in effect; the owner may change the offered methods and requisites at any time. */
  settings(): PaymentsSettings;
  providers: readonly PaymentProvider[];
  /** Where staff notifications go: the admin chats, else the admins' private chats. */
  staffChatIds(): readonly number[];
  staffLocale: Locale;
  audit?: AuditService;
  /** The Bot API for calls made outside a handler; undefined until the bot is connected. */
  telegram(): TelegramPaymentsApi | undefined;
  /** Who the users are: a payment is opened only for a user of the bot. */
  users: Pick<UsersService, 'require'>;
  /** Where `payment.succeeded` and `payment.refunded` are published (for webhooks). */
  events: Events;
}

/** Method id → provider (and manual variant). */
export function parseMethod(method: string): { provider: ProviderId; variant?: string } | undefined {
  if (method === 'stars') return { provider: 'telegram_stars' };
  if (method === 'card') return { provider: 'telegram_card' };
  if (method === 'heleket') return { provider: 'heleket' };
  if (method === 'qr') return { provider: 'qr' };
  const manual = /^manual\.([a-z0-9_]{1,16})$/.exec(method);
  return manual ? { provider: 'manual', variant: manual[1] } : undefined;
}

/** The provider behind each method id of the settings. */
export const PROVIDER_OF_METHOD: Readonly<Record<PaymentMethodId, ProviderId>> = {
  stars: 'telegram_stars',
  card: 'telegram_card',
  heleket: 'heleket',
  qr: 'qr',
  manual: 'manual',
};

/**
 * Whether Telegram's payment rules let Stars pay for `quote` of `purpose`: Stars are for
 * digital goods and services only; physical ones are paid by card, local methods or cash.
 */
export function starsAllowedFor(purpose: Pick<PaymentPurpose, 'goods'>, quote: Pick<PaymentQuote, 'digital'>): boolean {
  return purpose.goods === 'digital' || (purpose.goods === 'mixed' && quote.digital === true);
}

/** Whether the settings offer `provider` for new payments (listed, enabled, and with requisites for transfers). */
export function isOffered(settings: PaymentsSettings, provider: ProviderId): boolean {
  return settings.methods.some((method) => PROVIDER_OF_METHOD[method] === provider && settings[method].enabled && (method !== 'manual' || settings.manual.variants.length > 0));
}

/** What a payment shows for its method: the label it was opened with, else the current one. */
export function manualLabelOf(payment: Pick<PaymentRecord, 'details' | 'variant'>, settings: PaymentsSettings, locale: string): string | undefined {
  try {
    const stored = payment.details ? (JSON.parse(payment.details) as { label?: unknown }).label : undefined;
    if (typeof stored === 'string' && stored) return stored;
  } catch {
    // Older or provider-written details without a label.
  }
  const variant = settings.manual.variants.find((item) => item.id === payment.variant);
  return variant ? pickText(variant.label, locale) : undefined;
}

/**
 * A payment's method as people read it, the same on every screen: a transfer by its variant's
 * label (`🪙 USDT transfer`), any other method by the payments module's name for it.
 */
export function paymentMethodLabel(i18n: Translator, payment: Pick<PaymentRecord, 'provider' | 'variant' | 'details'>, settings: PaymentsSettings, locale: Locale): string {
  if (payment.provider === 'manual') return manualLabelOf(payment, settings, locale) ?? i18n.t(locale, 'payments-method-manual');
  const method = Object.entries(PROVIDER_OF_METHOD).find(([, provider]) => provider === payment.provider)?.[0] ?? 'manual';
  return i18n.t(locale, `payments-method-${method}`);
}

export const AWAITING_ADMIN_PROVIDERS: ReadonlySet<ProviderId> = new Set(['manual', 'qr']);

/**
 * What the payment use cases and the settling of events share: the repository, the registered
 * purposes and providers, money and language helpers, staff alerts, the methods on offer and
 * the customer's refund notice.
 */
export function createPaymentsShared(deps: PaymentsServiceDeps) {
  const { db, logger, i18n } = deps;
  const repository = createPaymentsRepository(db);
  const purposes = new Map<string, PaymentPurpose>();
  const providers = new Map(deps.providers.map((provider) => [provider.id, provider]));

  const purposeOf = (name: string): PaymentPurpose => {
    const purpose = purposes.get(name);
    if (!purpose) throw new PaymentsError('payments.unknown_purpose', `no module handles payments for "${name}"`, { purpose: name });
    return purpose;
  };
  const money = (amountMinor: number, currency: string, locale: string) => formatMoney(amountMinor, currency, locale);
  const localeOf = (payment: Pick<PaymentRecord, 'locale'>): Locale => localeOr(payment.locale, deps.staffLocale);

  /** Each staff chat with the language it reads: an admin's own, a staff group the business's. */
  const staffChats = (executor: DbExecutor) => staffChatLocales(executor, deps.staffChatIds(), deps.staffLocale);
  /** One alert per staff chat, each written in that chat's language. */
  const staffMessages = async (executor: DbExecutor, render: (locale: Locale) => string, dedupeKey: string, extra: Partial<OutboxMessage> = {}): Promise<OutboxMessage[]> =>
    (await staffChats(executor)).map(({ chatId, locale }) => ({
      chatId,
      method: 'sendMessage',
      payload: { text: render(locale) },
      priority: 'high',
      dedupeKey: `${dedupeKey}:${chatId}`,
      ...extra,
    }));

  /** The methods that can pay `quote` of `purpose`, in the configured order. */
  function methodOptions(purpose: PaymentPurpose, quote: PaymentQuote, locale: Locale): MethodOption[] {
    const options: MethodOption[] = [];
    const allowed = (id: string) => !quote.methods || quote.methods.some((item) => item === id || (item === 'manual' && id.startsWith('manual.')));
    const fiatCurrency = quote.fiat?.currency;
    // Read at every offer: a method the owner turns off in the panel disappears at once.
    const settings = deps.settings();
    for (const method of settings.methods) {
      if (!settings[method].enabled) continue;
      if (method === 'manual') {
        const provider = providers.get('manual');
        if (!provider?.configured || !fiatCurrency || !provider.supports(fiatCurrency)) continue;
        for (const variant of settings.manual.variants) {
          const id = `manual.${variant.id}`;
          if (allowed(id)) options.push({ id, provider: 'manual', variant: variant.id, label: pickText(variant.label, locale), available: true });
        }
        continue;
      }
      const parsed = parseMethod(method);
      const provider = parsed ? providers.get(parsed.provider) : undefined;
      if (!parsed || !provider?.configured || !allowed(method)) continue;
      const currency = parsed.provider === 'telegram_stars' ? (quote.stars && starsAllowedFor(purpose, quote) ? 'XTR' : undefined) : fiatCurrency;
      if (!currency || !provider.supports(currency)) continue;
      options.push({ id: method, provider: parsed.provider, label: i18n.t(locale, `payments-method-${method}`), available: provider.breaker?.allows() ?? true });
    }
    return options;
  }

  const providerOf = (id: ProviderId): PaymentProvider => {
    const provider = providers.get(id);
    if (!provider) throw new PaymentsError('payments.method_unavailable', `provider ${id} is not set up`);
    return provider;
  };

  function refundNotice(payment: PaymentRecord): OutboxMessage {
    const locale = localeOf(payment);
    return {
      chatId: payment.user_id,
      method: 'sendMessage',
      payload: { text: i18n.t(locale, 'payments-refunded', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale) }) },
      priority: 'high',
      dedupeKey: `payment:${payment.id}:refunded`,
    };
  }

  return { deps, db, logger, i18n, repository, purposes, providers, purposeOf, money, localeOf, staffChats, staffMessages, methodOptions, providerOf, refundNotice };
}

/** What the settling of events and the closing of payments build on. */
export type PaymentsShared = ReturnType<typeof createPaymentsShared>;
