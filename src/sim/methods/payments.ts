// Payments: sendInvoice, createInvoiceLink, answerPreCheckoutQuery, refundStarPayment,
// getStarTransactions and getMyStarBalance. Paying itself is a user action (payment-flow.ts).

import { badRequest } from '../api-error.ts';
import type { ApiMessage } from '../api-types.ts';
import { appendMessage, assertBotCanWrite, consumeSendBudget, requireChat, requireUser, toApi } from '../chat-ops.ts';
import type { InvoiceRecord } from '../chat-types.ts';
import { checkReplyMarkup, classifyMarkup } from '../markup.ts';
import type { SimState } from '../sim-state.ts';
import { inlineMarkupOf, resolveReply } from './content.ts';
import type { MethodTable } from './types.ts';

const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';
/** The only subscription period Telegram accepts (30 days). */
const SUBSCRIPTION_PERIOD_SEC = 2_592_000;
/**
 * Payment provider tokens the simulator accepts for invoices in money: a test provider's, as
 * @BotFather hands them out (`<provider id>:TEST:<secret>`). It charges no real card, like
 * Telegram's test payment providers; live tokens belong to the real Telegram only.
 */
const TEST_PROVIDER_TOKEN = /^\d{5,12}:TEST:[A-Za-z0-9_-]{1,128}$/;
const INVOICE_FIELDS = new Set(['title', 'description', 'payload', 'currency', 'prices', 'subscription_period', 'chat_id', 'reply_markup', 'reply_parameters']);

/** Handlers for invoices, pre-checkout answers and Star refunds. */
export function createPaymentMethods(state: SimState): MethodTable {
  function buildInvoice(params: Record<string, unknown>): InvoiceRecord {
    const title = String(params.title);
    const description = String(params.description);
    const payload = String(params.payload);
    const currency = String(params.currency).toUpperCase();
    const prices = params.prices as Array<{ label: string; amount: number }>;
    if (title.length < 1 || title.length > 32) throw badRequest('invoice title must be 1-32 characters long');
    if (description.length < 1 || description.length > 255) throw badRequest('invoice description must be 1-255 characters long');
    if (Buffer.byteLength(payload) < 1 || Buffer.byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
    if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('CURRENCY_INVALID');
    if (prices.length === 0) throw badRequest('prices must be non-empty');
    if (currency === 'XTR') {
      if (params.provider_token !== undefined && params.provider_token !== '') throw badRequest('PAYMENT_PROVIDER_INVALID');
      if (prices.length !== 1) throw badRequest('STARS_INVOICE_INVALID: payments in Telegram Stars must have exactly one price');
    } else if (typeof params.provider_token !== 'string' || !TEST_PROVIDER_TOKEN.test(params.provider_token)) {
      throw badRequest('PAYMENT_PROVIDER_INVALID');
    }
    const totalAmount = prices.reduce((sum, price) => sum + price.amount, 0);
    if (totalAmount <= 0 || prices.some((p) => !Number.isInteger(p.amount))) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
    const invoice: InvoiceRecord = {
      title, description, payload, currency, prices: structuredClone(prices), totalAmount,
      extra: Object.fromEntries(Object.entries(params).filter(([key]) => !INVOICE_FIELDS.has(key))),
    };
    if (params.subscription_period !== undefined) {
      if (params.subscription_period !== SUBSCRIPTION_PERIOD_SEC || currency !== 'XTR') throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
      invoice.subscriptionPeriodSec = SUBSCRIPTION_PERIOD_SEC;
    }
    return invoice;
  }

  return {
    sendInvoice({ params }) {
      const chat = requireChat(state, params.chat_id);
      assertBotCanWrite(state, chat);
      const invoice = buildInvoice(params);
      const markup = classifyMarkup(params.reply_markup);
      checkReplyMarkup(markup, chat.chat.type);
      const reply = resolveReply(state, chat, params.reply_parameters);
      consumeSendBudget(state, chat, params.allow_paid_broadcast === true);
      const content: Partial<ApiMessage> = {
        ...(reply ? { reply_to_message: reply } : {}),
        invoice: {
          title: invoice.title,
          description: invoice.description,
          start_parameter: params.start_parameter === undefined ? '' : String(params.start_parameter),
          currency: invoice.currency,
          total_amount: invoice.totalAmount,
        },
        ...inlineMarkupOf(markup),
      };
      const stored = appendMessage(state, chat, content, { bot: true });
      invoice.chatId = chat.chat.id;
      invoice.messageId = stored.message.message_id;
      stored.invoice = invoice;
      return toApi(stored);
    },

    createInvoiceLink({ params }) {
      const invoice = buildInvoice(params);
      const slug = `sim${state.nextSerial('invoice_link')}${Math.random().toString(36).slice(2, 10)}`;
      invoice.slug = slug;
      state.invoiceLinks.set(slug, invoice);
      return `https://t.me/$${slug}`;
    },

    answerPreCheckoutQuery({ params }) {
      const query = state.preCheckouts.get(String(params.pre_checkout_query_id));
      if (!query || query.answered) throw badRequest(QUERY_INVALID);
      const ok = params.ok === true;
      const errorMessage = params.error_message === undefined ? undefined : String(params.error_message);
      if (!ok && !errorMessage) throw badRequest('error_message is empty: it is required when ok is false');
      query.answered = true;
      query.onAnswer({ ok, errorMessage });
      return true;
    },

    refundStarPayment({ params }) {
      const userId = Number(params.user_id);
      requireUser(state, userId);
      const payment = state.payments.get(String(params.telegram_payment_charge_id));
      if (!payment || payment.userId !== userId || payment.currency !== 'XTR') throw badRequest('CHARGE_NOT_FOUND');
      if (payment.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
      payment.refunded = true;
      const user = requireUser(state, userId);
      state.starTransactions.push({
        id: payment.chargeId,
        amount: payment.totalAmount,
        date: Math.floor(state.clock() / 1000),
        receiver: { type: 'user', transaction_type: 'invoice_payment', user: structuredClone(user), invoice_payload: payment.payload },
      });
      const chat = state.chats.get(payment.chatId);
      if (chat) {
        const stored = appendMessage(
          state,
          chat,
          {
            refunded_payment: {
              currency: payment.currency,
              total_amount: payment.totalAmount,
              invoice_payload: payment.payload,
              telegram_payment_charge_id: payment.chargeId,
            },
          },
          { user },
        );
        state.updates.push('message', toApi(stored));
      }
      state.events.emit({ type: 'refund', chatId: payment.chatId, chargeId: payment.chargeId, userId });
      return true;
    },

    getStarTransactions({ params }) {
      const offset = typeof params.offset === 'number' ? Math.max(0, params.offset) : 0;
      const limit = typeof params.limit === 'number' ? Math.min(100, Math.max(1, params.limit)) : 100;
      return { transactions: structuredClone(state.starTransactions.slice(offset, offset + limit)) };
    },

    getMyStarBalance() {
      let amount = 0;
      for (const transaction of state.starTransactions) {
        amount += transaction.source ? Number(transaction.amount) : -Number(transaction.amount);
      }
      return { amount };
    },
  };
}
