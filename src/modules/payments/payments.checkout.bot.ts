/**
 * Opening a payment in the bot: the list of methods (`pay:m:<purpose>:<ref>`), a paused
 * method explaining itself, the chosen method's means of payment (invoice, link, QR or
 * requisites, in place of the list) and "check the payment" for links.
 */
import { GrammyError, HttpError, InlineKeyboard, InputFile, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { startFlow } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { RECEIPT_FLOW, methodsScreen, type PaymentsComposerDeps } from './payments.bot.shared.ts';
import { METHODS_PATTERN, START_PATTERN, UNAVAILABLE_PATTERN } from './payments.callbacks.ts';
import { isPaymentsError } from './payments.errors.ts';
import type { PaymentsService } from './payments.service.ts';
import type { PaymentRecord } from './payments.tables.ts';

type Opened = Awaited<ReturnType<PaymentsService['start']>>;

/** Opens a payment with the chosen method; a method that cannot take it now brings the list back with why. */
async function openPayment(deps: PaymentsComposerDeps, ctx: BotContext, purpose: string, ref: string, method: string): Promise<void> {
  if (!ctx.from) return;
  let opened: Opened;
  try {
    opened = await deps.payments.start({ userId: ctx.from.id, purpose, ref, method, locale: ctx.locale });
  } catch (error) {
    if (!isPaymentsError(error)) throw error;
    await ctx.answerCallbackQuery();
    if (error.code === 'payments.gateway_unavailable' || error.code === 'payments.method_unavailable' || error.code === 'payments.stars_not_allowed') {
      // The gateway is down (or Stars may not pay for this): offer the other methods in place instead of failing.
      const notice = error.code === 'payments.stars_not_allowed' ? ctx.t('payments-error-stars_not_allowed') : ctx.t('payments-method-unavailable', { method: ctx.t(`payments-method-${method.split('.')[0]}`) });
      const screen = await methodsScreen(deps, ctx, purpose, ref, notice);
      await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
      return;
    }
    await editOrReply(ctx, ctx.t('payments-not-payable'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
    return;
  }
  await ctx.answerCallbackQuery();
  await showMeansOfPayment(deps, ctx, purpose, ref, opened);
}

/** Shows what pays an opened payment: an invoice, a link, a QR code or the requisites. */
async function showMeansOfPayment(deps: PaymentsComposerDeps, ctx: BotContext, purpose: string, ref: string, { payment, start }: Opened): Promise<void> {
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
      await deps.payments.closeUnsent(payment.id);
      const screen = await methodsScreen(deps, ctx, purpose, ref, ctx.t(failedText));
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
}

/** Registers the method list and opening a payment. */
export function registerCheckout(composer: Composer<BotContext>, deps: PaymentsComposerDeps): void {
  const { payments } = deps;

  composer.callbackQuery(METHODS_PATTERN, async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await methodsScreen(deps, ctx, ctx.match[1] as string, ctx.match[2] as string);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(UNAVAILABLE_PATTERN, async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('payments-method-unavailable', { method: ctx.t(`payments-method-${ctx.match[1]}`) }), show_alert: true });
  });

  composer.callbackQuery(START_PATTERN, (ctx) => openPayment(deps, ctx, ctx.match[1] as string, ctx.match[2] as string, ctx.match[3] as string));

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
}
