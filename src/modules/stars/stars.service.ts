import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { localeOr, type Locale } from '../../config/business.ts';
import { formatMoney, toMinor } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { scheduleJob } from '../../delivery/scheduler.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { createStarsRepository } from './stars.repository.ts';
import type { StarsOrder, StarsOrderStatus } from './stars.tables.ts';

/** The payment purpose of Stars orders. */
export const STARS_PURPOSE = 'stars';
/** The scheduled job that delivers a paid order. */
export const FULFIL_JOB = 'stars.fulfil';

/** Settings of the reseller, validated by the module. */
export interface StarsSettings {
  packages: number[];
  custom: { min: number; max: number } | null;
  /** Price of 100 Stars in the business currency (major units). */
  pricePer100: number;
  /** Payment methods offered (payments method ids; `manual` covers every manual variant). */
  methods: string[];
  orderTtlMinutes: number;
  fulfilment: { mode: 'admin' } | { mode: 'hook'; url: string; timeoutMs: number };
}

/** A refusal of the reseller. */
export class StarsError extends Error {
  readonly code: 'stars.invalid_amount' | 'stars.invalid_recipient' | 'stars.not_found' | 'stars.status_changed' | 'stars.already_delivered';
  readonly details: Record<string, unknown>;
  constructor(code: StarsError['code'], message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StarsError';
    this.code = code;
    this.details = details;
  }
}

/** Who changes an order. */
export interface StarsActor {
  type: 'user' | 'admin' | 'system';
  id?: string | number;
}

/** Dependencies of the reseller service. */
export interface StarsServiceDeps {
  db: Db;
  now(): number;
  logger: Logger;
  i18n: Translator;
  settings: StarsSettings;
  currency: string;
  staffChatIds(): readonly number[];
  staffLocale: Locale;
  /** Signs fulfilment hook calls (STARS_FULFILMENT_SECRET). */
  hookSecret?: string;
  fetch?: typeof fetch;
}

/** `X-Lavka-Signature` of a fulfilment hook call: `sha256=` + hex HMAC-SHA256 of the body. */
export function hookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The Stars reseller: orders for Stars packages paid through payments (the crypto gateway),
 * delivered by a pluggable fulfilment step (an admin's confirmation or an external hook), with
 * the customer told at each step.
 */
export function createStarsService(deps: StarsServiceDeps) {
  const { db, i18n, settings } = deps;
  const repository = createStarsRepository(db);
  const doFetch = deps.fetch ?? fetch;
  const localeOf = (order: StarsOrder): Locale => localeOr(order.locale, deps.staffLocale);

  /** Price in minor units, rounded up to a whole minor unit. */
  const priceOf = (stars: number) => Math.ceil((stars * toMinor(settings.pricePer100, deps.currency)) / 100);

  const customerNotice = (order: StarsOrder, status: StarsOrderStatus, extra: Record<string, string | number> = {}): OutboxMessage => {
    const locale = localeOf(order);
    return {
      chatId: order.user_id,
      method: 'sendMessage',
      payload: { text: i18n.t(locale, `stars-status-${status.replace('_', '-')}`, { id: String(order.id), stars: order.stars, recipient: `@${order.recipient}`, ...extra }) },
      priority: 'high',
      dedupeKey: `stars:${order.id}:${status}:${order.updated_at}`,
    };
  };

  /** Moves an order and records the step, in `executor`'s transaction. */
  async function move(executor: DbExecutor, order: StarsOrder, from: readonly StarsOrderStatus[], to: StarsOrderStatus, actor: StarsActor, patch: Partial<StarsOrder> = {}, note?: string): Promise<StarsOrder | undefined> {
    const scoped = createStarsRepository(executor);
    const nowMs = deps.now();
    const changes = { ...patch, status: to, updated_at: nowMs };
    if (!(await scoped.transition(order.id, from, changes))) return undefined;
    await scoped.addHistory({ order_id: order.id, from_status: order.status, to_status: to, actor_type: actor.type, actor_id: actor.id === undefined ? null : String(actor.id), note: note ?? null, at: nowMs });
    return { ...order, ...changes };
  }

  const staff = (order: StarsOrder, text: string, withButtons: boolean): OutboxMessage[] =>
    deps.staffChatIds().map((chatId) => ({
      chatId,
      method: 'sendMessage',
      payload: {
        text,
        ...(withButtons
          ? {
              reply_markup: {
                inline_keyboard: [[
                  { text: i18n.t(deps.staffLocale, 'stars-staff-delivered'), callback_data: `stars:ok:${order.id}` },
                  { text: i18n.t(deps.staffLocale, 'stars-staff-failed'), callback_data: `stars:fail:${order.id}` },
                ]],
              },
            }
          : {}),
      },
      priority: 'high',
      dedupeKey: `stars:${order.id}:staff:${order.status}:${order.updated_at}:${chatId}`,
    }));

  const purpose: PaymentPurpose = {
    name: STARS_PURPOSE,
    // Telegram Stars delivered to an account are a digital good.
    goods: 'digital',
    async quote(ref, userId, locale) {
      const order = /^\d{1,12}$/.test(ref) ? await repository.find(Number(ref)) : undefined;
      if (!order || order.user_id !== userId || order.status !== 'awaiting_payment') return undefined;
      return {
        title: i18n.t(locale, 'stars-invoice-title', { stars: order.stars }),
        description: i18n.t(locale, 'stars-invoice-description', { stars: order.stars, recipient: `@${order.recipient}`, id: String(order.id) }),
        fiat: { amountMinor: order.price_minor, currency: order.currency },
        methods: settings.methods,
        units: order.stars,
      };
    },
    async onPaid(trx, payment) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) throw new StarsError('stars.not_found', `order ${payment.purpose_ref} is gone`);
      const paid = await move(trx, order, ['awaiting_payment', 'expired'], 'paid', { type: 'system' }, { payment_id: payment.id, paid_at: deps.now() }, `payment #${payment.id}`);
      if (!paid) return { text: i18n.t(localeOf(order), 'stars-status-paid', { id: String(order.id), stars: order.stars, recipient: `@${order.recipient}` }) };
      await scheduleJob(trx, { kind: FULFIL_JOB, payload: { orderId: order.id }, runAt: deps.now(), dedupeKey: `stars:fulfil:${order.id}` }, deps.now());
      return { text: i18n.t(localeOf(order), 'stars-status-paid', { id: String(order.id), stars: order.stars, recipient: `@${order.recipient}` }) };
    },
    async onClosed(trx, payment, outcome) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      const expired = await move(trx, order, ['awaiting_payment'], 'expired', { type: 'system' }, {}, `payment #${payment.id} ${outcome}`);
      // A declined transfer was already explained to the customer, with the admin's reason.
      if (expired && outcome !== 'declined') await enqueueOutbox(trx, customerNotice(expired, 'expired'), deps.now());
    },
    async onRefunded(trx, payment, actor) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      if (order.status === 'delivered') throw new StarsError('stars.already_delivered', 'the Stars were already delivered', { orderId: order.id });
      const refunded = await move(trx, order, ['paid', 'delivering', 'failed'], 'refunded', { type: actor.type, id: actor.id }, {}, `payment #${payment.id} refunded`);
      if (refunded) await enqueueOutbox(trx, customerNotice(refunded, 'refunded'), deps.now());
    },
  };

  async function callHook(order: StarsOrder, hook: { url: string; timeoutMs: number }): Promise<{ status: 'delivered'; reference?: string } | { status: 'failed'; reason: string }> {
    const body = JSON.stringify({ order_id: order.id, idempotency_key: `stars-order-${order.id}`, recipient: order.recipient, stars: order.stars });
    const response = await doFetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(deps.hookSecret ? { 'x-lavka-signature': hookSignature(deps.hookSecret, body) } : {}) },
      body,
      signal: AbortSignal.timeout(hook.timeoutMs),
    });
    const answer = (await response.json().catch(() => ({}))) as { status?: unknown; reference?: unknown; reason?: unknown };
    if (response.status >= 500) throw new Error(`fulfilment hook answered ${response.status}`);
    if (response.ok && answer.status === 'delivered') return { status: 'delivered', ...(typeof answer.reference === 'string' ? { reference: answer.reference.slice(0, 200) } : {}) };
    return { status: 'failed', reason: typeof answer.reason === 'string' ? answer.reason.slice(0, 300) : `hook answered ${response.status}` };
  }

  return {
    purpose,
    priceOf,
    settings,

    /** Whether `stars` is a package or within the custom bounds. */
    isValidAmount(stars: number): boolean {
      return settings.packages.includes(stars) || (settings.custom !== null && Number.isInteger(stars) && stars >= settings.custom.min && stars <= settings.custom.max);
    },

    /** Creates an order awaiting payment. */
    async createOrder(input: { userId: number; stars: number; recipient: string; locale: Locale }): Promise<StarsOrder> {
      if (!this.isValidAmount(input.stars)) throw new StarsError('stars.invalid_amount', 'not a package or outside the custom bounds', { stars: input.stars });
      const recipient = input.recipient.trim().replace(/^@/, '');
      if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(recipient)) throw new StarsError('stars.invalid_recipient', 'not a Telegram username', { recipient });
      return db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const scoped = createStarsRepository(trx);
        const order = await scoped.insert({
          user_id: input.userId,
          recipient,
          stars: input.stars,
          price_minor: priceOf(input.stars),
          currency: deps.currency,
          status: 'awaiting_payment',
          payment_id: null,
          fulfilment_ref: null,
          failure_reason: null,
          locale: input.locale,
          created_at: nowMs,
          updated_at: nowMs,
          expires_at: nowMs + settings.orderTtlMinutes * 60_000,
          paid_at: null,
          delivered_at: null,
        });
        await scoped.addHistory({ order_id: order.id, from_status: null, to_status: 'awaiting_payment', actor_type: 'user', actor_id: String(input.userId), note: null, at: nowMs });
        return order;
      });
    },

    /** The fulfilment step for a paid order (the scheduled job): ask an admin, or call the hook. */
    async fulfil(orderId: number): Promise<StarsOrder | undefined> {
      const order = await repository.find(orderId);
      if (!order) return undefined;
      const fulfilment = settings.fulfilment;
      if (order.status === 'paid') {
        const moved = await db.transaction().execute(async (trx) => {
          const delivering = await move(trx, order, ['paid'], 'delivering', { type: 'system' });
          if (!delivering) return undefined;
          const messages = [customerNotice(delivering, 'delivering')];
          if (fulfilment.mode === 'admin') {
            const text = i18n.t(deps.staffLocale, 'stars-staff-deliver', { id: String(order.id), stars: order.stars, recipient: `@${order.recipient}`, amount: formatMoney(order.price_minor, order.currency, deps.staffLocale) });
            messages.push(...staff(delivering, text, true));
          }
          await enqueueOutbox(trx, messages, deps.now());
          return delivering;
        });
        if (!moved || fulfilment.mode === 'admin') return moved;
        return this.fulfil(orderId);
      }
      if (order.status !== 'delivering' || fulfilment.mode !== 'hook') return order;
      // Network errors and 5xx throw: the scheduler retries with backoff; the hook dedupes by idempotency_key.
      const outcome = await callHook(order, fulfilment);
      return outcome.status === 'delivered'
        ? this.markDelivered(order.id, { type: 'system' }, outcome.reference)
        : this.markFailed(order.id, { type: 'system' }, outcome.reason);
    },

    /** The Stars reached the recipient (admin confirmation or the hook's answer). */
    async markDelivered(orderId: number, actor: StarsActor, reference?: string): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const delivered = await move(trx, order, ['delivering'], 'delivered', actor, { delivered_at: deps.now(), fulfilment_ref: reference ?? null });
        if (!delivered) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        await enqueueOutbox(trx, customerNotice(delivered, 'delivered'), deps.now());
        return delivered;
      });
    },

    /** Delivery failed: the customer is told, staff decide between a retry and a refund. */
    async markFailed(orderId: number, actor: StarsActor, reason: string): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const failed = await move(trx, order, ['delivering'], 'failed', actor, { failure_reason: reason.slice(0, 300) }, reason);
        if (!failed) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        const text = i18n.t(deps.staffLocale, 'stars-staff-delivery-failed', { id: String(order.id), reason, payment: String(order.payment_id ?? '—') });
        await enqueueOutbox(trx, [customerNotice(failed, 'failed'), ...staff(failed, text, false)], deps.now());
        return failed;
      });
    },

    /** Staff retry a failed delivery. */
    async retry(orderId: number, actor: StarsActor): Promise<StarsOrder> {
      const order = await repository.find(orderId);
      if (!order) throw new StarsError('stars.not_found', 'no such order', { orderId });
      return db.transaction().execute(async (trx) => {
        const paid = await move(trx, order, ['failed'], 'paid', actor, { failure_reason: null }, 'retry');
        if (!paid) throw new StarsError('stars.status_changed', `the order is ${order.status}`, { orderId, status: order.status });
        await scheduleJob(trx, { kind: FULFIL_JOB, payload: { orderId }, runAt: deps.now(), dedupeKey: `stars:fulfil:${orderId}` }, deps.now());
        return paid;
      });
    },

    /** Closes unpaid orders past their time, telling the customer. */
    async expireStale(): Promise<number> {
      let closed = 0;
      for (const order of await repository.listExpired(deps.now(), 100)) {
        const done = await db.transaction().execute(async (trx) => {
          const expired = await move(trx, order, ['awaiting_payment'], 'expired', { type: 'system' }, {}, 'not paid in time');
          if (expired) await enqueueOutbox(trx, customerNotice(expired, 'expired'), deps.now());
          return Boolean(expired);
        });
        if (done) closed += 1;
      }
      return closed;
    },

    get: repository.find,
    history: repository.history,
    listForUser: repository.listForUser,
    listRecent: repository.listRecent,
  };
}

/** The reseller service's shape. */
export type StarsService = ReturnType<typeof createStarsService>;
