// A user paying an invoice, step by step as Telegram runs it: a pre_checkout_query goes to the
// bot, the bot has 10 seconds to answer, and only a positive answer produces the
// successful_payment message with a fresh telegram_payment_charge_id.

import { randomBytes } from 'node:crypto';
import type { ApiUser } from './api-types.ts';
import { appendMessage, findMessage, newChatRecord, toApi, toView } from './chat-ops.ts';
import type { InvoiceRecord, ViewMessage } from './chat-types.ts';
import type { SimState } from './sim-state.ts';

/** How a payment attempt ended. */
export type PaymentResult =
  | { status: 'paid'; preCheckoutQueryId: string; chargeId: string; message: ViewMessage }
  | { status: 'declined'; preCheckoutQueryId: string; errorMessage: string | undefined }
  | { status: 'timeout'; preCheckoutQueryId: string };

/** Runs payments for users. */
export interface PaymentFlow {
  /**
   * Pays an invoice message (by id, in `chatId` or the user's private chat) or an invoice link
   * (its slug or full https://t.me/$slug URL).
   */
  pay(user: ApiUser, target: number | string, options?: { chatId?: number; timeoutMs?: number }): Promise<PaymentResult>;
}

/** Creates the payment flow over the simulator state. */
export function createPaymentFlow(state: SimState): PaymentFlow {
  const paidInvoiceMessages = new Set<string>();

  function findInvoice(user: ApiUser, target: number | string, chatId: number): InvoiceRecord {
    if (typeof target === 'number') {
      const chat = state.chats.get(chatId);
      const stored = chat ? findMessage(chat, target) : undefined;
      if (!stored?.invoice) throw new Error(`message ${target} in chat ${chatId} is not an invoice`);
      if (paidInvoiceMessages.has(`${chatId}:${target}`)) throw new Error(`invoice message ${target} in chat ${chatId} is already paid`);
      return stored.invoice;
    }
    const slug = target.replace(/^https:\/\/t\.me\//, '').replace(/^\$/, '');
    const invoice = state.invoiceLinks.get(slug);
    if (!invoice) throw new Error(`unknown invoice link ${target} (user ${user.id})`);
    return invoice;
  }

  return {
    async pay(user, target, options = {}) {
      const invoice = findInvoice(user, target, options.chatId ?? user.id);
      const queryId = `${state.nextSerial('pre_checkout')}${randomBytes(6).readUIntBE(0, 6)}`;
      const timeoutMs = options.timeoutMs ?? state.options.preCheckoutTimeoutMs;

      const answer = await new Promise<{ ok: boolean; errorMessage: string | undefined } | undefined>((resolve) => {
        const expire = (): void => {
          clearTimeout(timer);
          state.lifetime.removeEventListener('abort', expire);
          const record = state.preCheckouts.get(queryId);
          if (record) record.answered = true;
          resolve(undefined);
        };
        const timer = setTimeout(expire, timeoutMs);
        state.lifetime.addEventListener('abort', expire, { once: true });
        state.preCheckouts.set(queryId, {
          id: queryId,
          userId: user.id,
          invoice,
          createdAtMs: state.clock(),
          answered: false,
          onAnswer(result) {
            clearTimeout(timer);
            state.lifetime.removeEventListener('abort', expire);
            resolve(result);
          },
        });
        state.updates.push('pre_checkout_query', {
          id: queryId,
          from: user,
          currency: invoice.currency,
          total_amount: invoice.totalAmount,
          invoice_payload: invoice.payload,
        });
      });

      const chatId = invoice.chatId ?? user.id;
      if (!answer) {
        state.events.emit({ type: 'pre_checkout', chatId, queryId, ok: false, errorMessage: 'timeout' });
        return { status: 'timeout', preCheckoutQueryId: queryId };
      }
      state.events.emit({ type: 'pre_checkout', chatId, queryId, ok: answer.ok, ...(answer.errorMessage ? { errorMessage: answer.errorMessage } : {}) });
      if (!answer.ok) return { status: 'declined', preCheckoutQueryId: queryId, errorMessage: answer.errorMessage };

      let chat = state.chats.get(chatId);
      if (!chat) {
        chat = newChatRecord({ id: user.id, type: 'private', first_name: user.first_name });
        state.chats.set(chatId, chat);
      }
      // Paying is talking to the bot: afterwards it may write to the user.
      if (chat.chat.type === 'private') chat.started = true;
      const nowSec = Math.floor(state.clock() / 1000);
      const chargeId = `stxSIM${state.nextSerial('charge')}${randomBytes(9).toString('base64url')}`;
      const providerChargeId = invoice.currency === 'XTR' ? '' : `sim_provider_${state.nextSerial('provider_charge')}`;
      const successfulPayment: Record<string, unknown> = {
        currency: invoice.currency,
        total_amount: invoice.totalAmount,
        invoice_payload: invoice.payload,
      };
      if (invoice.subscriptionPeriodSec) {
        successfulPayment.subscription_expiration_date = nowSec + invoice.subscriptionPeriodSec;
        successfulPayment.is_recurring = true;
        successfulPayment.is_first_recurring = true;
      }
      successfulPayment.telegram_payment_charge_id = chargeId;
      successfulPayment.provider_payment_charge_id = providerChargeId;

      const stored = appendMessage(state, chat, { successful_payment: successfulPayment }, { user });
      state.updates.push('message', toApi(stored));
      if (typeof target === 'number') paidInvoiceMessages.add(`${chatId}:${target}`);
      state.payments.set(chargeId, {
        chargeId, providerChargeId, userId: user.id, chatId, currency: invoice.currency, totalAmount: invoice.totalAmount,
        payload: invoice.payload, dateSec: nowSec, refunded: false,
      });
      if (invoice.currency === 'XTR') {
        const partner: Record<string, unknown> = { type: 'user', transaction_type: 'invoice_payment', user: structuredClone(user), invoice_payload: invoice.payload };
        if (invoice.subscriptionPeriodSec) partner.subscription_period = invoice.subscriptionPeriodSec;
        state.starTransactions.push({ id: chargeId, amount: invoice.totalAmount, date: nowSec, source: partner });
      }
      state.events.emit({ type: 'invoice_paid', chatId, payment: structuredClone(successfulPayment), messageId: stored.message.message_id });
      return { status: 'paid', preCheckoutQueryId: queryId, chargeId, message: toView(stored) };
    },
  };
}
