import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { localeOr, type Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import type { UsersService } from '../users/users.service.ts';
import { PaymentsError } from './payments.errors.ts';
import { createPaymentsRepository } from './payments.repository.ts';
import type { PaymentMethodId, PaymentsSettings } from './payments.settings.ts';
import { pickText } from './payments.settings.ts';
import type { PaymentEventRecord, PaymentRecord, ProviderId } from './payments.tables.ts';
import type {
  CallbackRequest,
  PaymentProvider,
  PaymentPurpose,
  PaymentQuote,
  ProviderEvent,
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

/** The key a provider event is stored under: a replay of the same confirmation is the same row. */
export function eventKey(event: Pick<ProviderEvent, 'provider' | 'externalId' | 'kind'>): string {
  return `${event.provider}:${event.externalId}:${event.kind}`.slice(0, 200);
}

/** Thrown out of an event's transaction when a purpose refuses to undo what a gateway refund paid back. */
export class RefundNotReversedError extends Error {
  readonly paymentId: number;
  readonly reason: string;
  constructor(paymentId: number, reason: string) {
    super(`payment ${paymentId}: the refund could not be undone (${reason})`);
    this.paymentId = paymentId;
    this.reason = reason;
  }
}

export const AWAITING_ADMIN_PROVIDERS: ReadonlySet<ProviderId> = new Set(['manual', 'qr']);
export const MAX_EVENT_ATTEMPTS = 10;

/**
 * The core of payments that every use case shares: opens payments with the providers, settles them from provider events exactly once,
 * and runs the admin decisions (approve, decline, refund). Settling a payment, the purpose's
 * delivery (credit, order paid) and the notifications commit in one transaction.
 */
export function createPaymentsCore(deps: PaymentsServiceDeps) {
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

  async function settle(executor: DbExecutor, payment: PaymentRecord, options: { notify: boolean; actor: PaymentsActor }): Promise<PurposeNotice | undefined> {
    const notice = (await purposeOf(payment.purpose).onPaid(executor, payment)) ?? undefined;
    const locale = localeOf(payment);
    const text = notice?.text ?? i18n.t(locale, 'payments-paid', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale) });
    if (deps.audit) {
      await deps.audit.record(
        {
          actor: options.actor.type === 'admin' ? { type: 'admin', id: options.actor.id } : { type: 'system' },
          action: 'payments.paid',
          subject: { type: 'payment', id: payment.id },
          details: { provider: payment.provider, externalId: payment.external_id, amountMinor: payment.amount_minor, currency: payment.currency, purpose: payment.purpose },
        },
        executor,
      );
    }
    if (options.notify) {
      await enqueueOutbox(executor, { chatId: payment.user_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `payment:${payment.id}:paid` }, deps.now());
    }
    return { text };
  }

  /** Claims and applies one stored event in a single transaction. */
  async function processEvent(eventId: number, options: { notify: boolean }): Promise<ProcessOutcome> {
    try {
      return await db.transaction().execute(async (trx) => {
        const scoped = createPaymentsRepository(trx);
        const nowMs = deps.now();
        if (!(await scoped.claimEvent(eventId, nowMs))) {
          const row = await scoped.findEvent(eventId);
          const payment = row?.payment_id ? await scoped.findPayment(row.payment_id) : undefined;
          return { status: 'duplicate', payment };
        }
        const row = (await scoped.findEvent(eventId)) as PaymentEventRecord;
        const event = JSON.parse(row.payload) as ProviderEvent;
        const reject = async (code: string, detail: string, payment?: PaymentRecord, alert?: (locale: Locale) => string): Promise<ProcessOutcome> => {
          await scoped.markEvent(eventId, 'rejected', `${code}: ${detail}`, payment?.id ?? null, nowMs);
          logger.warn({ eventId, provider: event.provider, externalId: event.externalId, code, detail }, 'payment event rejected: nothing credited');
          if (alert) await enqueueOutbox(trx, await staffMessages(trx, alert, `payevent:${eventId}:alert`), nowMs);
          return { status: 'rejected', code, payment };
        };

        let payment = event.paymentId !== undefined ? await scoped.findPayment(event.paymentId) : undefined;
        payment ??= await scoped.findByExternal(event.provider, event.externalId);
        if (!payment) {
          return reject('payments.unknown_payment', `no payment for ${event.provider} ${event.externalId}`, undefined,
            event.kind === 'paid' && event.provider.startsWith('telegram')
              ? (locale: Locale) => i18n.t(locale, 'payments-staff-unknown-charge', { provider: event.provider, charge: event.externalId })
              : undefined);
        }
        if (payment.provider !== event.provider) return reject('payments.provider_mismatch', `payment ${payment.id} is ${payment.provider}`, payment);
        const isTelegram = event.provider === 'telegram_stars' || event.provider === 'telegram_card';
        if (!isTelegram && payment.external_id && payment.external_id !== event.externalId) {
          return reject('payments.reference_mismatch', `payment ${payment.id} is ${payment.external_id}, event names ${event.externalId}`, payment);
        }

        if (event.kind === 'refund_pending' || event.kind === 'refund_failed' || event.kind === 'refunded') {
          return await applyGatewayRefund(trx, eventId, event, payment, nowMs);
        }

        if (event.kind === 'paid') {
          if (event.amountMinor !== payment.amount_minor || event.currency !== payment.currency) {
            const expected = payment;
            const received = (locale: Locale) => (event.amountMinor === undefined || !event.currency ? '?' : money(event.amountMinor, event.currency, locale));
            return reject('payments.amount_mismatch', `received ${event.amountMinor} ${event.currency}, expected ${payment.amount_minor} ${payment.currency}`, payment, (locale) =>
              i18n.t(locale, 'payments-staff-amount-mismatch', { id: String(expected.id), provider: expected.provider, received: received(locale), expected: money(expected.amount_minor, expected.currency, locale) }));
          }
          const actor: PaymentsActor = event.confirmedBy ? { type: 'admin', id: event.confirmedBy } : { type: 'system' };
          if (isTelegram && payment.external_id && payment.external_id !== event.externalId) {
            // The same invoice paid a second time (an invoice link can be): money received, recorded as its own payment.
            const { id: _id, ...copy } = payment;
            payment = await scoped.insertPayment({ ...copy, status: 'paid', external_id: event.externalId, paid_at: nowMs, created_at: nowMs, updated_at: nowMs });
          } else {
            const patch = {
              status: 'paid' as const,
              external_id: event.externalId,
              paid_at: nowMs,
              updated_at: nowMs,
              decided_by: event.confirmedBy ?? payment.decided_by,
            };
            // A late payment of an expired or failed invoice still arrived, so it still counts.
            if (!(await scoped.transition(payment.id, ['pending', 'expired', 'failed'], patch))) {
              const current = (await scoped.findPayment(payment.id)) as PaymentRecord;
              if (current.status === 'declined') {
                const declinedId = String(payment.id);
                return reject('payments.paid_after_decline', `payment ${payment.id} was declined before this confirmation`, current, (locale) =>
                  i18n.t(locale, 'payments-staff-paid-after-decline', { id: declinedId }));
              }
              await scoped.markEvent(eventId, 'ignored', 'payments.already_paid', payment.id, nowMs);
              return { status: 'duplicate', payment: current };
            }
            payment = { ...payment, ...patch };
          }
          await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
          const notice = await settle(trx, payment, { notify: options.notify, actor });
          return { status: 'credited', payment, notice };
        }

        const outcome = event.kind === 'expired' ? 'expired' : 'failed';
        if (!(await scoped.transition(payment.id, ['pending'], { status: outcome, updated_at: nowMs }))) {
          await scoped.markEvent(eventId, 'ignored', `payment is ${payment.status}`, payment.id, nowMs);
          return { status: 'duplicate', payment };
        }
        payment = { ...payment, status: outcome, updated_at: nowMs };
        await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
        await purposeOf(payment.purpose).onClosed?.(trx, payment, outcome);
        if (event.kind === 'wrong_amount') {
          const locale = localeOf(payment);
          const closed = payment;
          await enqueueOutbox(trx, [
            { chatId: payment.user_id, method: 'sendMessage', payload: { text: i18n.t(locale, 'payments-wrong-amount', { id: String(payment.id) }) }, priority: 'high', dedupeKey: `payment:${payment.id}:wrong_amount` },
            ...(await staffMessages(trx, (staff) => i18n.t(staff, 'payments-staff-wrong-amount', { id: String(closed.id), provider: closed.provider }), `payment:${payment.id}:wrong_amount:staff`)),
          ], nowMs);
          return { status: 'closed', payment, code: 'payments.wrong_amount' };
        }
        return { status: 'closed', payment };
      });
    } catch (error) {
      if (error instanceof RefundNotReversedError) return recordRefundNotReversed(eventId, error);
      const attempts = await repository.countAttempt(eventId, (error as Error).message ?? String(error)).catch(() => 0);
      logger.error({ err: error, eventId, attempts }, 'payment event processing failed; recovery will retry');
      if (attempts >= MAX_EVENT_ATTEMPTS) {
        const nowMs = deps.now();
        await db.transaction().execute(async (trx) => {
          await createPaymentsRepository(trx).markEvent(eventId, 'failed', (error as Error).message ?? 'failed', null, nowMs);
          const reason = String((error as Error).message).slice(0, 200);
          await enqueueOutbox(trx, await staffMessages(trx, (locale) => i18n.t(locale, 'payments-staff-event-failed', { id: String(eventId), attempts, error: reason }), `payevent:${eventId}:failed`), nowMs);
        });
      }
      return { status: 'deferred' };
    }
  }

  /** Stores a provider event (once per key) and returns it. */
  async function ingest(event: ProviderEvent): Promise<PaymentEventRecord> {
    const { event: row } = await repository.insertEvent({
      provider: event.provider,
      event_key: eventKey(event),
      payment_id: null,
      status: 'received',
      payload: JSON.stringify(event),
      error: null,
      attempts: 0,
      received_at: deps.now(),
      processed_at: null,
    });
    return row;
  }

  /** Records a callback that failed verification, so forged or broken deliveries leave a trail. */
  async function recordRejectedCallback(provider: ProviderId, code: string, detail: string, request: CallbackRequest): Promise<void> {
    logger.warn({ provider, code, detail, ip: request.ip }, 'payment callback refused: nothing credited');
    await repository.insertEvent({
      provider,
      event_key: `rejected:${randomUUID()}`,
      payment_id: null,
      status: 'rejected',
      payload: JSON.stringify({ ip: request.ip, body: request.rawBody.toString('utf8').slice(0, 4000) }),
      error: `${code}: ${detail}`.slice(0, 500),
      attempts: 0,
      received_at: deps.now(),
      processed_at: deps.now(),
    });
  }

  const providerOf = (id: ProviderId): PaymentProvider => {
    const provider = providers.get(id);
    if (!provider) throw new PaymentsError('payments.method_unavailable', `provider ${id} is not set up`);
    return provider;
  };

  /**
   * A refund made at the gateway (Heleket's `refund_process`, `refund_fail`, `refund_paid`),
   * inside the event's transaction. In process: recorded, nothing moves. Failed: recorded and
   * staff alerted, the payment stays as it was. Paid back: the payment becomes `refunded` and
   * the purpose undoes its delivery (wallet reversal, order refunded), as for a Stars refund;
   * the status guard and the event's UNIQUE key make a repeated delivery change nothing.
   */
  async function applyGatewayRefund(trx: DbExecutor, eventId: number, event: ProviderEvent, payment: PaymentRecord, nowMs: number): Promise<ProcessOutcome> {
    const scoped = createPaymentsRepository(trx);
    const amount = (locale: Locale) => money(payment.amount_minor, payment.currency, locale);
    const audit = (action: string, details: Record<string, unknown> = {}) =>
      deps.audit?.record({ actor: { type: 'system' }, action, subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider, ...details } }, trx);
    const ignore = async (note: string): Promise<ProcessOutcome> => {
      await scoped.markEvent(eventId, 'ignored', note, payment.id, nowMs);
      return { status: 'duplicate', payment };
    };
    // A payment Lavka never settled (its `paid` webhook was lost): nothing was delivered, so
    // nothing is undone; the payment is closed so that polls and expiry stop asking about it.
    const open = payment.status === 'pending';

    if (event.kind === 'refund_pending') {
      if (payment.status !== 'paid') return ignore(`payments.refund_in_progress: payment is ${payment.status}`);
      await scoped.markEvent(eventId, 'processed', 'payments.refund_in_progress', payment.id, nowMs);
      await audit('payments.refund_in_progress');
      return { status: 'recorded', payment, code: 'payments.refund_in_progress' };
    }

    if (event.kind === 'refund_failed') {
      if (open) {
        if (!(await scoped.transition(payment.id, ['pending'], { status: 'failed', updated_at: nowMs }))) return ignore('payments.refund_failed: payment changed meanwhile');
        await purposeOf(payment.purpose).onClosed?.(trx, { ...payment, status: 'failed' }, 'failed');
      } else if (payment.status !== 'paid' && payment.status !== 'refunded') {
        return ignore(`payments.refund_failed: payment is ${payment.status}`);
      }
      await scoped.markEvent(eventId, 'processed', 'payments.refund_failed', payment.id, nowMs);
      await audit('payments.refund_failed');
      await enqueueOutbox(trx, await staffMessages(trx, (locale) => i18n.t(locale, 'payments-staff-refund-failed', { id: String(payment.id), amount: amount(locale), provider: payment.provider }), `payevent:${eventId}:refund_failed`), nowMs);
      return { status: 'recorded', payment: open ? { ...payment, status: 'failed' } : payment, code: 'payments.refund_failed' };
    }

    // Paid back. A refund an admin already recorded in Lavka has been undone once: never again.
    if (payment.status !== 'paid' && !open) return ignore(`payments.already_refunded: payment is ${payment.status}`);
    const patch = { status: 'refunded' as const, refunded_at: nowMs, updated_at: nowMs };
    if (!(await scoped.transition(payment.id, [payment.status], patch))) return ignore('payments.already_refunded: payment changed meanwhile');
    const refunded = { ...payment, ...patch };
    if (open) {
      await purposeOf(payment.purpose).onClosed?.(trx, refunded, 'failed');
    } else {
      try {
        await purposes.get(payment.purpose)?.onRefunded?.(trx, refunded, { type: 'system' });
      } catch (error) {
        // The money is already back with the payer, so the refund stands; the purpose's refusal
        // (tokens spent, Stars delivered) is rolled back and settled by staff instead.
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(code)) throw new RefundNotReversedError(payment.id, `${code}: ${(error as Error).message}`);
        throw error;
      }
    }
    await scoped.markEvent(eventId, 'processed', null, payment.id, nowMs);
    await audit('payments.refunded', { via: 'gateway' });
    await enqueueOutbox(trx, refundNotice(payment), nowMs);
    return { status: 'refunded', payment: refunded };
  }

  /**
   * A gateway refund whose purpose refused to undo its delivery: the payment is still marked
   * refunded (the money is gone), without the reversal, and staff are told to settle it.
   */
  async function recordRefundNotReversed(eventId: number, refusal: RefundNotReversedError): Promise<ProcessOutcome> {
    return db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.claimEvent(eventId, nowMs))) return { status: 'duplicate' as const };
      const payment = (await scoped.findPayment(refusal.paymentId)) as PaymentRecord;
      const patch = { status: 'refunded' as const, refunded_at: nowMs, updated_at: nowMs };
      if (!(await scoped.transition(payment.id, ['paid'], patch))) {
        await scoped.markEvent(eventId, 'ignored', `payments.already_refunded: payment is ${payment.status}`, payment.id, nowMs);
        return { status: 'duplicate' as const, payment };
      }
      const note = `payments.refund_not_reversed: ${refusal.reason}`.slice(0, 500);
      await scoped.markEvent(eventId, 'processed', note, payment.id, nowMs);
      logger.warn({ eventId, paymentId: payment.id, reason: refusal.reason }, 'gateway refund recorded; its purpose refused to undo the delivery');
      if (deps.audit) {
        await deps.audit.record({ actor: { type: 'system' }, action: 'payments.refunded', subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider, via: 'gateway', notReversed: refusal.reason } }, trx);
      }
      await enqueueOutbox(trx, [
        refundNotice(payment),
        ...(await staffMessages(
          trx,
          (locale) => i18n.t(locale, 'payments-staff-refund-not-reversed', { id: String(payment.id), amount: money(payment.amount_minor, payment.currency, locale), provider: payment.provider, reason: refusal.reason.slice(0, 200) }),
          `payevent:${eventId}:not_reversed`,
        )),
      ], nowMs);
      return { status: 'refunded' as const, payment: { ...payment, ...patch }, code: 'payments.refund_not_reversed' };
    });
  }

  async function closeStale(payment: PaymentRecord, outcome: 'expired' | 'failed'): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.transition(payment.id, ['pending'], { status: outcome, updated_at: nowMs }))) return false;
      await purposes.get(payment.purpose)?.onClosed?.(trx, { ...payment, status: outcome }, outcome);
      return true;
    });
  }


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

  async function finishProviderRefund(payment: PaymentRecord, actor: PaymentsActor): Promise<PaymentRecord> {
    const provider = providerOf(payment.provider);
    const result = await (provider.refund as NonNullable<PaymentProvider['refund']>)(payment);
    if (!result.ok && !result.permanent) {
      logger.warn({ paymentId: payment.id, code: result.code, detail: result.detail }, 'refund not confirmed yet; will retry');
      throw new PaymentsError('payments.refund_failed', result.detail, { paymentId: payment.id, retrying: true });
    }
    await db.transaction().execute(async (trx) => {
      const scoped = createPaymentsRepository(trx);
      const nowMs = deps.now();
      if (result.ok) {
        if (await scoped.transition(payment.id, ['refunding'], { status: 'refunded', refunded_at: nowMs, updated_at: nowMs })) {
          await enqueueOutbox(trx, refundNotice(payment), nowMs);
          if (deps.audit) await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: 'payments.refunded', subject: { type: 'payment', id: payment.id }, details: { provider: payment.provider } }, trx);
        }
        return;
      }
      // Telegram refused for good: the payment stays paid and the purpose's reversal is undone.
      if (await scoped.transition(payment.id, ['refunding'], { status: 'paid', updated_at: nowMs })) {
        await purposes.get(payment.purpose)?.onRefundCancelled?.(trx, payment);
        if (deps.audit) await deps.audit.record({ actor: { type: actor.type, id: actor.id }, action: 'payments.refund_refused', subject: { type: 'payment', id: payment.id }, details: { code: result.code, detail: result.detail } }, trx);
      }
    });
    if (!result.ok) throw new PaymentsError('payments.refund_failed', result.detail, { paymentId: payment.id, code: result.code });
    return (await repository.findPayment(payment.id)) as PaymentRecord;
  }
  return { deps, db, logger, i18n, repository, purposes, providers, purposeOf, money, localeOf, staffChats, staffMessages, methodOptions, settle, processEvent, ingest, recordRejectedCallback, providerOf, applyGatewayRefund, recordRefundNotReversed, closeStale, refundNotice, finishProviderRefund };
}

/** What the payments use cases share. */
export type PaymentsCore = ReturnType<typeof createPaymentsCore>;
