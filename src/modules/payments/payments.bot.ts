import { Composer, GrammyError, HttpError, InlineKeyboard, InputFile, type Api } from 'grammy';
import { effectiveHours } from '../../config/business-hours.ts';
import type { BusinessConfig } from '../../config/business.ts';
import { businessHoursLines } from '../../telegram/business-hours.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { explainRefusal } from '../../telegram/refusals.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, pageWindow, parsePage } from '../../telegram/paginator.ts';
import { METHODS_PATTERN, START_PATTERN, UNAVAILABLE_PATTERN, startPaymentData } from './payments.callbacks.ts';
import { isPaymentsError } from './payments.errors.ts';
import type { PaymentsSettings } from './payments.settings.ts';
import { paymentIdFromPayload } from './providers/telegram-stars.provider.ts';
import { manualLabelOf, type MethodOption, type PaymentsService } from './payments.service.ts';
import type { PaymentRecord } from './payments.tables.ts';
import type { PaymentQuote } from './payments.types.ts';

/** Telegram gives the bot 10 s to answer a pre-checkout query; we answer well within it. */
const PRE_CHECKOUT_BUDGET_MS = 7000;
const PENDING_PAGE_SIZE = 5;

/** The receipt flow: after showing requisites, the bot waits for the receipt photo. */
export const RECEIPT_FLOW = { name: 'payments-receipt', version: 1 } as const;
/** The decline flow: an admin writes why a request is declined. */
export const DECLINE_FLOW = { name: 'payments-decline', version: 1 } as const;

/** Dependencies of the payments composer. */
export interface PaymentsComposerDeps {
  payments: PaymentsService;
  /** The settings in effect (the owner may change them while the bot runs). */
  settings(): PaymentsSettings;
  config: BusinessConfig;
  i18n: Translator;
  /** Receives the bot's API client on the first update, for calls made outside handlers. */
  onApi(api: Api): void;
  now(): number;
}

/** A payments refusal in the user's language (see {@link explainRefusal}). */
export function explainError(i18n: Translator, ctx: BotContext, error: unknown): string {
  return explainRefusal(i18n, ctx, error, 'payments-error-unexpected');
}

/**
 * Adds a row per payment method to `keyboard`: an available one starts paying `ref` of
 * `purpose`; one whose gateway circuit is open is shown paused and only explains itself.
 * Other modules use it to offer the methods on their own screens (a placed order's summary).
 */
export function addPaymentMethodRows(keyboard: InlineKeyboard, ctx: BotContext, purpose: string, ref: string, methods: readonly MethodOption[]): InlineKeyboard {
  for (const method of methods) {
    if (method.available) keyboard.text(method.label, startPaymentData(purpose, ref, method.id)).row();
    else keyboard.text(ctx.t('payments-method-paused', { method: method.label }), `pay:na:${method.id}`).row();
  }
  return keyboard;
}

function priceLines(ctx: BotContext, quote: PaymentQuote): string {
  const lines: string[] = [];
  if (quote.fiat) lines.push(formatMoney(quote.fiat.amountMinor, quote.fiat.currency, ctx.locale));
  if (quote.stars) lines.push(formatMoney(quote.stars, 'XTR', ctx.locale));
  return lines.join(' · ');
}

/**
 * Paying in the bot: the method list (`pay:m:<purpose>:<ref>`), opening a payment with the
 * chosen method (invoice, link, QR or requisites, in place of the list), pre-checkout and
 * successful_payment, receipts for manual transfers, `/paysupport`; for admins `/pending`,
 * approve/decline and `/refund`.
 */
export function createPaymentsComposer(deps: PaymentsComposerDeps): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { payments, i18n } = deps;
  const composer = new Composer<BotContext>();
  let apiSeen = false;
  composer.use((ctx, next) => {
    if (!apiSeen) {
      apiSeen = true;
      deps.onApi(ctx.api);
    }
    return next();
  });

  const methodsScreen = async (ctx: BotContext, purpose: string, ref: string, notice?: string) => {
    const userId = ctx.from?.id as number;
    const offer = await payments.offer(purpose, ref, userId, ctx.locale);
    if (!offer) return { text: ctx.t('payments-not-payable'), keyboard: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) };
    const keyboard = addPaymentMethodRows(new InlineKeyboard(), ctx, purpose, ref, offer.methods);
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const body = offer.methods.some((method) => method.available)
      ? ctx.t('payments-choose-method', { title: offer.quote.title, price: priceLines(ctx, offer.quote) })
      : ctx.t('payments-no-methods');
    return { text: notice ? `${notice}\n\n${body}` : body, keyboard };
  };

  composer.callbackQuery(METHODS_PATTERN, async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await methodsScreen(ctx, ctx.match[1] as string, ctx.match[2] as string);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(UNAVAILABLE_PATTERN, async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('payments-method-unavailable', { method: ctx.t(`payments-method-${ctx.match[1]}`) }), show_alert: true });
  });

  composer.callbackQuery(START_PATTERN, async (ctx) => {
    const [purpose, ref, method] = [ctx.match[1] as string, ctx.match[2] as string, ctx.match[3] as string];
    let opened: Awaited<ReturnType<PaymentsService['start']>>;
    try {
      opened = await payments.start({ userId: ctx.from.id, purpose, ref, method, locale: ctx.locale });
    } catch (error) {
      if (!isPaymentsError(error)) throw error;
      await ctx.answerCallbackQuery();
      if (error.code === 'payments.gateway_unavailable' || error.code === 'payments.method_unavailable' || error.code === 'payments.stars_not_allowed') {
        // The gateway is down (or Stars may not pay for this): offer the other methods in place instead of failing.
        const notice = error.code === 'payments.stars_not_allowed' ? ctx.t('payments-error-stars_not_allowed') : ctx.t('payments-method-unavailable', { method: ctx.t(`payments-method-${method.split('.')[0]}`) });
        const screen = await methodsScreen(ctx, purpose, ref, notice);
        await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
        return;
      }
      await editOrReply(ctx, ctx.t('payments-not-payable'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
      return;
    }
    await ctx.answerCallbackQuery();
    const { payment, start } = opened;
    const amount = formatMoney(payment.amount_minor, payment.currency, ctx.locale);
    const back = new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    /**
     * Sends what the text will point at (the invoice, the QR code) before the text. When
     * Telegram refuses it or cannot be reached, the payment is closed (nothing pending points
     * at a message that is not there) and the method list comes back with what went wrong.
     */
    const sendFirst = async (send: () => Promise<unknown>, failedText: string): Promise<boolean> => {
      try {
        await send();
        return true;
      } catch (error) {
        if (!(error instanceof GrammyError) && !(error instanceof HttpError)) throw error;
        ctx.log.warn({ err: error, paymentId: payment.id }, 'could not send the means of payment; the payment is closed');
        await payments.closeUnsent(payment.id);
        const screen = await methodsScreen(ctx, purpose, ref, ctx.t(failedText));
        await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
        return false;
      }
    };
    switch (start.type) {
      case 'telegram_invoice': {
        const minutes = Math.round(((payment.expires_at ?? 0) - payment.created_at) / 60_000);
        const { invoice } = start;
        const sent = await sendFirst(
          () => ctx.replyWithInvoice(invoice.title, invoice.description, invoice.payload, invoice.currency, invoice.prices, invoice.providerToken ? { provider_token: invoice.providerToken } : {}),
          'payments-invoice-failed',
        );
        if (sent) await editOrReply(ctx, ctx.t('payments-invoice-sent', { id: String(payment.id), amount, minutes }), { reply_markup: back });
        return;
      }
      case 'link': {
        const keyboard = new InlineKeyboard()
          .url(ctx.t('payments-open-link', { amount }), start.url)
          .row()
          .text(ctx.t('payments-check'), `pay:chk:${payment.id}`)
          .row()
          .text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
        await editOrReply(ctx, ctx.t('payments-link', { id: String(payment.id), amount }), { reply_markup: keyboard });
        return;
      }
      case 'qr': {
        const sent = await sendFirst(
          () => ctx.replyWithPhoto(new InputFile(start.png, `payment-${payment.id}.png`), { caption: ctx.t('payments-qr-caption', { amount, reference: start.reference }) }),
          'payments-qr-failed',
        );
        if (!sent) return;
        const text = ctx.t('payments-qr', { id: String(payment.id), amount, reference: start.reference });
        await editOrReply(ctx, start.receiver ? `${text}\n${ctx.t('payments-qr-receiver', { receiver: start.receiver })}` : text, { reply_markup: back });
        return;
      }
      case 'manual': {
        await startFlow(ctx, RECEIPT_FLOW, 'photo', { paymentId: payment.id });
        await editOrReply(ctx, ctx.t('payments-manual', { id: String(payment.id), amount, requisites: start.requisites }));
        return;
      }
    }
  });

  composer.callbackQuery(/^pay:chk:(\d{1,12})$/, async (ctx) => {
    const payment = await payments.get(Number(ctx.match[1]));
    if (!payment || payment.user_id !== ctx.from.id) {
      await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
      return;
    }
    const fresh = (await payments.checkNow(payment.id).catch((error: unknown) => {
      ctx.log.warn({ err: error }, 'status check failed');
      return payment;
    })) as PaymentRecord;
    await ctx.answerCallbackQuery({ text: ctx.t(fresh.status === 'paid' ? 'payments-check-paid' : 'payments-check-pending'), show_alert: fresh.status !== 'paid' });
  });

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

  const receiptFlow = defineFlow<{ paymentId: number }>({
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

  // Staff

  const describe = (ctx: BotContext, payment: PaymentRecord) => {
    const method = (payment.provider === 'manual' ? manualLabelOf(payment, deps.settings(), ctx.locale) : undefined) ?? ctx.t(`payments-method-${payment.provider === 'qr' ? 'qr' : 'manual'}`);
    return ctx.t('payments-pending-item', { id: String(payment.id), amount: formatMoney(payment.amount_minor, payment.currency, ctx.locale), method, user: String(payment.user_id) });
  };

  const pendingScreen = async (ctx: BotContext, page: number) => {
    const total = await payments.countAwaitingAdmin();
    const window = pageWindow(total, page, PENDING_PAGE_SIZE);
    const items = await payments.awaitingAdmin(window.limit, window.offset);
    const keyboard = new InlineKeyboard();
    for (const item of items) {
      keyboard.text(`✅ #${item.id}`, `pay:ap:${item.id}`).text(`❌ #${item.id}`, `pay:dc:${item.id}`);
      if (item.receipt_file_id) keyboard.text(`🧾 #${item.id}`, `pay:rc:${item.id}`);
      keyboard.row();
    }
    addPagerRow(keyboard, { t: ctx.t, window, pageData: (target) => `pay:pend:${target}` });
    const text = total === 0 ? ctx.t('payments-pending-empty') : [ctx.t('payments-pending-title', { count: total }), '', ...items.map((item) => describe(ctx, item))].join('\n');
    return { text, keyboard };
  };

  composer.command('pending', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const screen = await pendingScreen(ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^pay:pend:(\d{1,4})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await pendingScreen(ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^pay:rc:(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const payment = await payments.get(Number(ctx.match[1]));
    if (!payment?.receipt_file_id) return next();
    await ctx.answerCallbackQuery();
    await ctx.replyWithPhoto(payment.receipt_file_id, { caption: describe(ctx, payment) });
  });

  composer.callbackQuery(/^pay:ap:(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const paymentId = Number(ctx.match[1]);
    try {
      await payments.confirm(paymentId, { type: 'admin', id: ctx.from.id });
      await ctx.answerCallbackQuery({ text: ctx.t('payments-approved-admin', { id: String(paymentId) }) });
      await ctx.reply(ctx.t('payments-approved-admin', { id: String(paymentId) }));
    } catch (error) {
      if (!isPaymentsError(error)) throw error;
      await ctx.answerCallbackQuery({ text: error.code === 'payments.already_handled' ? ctx.t('payments-already-handled') : explainError(i18n, ctx, error), show_alert: true });
    }
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  });

  composer.callbackQuery(/^pay:dc:(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const payment = await payments.get(Number(ctx.match[1]));
    if (!payment) return next();
    if (payment.status !== 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t('payments-already-handled'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await startFlow(ctx, DECLINE_FLOW, 'reason', { paymentId: payment.id });
    await ctx.reply(ctx.t('payments-decline-ask', { id: String(payment.id) }));
  });

  const declineFlow = defineFlow<{ paymentId: number }>({
    ...DECLINE_FLOW,
    steps: {
      reason: {
        async onMessage(ctx, flow) {
          const reason = ctx.message?.text?.trim();
          if (!ctx.isAdmin || !ctx.from) {
            flow.leave();
            return;
          }
          if (!reason) {
            await ctx.reply(ctx.t('payments-decline-ask', { id: String(flow.data.paymentId) }));
            return;
          }
          flow.leave();
          try {
            await payments.decline(flow.data.paymentId, { type: 'admin', id: ctx.from.id }, reason);
            await ctx.reply(ctx.t('payments-declined-admin', { id: String(flow.data.paymentId) }));
          } catch (error) {
            if (!isPaymentsError(error)) throw error;
            await ctx.reply(error.code === 'payments.already_handled' ? ctx.t('payments-already-handled') : explainError(i18n, ctx, error));
          }
        },
      },
    },
  });

  composer.command('refund', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const id = /^\s*#?(\d{1,12})\s*$/.exec(typeof ctx.match === 'string' ? ctx.match : '');
    if (!id) {
      await ctx.reply(ctx.t('payments-refund-usage'));
      return;
    }
    const paymentId = Number(id[1]);
    try {
      const { payment, viaProvider } = await payments.refund(paymentId, { type: 'admin', id: ctx.from?.id });
      const amount = formatMoney(payment.amount_minor, payment.currency, ctx.locale);
      await ctx.reply(viaProvider ? ctx.t('payments-refund-done-telegram', { id: String(paymentId), amount }) : ctx.t('payments-refund-done-manual', { id: String(paymentId), amount, provider: ctx.t(`payments-provider-${payment.provider}`) }));
    } catch (error) {
      if (isPaymentsError(error, 'payments.refund_failed') && error.details.retrying) {
        await ctx.reply(ctx.t('payments-refund-retrying', { id: String(paymentId) }));
        return;
      }
      if (isPaymentsError(error, 'payments.not_found')) {
        await ctx.reply(ctx.t('payments-not-found', { id: String(paymentId) }));
        return;
      }
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string') throw error;
      await ctx.reply(ctx.t('payments-refund-refused', { reason: explainError(i18n, ctx, error) }));
    }
  });

  return { composer, flows: [receiptFlow, declineFlow] };
}
