import { createHmac } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { localeOr, type Locale } from '../../config/business.ts';
import { formatMoney, toMinor } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { scheduleJob } from '../../delivery/scheduler.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { Order, OrderActor, OrderPaymentReceipt, PlaceOrderInput } from '../orders/orders.service.ts';
import { paymentMethodOf } from '../orders/orders.payments.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import { readerLocale } from '../users/users.locales.ts';
import { createStarsMessages, escapeHtml, starsOrderNumber, type StarsCustomer } from './stars.messages.ts';
import { createStarsRepository } from './stars.repository.ts';
import { STARS_KIND, STARS_PAID_STATUSES } from './stars.status.ts';
import { STARS_ORDER_STATUSES, type StarsOrder, type StarsOrderStatus } from './stars.tables.ts';

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
  /** Chats that receive staff alerts, each with the language it reads in, read through `executor`. */
  staffChats(executor: DbExecutor): Promise<readonly { chatId: number; locale: Locale }[]>;
  /** The business's language: the customer's when nothing else is known. */
  staffLocale: Locale;
  /** Signs fulfilment hook calls (STARS_FULFILMENT_SECRET). */
  hookSecret?: string;
  fetch?: typeof fetch;
  /**
   * The orders module's service: each purchase is an order of kind `stars` there, numbered
   * and listed with every other order; this service moves it along in the same transactions.
   */
  orders: StarsOrdersPort;
  /** Who a customer is, as staff and the order list show them. Read outside transactions. */
  customer(userId: number): Promise<StarsCustomer>;
  /** The payments module's name of the method that made payment `paymentId`, per language. Read outside transactions. */
  paymentMethod(paymentId: number): Promise<((locale: Locale) => string) | undefined>;
  /** The business time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
}

/** What the reseller needs of the orders service. */
export interface StarsOrdersPort {
  place(input: PlaceOrderInput, options: { inTransaction?: (trx: Transaction<Database>, order: Order) => Promise<void> }): Promise<Order>;
  transition(executor: DbExecutor, orderId: number, to: string, actor: OrderActor, options: { note?: string; locale: Locale; notify?: boolean }): Promise<Order>;
  markPaid(executor: DbExecutor, orderId: number, payment: OrderPaymentReceipt): Promise<unknown>;
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
  const messages = createStarsMessages({ i18n, timeZone: deps.timeZone });

  /**
   * The staff card of `order` in any language, with everything read first (outside the
   * transaction that sends it: on SQLite a transaction holds the only connection).
   */
  async function staffCardOf(order: StarsOrder, paymentId = order.payment_id): Promise<(locale: Locale) => string> {
    const customer = await deps.customer(order.user_id);
    const method = paymentId === null ? undefined : await deps.paymentMethod(paymentId);
    return (locale) => messages.staffCardHtml(order, customer, locale, method?.(locale));
  }
  /** The customer's language now (switched since ordering, perhaps); the one they ordered in otherwise. */
  const localeOf = (executor: DbExecutor, order: StarsOrder): Promise<Locale> => readerLocale(executor, order.user_id, localeOr(order.locale, deps.staffLocale));

  /** Price in minor units, rounded up to a whole minor unit. */
  const priceOf = (stars: number) => Math.ceil((stars * toMinor(settings.pricePer100, deps.currency)) / 100);

  const customerNotice = async (executor: DbExecutor, order: StarsOrder, status: StarsOrderStatus, extra: Record<string, string | number> = {}): Promise<OutboxMessage> => {
    const locale = await localeOf(executor, order);
    return {
      chatId: order.user_id,
      method: 'sendMessage',
      payload: { text: i18n.t(locale, `stars-status-${status.replace('_', '-')}`, { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}`, ...extra }) },
      priority: 'high',
      dedupeKey: `stars:${order.id}:${status}:${order.updated_at}`,
    };
  };

  /** Moves an order and records the step, in `executor`'s transaction. */
  async function move(
    executor: DbExecutor,
    order: StarsOrder,
    from: readonly StarsOrderStatus[],
    to: StarsOrderStatus,
    actor: StarsActor,
    patch: Partial<StarsOrder> = {},
    note?: string,
    paidBy?: PaymentRecord,
  ): Promise<StarsOrder | undefined> {
    const scoped = createStarsRepository(executor);
    const nowMs = deps.now();
    const changes = { ...patch, status: to, updated_at: nowMs };
    if (!(await scoped.transition(order.id, from, changes))) return undefined;
    await scoped.addHistory({ order_id: order.id, from_status: order.status, to_status: to, actor_type: actor.type, actor_id: actor.id === undefined ? null : String(actor.id), note: note ?? null, at: nowMs });
    const moved = { ...order, ...changes };
    await mirror(executor, moved, actor, note, paidBy);
    return moved;
  }

  /**
   * Moves the purchase's order in the orders module along, in the same transaction: the order
   * list, the panel and the statistics follow this service. Silent: this service tells the
   * customer and staff itself. A paid order records its payment and method there too.
   */
  async function mirror(executor: DbExecutor, order: StarsOrder, actor: StarsActor, note?: string, paidBy?: PaymentRecord): Promise<void> {
    if (order.order_id === null) return;
    const locale = localeOr(order.locale, deps.staffLocale);
    const role = actor.type === 'admin' ? 'staff' : actor.type === 'user' ? 'customer' : 'system';
    if (paidBy) {
      await deps.orders.markPaid(executor, order.order_id, { paymentId: paidBy.id, method: paymentMethodOf(paidBy), amountMinor: paidBy.amount_minor, currency: paidBy.currency, locale });
      return;
    }
    await deps.orders.transition(executor, order.order_id, order.status, { role, id: actor.id }, { note, locale, notify: false });
  }

  /** A staff alert for every staff chat, written by `render` in each chat's language. */
  const staff = async (executor: DbExecutor, order: StarsOrder, render: (locale: Locale) => string, withButtons: boolean): Promise<OutboxMessage[]> =>
    (await deps.staffChats(executor)).map(({ chatId, locale }) => ({
      chatId,
      method: 'sendMessage',
      payload: {
        text: render(locale),
        parse_mode: 'HTML',
        ...(withButtons
          ? {
              reply_markup: {
                inline_keyboard: [[
                  { text: i18n.t(locale, 'stars-staff-delivered'), callback_data: `stars:ok:${order.id}` },
                  { text: i18n.t(locale, 'stars-staff-failed'), callback_data: `stars:fail:${order.id}` },
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
        description: i18n.t(locale, 'stars-invoice-description', { stars: order.stars, recipient: `@${order.recipient}`, id: starsOrderNumber(order) }),
        fiat: { amountMinor: order.price_minor, currency: order.currency },
        methods: settings.methods,
        units: order.stars,
      };
    },
    async staffCard(payment, locale) {
      const order = /^\d{1,12}$/.test(payment.purpose_ref) ? await repository.find(Number(payment.purpose_ref)) : undefined;
      return order ? (await staffCardOf(order, payment.id))(locale) : undefined;
    },
    async staffSubject(payment, locale) {
      const order = /^\d{1,12}$/.test(payment.purpose_ref) ? await repository.find(Number(payment.purpose_ref)) : undefined;
      return order ? i18n.t(locale, 'stars-payment-subject', { number: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) : undefined;
    },
    async onPaid(trx, payment) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) throw new StarsError('stars.not_found', `order ${payment.purpose_ref} is gone`);
      const paid = await move(trx, order, ['awaiting_payment', 'expired'], 'paid', { type: 'system' }, { payment_id: payment.id, paid_at: deps.now() }, `payment #${payment.id}`, payment);
      if (!paid) return { text: i18n.t(await localeOf(trx, order), 'stars-status-paid', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) };
      await scheduleJob(trx, { kind: FULFIL_JOB, payload: { orderId: order.id }, runAt: deps.now(), dedupeKey: `stars:fulfil:${order.id}` }, deps.now());
      return { text: i18n.t(await localeOf(trx, order), 'stars-status-paid', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${order.recipient}` }) };
    },
    async onClosed(trx, payment, outcome) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      const expired = await move(trx, order, ['awaiting_payment'], 'expired', { type: 'system' }, {}, `payment #${payment.id} ${outcome}`);
      // A declined transfer was already explained to the customer, with the admin's reason.
      if (expired && outcome !== 'declined') await enqueueOutbox(trx, await customerNotice(trx, expired, 'expired'), deps.now());
    },
    async onRefunded(trx, payment, actor) {
      const order = await createStarsRepository(trx).find(Number(payment.purpose_ref));
      if (!order) return;
      if (order.status === 'delivered') throw new StarsError('stars.already_delivered', 'the Stars were already delivered', { orderId: order.id });
      const refunded = await move(trx, order, ['paid', 'delivering', 'failed'], 'refunded', { type: actor.type, id: actor.id }, {}, `payment #${payment.id} refunded`);
      if (refunded) await enqueueOutbox(trx, await customerNotice(trx, refunded, 'refunded'), deps.now());
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
      const priceMinor = priceOf(input.stars);
      const customer = await deps.customer(input.userId);
      const contactName = (customer.username ? `${customer.name} (@${customer.username})` : customer.name).slice(0, 200) || String(input.userId);
      // One line naming what is sold in every language, so each reader of the order list reads it in theirs.
      const titleIn = (locale: Locale) => i18n.t(locale, 'stars-order-line-title', { stars: input.stars, recipient: `@${recipient}` });
      const titles = Object.fromEntries(i18n.locales.map((locale) => [locale, { title: titleIn(locale) }]));
      let placed: StarsOrder | undefined;
      // The order of the orders module and the purchase commit together, or neither does.
      await deps.orders.place(
        {
          kind: STARS_KIND,
          userId: input.userId,
          currency: deps.currency,
          lines: [{ kind: 'item', title: titleIn(deps.staffLocale), titles, unitPriceMinor: priceMinor, quantity: 1 }],
          contactName,
          paymentMethod: 'online',
        },
        {
          inTransaction: async (trx, order) => {
            placed = await insertPurchase(trx, order);
          },
        },
      );
      return placed as StarsOrder;

      async function insertPurchase(trx: Transaction<Database>, order: Order): Promise<StarsOrder> {
        const nowMs = order.created_at;
        const scoped = createStarsRepository(trx);
        const purchase = await scoped.insert({
          order_id: order.id,
          order_number: order.number,
          user_id: input.userId,
          recipient,
          stars: input.stars,
          price_minor: priceMinor,
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
        await scoped.addHistory({ order_id: purchase.id, from_status: null, to_status: 'awaiting_payment', actor_type: 'user', actor_id: String(input.userId), note: null, at: nowMs });
        return purchase;
      }
    },

    /** The fulfilment step for a paid order (the scheduled job): ask an admin, or call the hook. */
    async fulfil(orderId: number): Promise<StarsOrder | undefined> {
      const order = await repository.find(orderId);
      if (!order) return undefined;
      const fulfilment = settings.fulfilment;
      if (order.status === 'paid') {
        const card = fulfilment.mode === 'admin' ? await staffCardOf(order) : undefined;
        const moved = await db.transaction().execute(async (trx) => {
          const delivering = await move(trx, order, ['paid'], 'delivering', { type: 'system' });
          if (!delivering) return undefined;
          const messages = [await customerNotice(trx, delivering, 'delivering')];
          if (card) {
            const text = (locale: Locale) =>
              `${i18n.t(locale, 'stars-staff-deliver', { id: starsOrderNumber(order), stars: order.stars, recipient: `@${escapeHtml(order.recipient)}`, amount: formatMoney(order.price_minor, order.currency, locale) })}\n\n${card(locale)}`;
            messages.push(...(await staff(trx, delivering, text, true)));
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
        await enqueueOutbox(trx, await customerNotice(trx, delivered, 'delivered'), deps.now());
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
        const text = (locale: Locale) => i18n.t(locale, 'stars-staff-delivery-failed', { id: starsOrderNumber(order), reason: escapeHtml(reason), payment: String(order.payment_id ?? '—') });
        await enqueueOutbox(trx, [await customerNotice(trx, failed, 'failed'), ...(await staff(trx, failed, text, false))], deps.now());
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
          if (expired) await enqueueOutbox(trx, await customerNotice(trx, expired, 'expired'), deps.now());
          return Boolean(expired);
        });
        if (done) closed += 1;
      }
      return closed;
    },

    /**
     * Staff figures since `sinceMs`: Stars sold (delivered) and their revenue, what customers
     * paid for (delivered or still on its way), and orders per status.
     */
    async figures(sinceMs: number): Promise<{ starsSold: number; deliveredOrders: number; revenue: { currency: string; totalMinor: number }[]; byStatus: { status: StarsOrderStatus; orders: number }[] }> {
      const rows = await repository.totalsByStatus(sinceMs);
      const revenue = new Map<string, number>();
      const byStatus = new Map<StarsOrderStatus, number>();
      let starsSold = 0;
      let deliveredOrders = 0;
      for (const row of rows) {
        byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.orders);
        if (row.status === 'delivered') {
          starsSold += row.stars;
          deliveredOrders += row.orders;
        }
        if ((STARS_PAID_STATUSES as readonly string[]).includes(row.status)) revenue.set(row.currency, (revenue.get(row.currency) ?? 0) + row.priceMinor);
      }
      return {
        starsSold,
        deliveredOrders,
        revenue: [...revenue].map(([currency, totalMinor]) => ({ currency, totalMinor })),
        byStatus: STARS_ORDER_STATUSES.filter((status) => byStatus.has(status)).map((status) => ({ status, orders: byStatus.get(status) ?? 0 })),
      };
    },

    /** The staff card of a purchase (HTML), in `locale`. */
    async staffCard(order: StarsOrder, locale: Locale): Promise<string> {
      return (await staffCardOf(order))(locale);
    },

    messages,
    findByOrderId: repository.findByOrderId,
    get: repository.find,
    history: repository.history,
    listForUser: repository.listForUser,
    listRecent: repository.listRecent,
  };
}

/** The reseller service's shape. */
export type StarsService = ReturnType<typeof createStarsService>;
