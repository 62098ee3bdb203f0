/**
 * What Telegram tells the bot about its invoices (the pre-checkout check within Telegram's ten
 * seconds, the successful payment, a refund), the receipt a customer sends for a manual
 * transfer, and `/paysupport`, which Telegram requires of every bot that takes payments.
 */
import type { Composer } from 'grammy';
import { effectiveHours } from '../../config/business-hours.ts';
import { businessHoursLines } from '../../telegram/business-hours.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { RECEIPT_FLOW, explainError, type PaymentsComposerDeps } from './payments.bot.shared.ts';
import { isPaymentsError } from './payments.errors.ts';
import { paymentIdFromPayload } from './providers/telegram-stars.provider.ts';

/** Telegram gives the bot 10 s to answer a pre-checkout query; we answer well within it. */
const PRE_CHECKOUT_BUDGET_MS = 7000;

/** Registers the invoice updates and `/paysupport`. */
export function registerTelegramPayments(composer: Composer<BotContext>, deps: PaymentsComposerDeps): void {
  const { payments } = deps;
  // Invoices of other modules (their own payload prefixes) pass through to their handlers.
  composer.on('pre_checkout_query', async (ctx, next) => {
    const query = ctx.preCheckoutQuery;
    if (paymentIdFromPayload(query.invoice_payload) === undefined) return next();
    const check = payments.preCheckout({ payload: query.invoice_payload, userId: query.from.id, currency: query.currency, totalAmount: query.total_amount });
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('payments.timeout'), PRE_CHECKOUT_BUDGET_MS).unref());
    const refusal = await Promise.race([check, timeout]).catch((error: unknown) => {
      ctx.log.error({ err: error }, 'pre-checkout check failed');
      return 'payments.timeout';
    });
    if (refusal === undefined) {
      await ctx.answerPreCheckoutQuery(true);
      return;
    }
    ctx.log.info({ refusal, payload: query.invoice_payload }, 'pre-checkout refused');
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t(`payments-precheckout-${refusal.split('.')[1]}`) });
  });

  composer.on('message:successful_payment', async (ctx, next) => {
    const paid = ctx.message.successful_payment;
    if (paymentIdFromPayload(paid.invoice_payload) === undefined) return next();
    const outcome = await payments.recordTelegramPayment({
      userId: ctx.from.id,
      payload: paid.invoice_payload,
      currency: paid.currency,
      totalAmount: paid.total_amount,
      chargeId: paid.telegram_payment_charge_id,
      providerChargeId: paid.provider_payment_charge_id,
    });
    switch (outcome.status) {
      case 'credited':
        await ctx.reply(outcome.notice?.text ?? ctx.t('payments-received-processing'));
        return;
      case 'duplicate':
        ctx.log.info({ charge: paid.telegram_payment_charge_id }, 'successful_payment delivered again; already settled');
        return;
      case 'deferred':
        await ctx.reply(ctx.t('payments-received-processing'));
        return;
      default:
        await ctx.reply(ctx.t('payments-received-unmatched'));
    }
  });

  // Telegram reports refunds as a service message; the refund itself was settled when it was made.
  composer.on('message:refunded_payment', (ctx) => {
    ctx.log.info({ charge: ctx.message.refunded_payment.telegram_payment_charge_id }, 'refund confirmed by Telegram');
  });

  composer.command('paysupport', async (ctx) => {
    const { business } = deps.config;
    const support = business.support;
    const hours = effectiveHours(business);
    const contacts = [support.username ? `@${support.username.replace(/^@/, '')}` : undefined, support.phone, support.email, hours.weekly ? undefined : hours.note]
      .filter(Boolean)
      .join(' · ');
    const text = contacts ? ctx.t('payments-paysupport', { contacts }) : ctx.t('payments-paysupport-here');
    // Read at use time: the owner may change the hours or the time zone in the panel.
    const schedule = businessHoursLines(business, { t: ctx.t, locale: ctx.locale, nowMs: deps.now(), timeZone: business.timeZone });
    await ctx.reply(hours.weekly ? `${text}\n\n${schedule.join('\n')}` : text);
  });
}

/** After the requisites, the bot waits for a photo (or PDF) of the transfer's receipt. */
export function receiptFlowDefinition(deps: PaymentsComposerDeps): FlowDefinition {
  const { payments, i18n } = deps;
  return defineFlow<{ paymentId: number }>({
    ...RECEIPT_FLOW,
    steps: {
      photo: {
        async onMessage(ctx, flow) {
          const photo = ctx.message?.photo?.at(-1);
          const document = ctx.message?.document;
          const fileId = photo?.file_id ?? (document?.mime_type?.startsWith('image/') || document?.mime_type === 'application/pdf' ? document.file_id : undefined);
          if (!fileId || !ctx.from) {
            await ctx.reply(ctx.t('payments-receipt-expected'));
            return;
          }
          try {
            const payment = await payments.attachReceipt(flow.data.paymentId, ctx.from.id, fileId);
            flow.leave();
            await ctx.reply(ctx.t('payments-receipt-received', { id: String(payment.id) }));
          } catch (error) {
            if (!isPaymentsError(error)) throw error;
            flow.leave();
            await ctx.reply(explainError(i18n, ctx, error));
          }
        },
      },
    },
  });
}
