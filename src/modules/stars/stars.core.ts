import { createHmac } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { localeOr, type Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { type OutboxMessage } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { Order, OrderActor, OrderPaymentReceipt, PlaceOrderInput } from '../orders/orders.service.ts';
import { paymentMethodOf } from '../orders/orders.payments.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import { readerLocale } from '../users/users.locales.ts';
import { createStarsMessages, starsOrderNumber, type StarsCustomer } from './stars.messages.ts';
import { createStarsRepository } from './stars.repository.ts';
import { type StarsOrder, type StarsOrderStatus } from './stars.tables.ts';
import { Webhook } from 'standardwebhooks';
import { requestThrough, type OutgoingPolicy } from '../../platform/outgoing.ts';

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
  /** Where the fulfilment hook may be called: the one outgoing-URL policy (`outgoing.allowPrivate`). */
  outgoing: OutgoingPolicy;
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

/**
 * The old `X-Lavka-Signature` of a fulfilment hook call: `sha256=` + hex HMAC-SHA256 of the
 * body. Still sent beside the Standard Webhooks headers for one release, so that a reseller's
 * receiver can move to them; it goes away after that.
 */
export function hookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The Standard Webhooks headers of a fulfilment hook call, as Lavka's webhooks carry them: the
 * order's idempotency key as `webhook-id` (the same on every retry), and the signature with the
 * secret's bytes as the key (`new Webhook(secret, { format: 'raw' })` verifies it).
 */
export function hookHeaders(secret: string, id: string, body: string, nowMs: number): Record<string, string> {
  const signer = new Webhook(secret, { format: 'raw' });
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(nowMs / 1000)), 'webhook-signature': signer.sign(id, new Date(nowMs), body) };
}

/** The hook's JSON answer, or nothing usable. */
function parsedAnswer(text: string): { status?: unknown; reference?: unknown; reason?: unknown } {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/** What the reseller's use cases share: the repository, texts, moves with their history and the staff alerts. */
export function createStarsCore(deps: StarsServiceDeps) {
  const { db, i18n, settings } = deps;
  const repository = createStarsRepository(db);
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

  async function callHook(order: StarsOrder, hook: { url: string; timeoutMs: number }): Promise<{ status: 'delivered'; reference?: string } | { status: 'failed'; reason: string }> {
    const id = `stars-order-${order.id}`;
    const body = JSON.stringify({ order_id: order.id, idempotency_key: id, recipient: order.recipient, stars: order.stars });
    const signed = deps.hookSecret ? { ...hookHeaders(deps.hookSecret, id, body, deps.now()), 'x-lavka-signature': hookSignature(deps.hookSecret, body) } : {};
    const response = await requestThrough(deps.outgoing, new URL(hook.url), {
      method: 'POST',
      headers: signed,
      body,
      timeoutMs: hook.timeoutMs,
      maxBytes: 16_384,
      truncate: true,
    });
    const answer = parsedAnswer(response.body.toString('utf8'));
    if (response.status >= 500) throw new Error(`fulfilment hook answered ${response.status}`);
    if (response.status >= 200 && response.status < 300 && answer.status === 'delivered') return { status: 'delivered', ...(typeof answer.reference === 'string' ? { reference: answer.reference.slice(0, 200) } : {}) };
    return { status: 'failed', reason: typeof answer.reason === 'string' ? answer.reason.slice(0, 300) : `hook answered ${response.status}` };
  }

  return { deps, db, i18n, settings, repository, messages, staffCardOf, localeOf, priceOf, customerNotice, move, staff, callHook };
}

/** What the reseller's use cases share. */
export type StarsCore = ReturnType<typeof createStarsCore>;
