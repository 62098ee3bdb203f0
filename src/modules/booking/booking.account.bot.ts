/**
 * The patient's account with the clinic when the clinic's ERP keeps it: the "💰 Balance"
 * screen shows the ERP's balance (read live, labelled as the clinic's), and a patient who owes
 * the clinic pays an invoice the ERP issues — its QR code and link, and "Check payment",
 * which asks the ERP and tells the patient once when it is paid. Nothing of it enters
 * Lavka's ledger. The ERP being down ends the update with the apology (the error boundary).
 */
import { InlineKeyboard, InputFile } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { encodeQr } from '../payments/qr/qr-code.ts';
import { qrToPng } from '../payments/qr/qr-png.ts';
import type { BookingBotShared, PrivateChats } from './booking.bot.shared.ts';
import { MAX_INVOICE_ID_LENGTH, type ErpClinicAccount } from './connectors/booking.erp-account.ts';

/** `bk:ap:<amount owed, minor>:<screen>`: pay what the balance screen showed (the screen names one invoice). */
const PAY_PATTERN = /^bk:ap:(\d{1,12}):([0-9a-z]{1,12})$/;
/** `bk:ak:<invoice id>`: ask the ERP whether the invoice is paid. */
const CHECK_PATTERN = new RegExp(`^bk:ak:([A-Za-z0-9_.-]{1,${MAX_INVOICE_ID_LENGTH}})$`);

/** Registers the balance screen and invoice payment backed by the clinic's ERP. */
export function registerClinicAccount(privateChats: PrivateChats, shared: BookingBotShared, account: ErpClinicAccount): void {
  const { deps } = shared;
  const backKeyboard = (ctx: BotContext) => new InlineKeyboard().text(ctx.t('booking-my'), 'booking:my').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);

  const balanceScreen = async (ctx: BotContext, notice?: string) => {
    const { balanceMinor, currency } = await account.balance(ctx.from?.id ?? 0);
    const owedMinor = Math.max(0, -balanceMinor);
    const lines = [ctx.t('booking-account-title'), ctx.t('booking-account-balance', { balance: formatMoney(balanceMinor, currency, ctx.locale) })];
    lines.push(owedMinor > 0 ? ctx.t('booking-account-owed', { amount: formatMoney(owedMinor, currency, ctx.locale) }) : ctx.t('booking-account-settled'));
    const keyboard = new InlineKeyboard();
    // The screen's own mark: two presses of its button are one invoice in the ERP; a later screen, a new one.
    if (owedMinor > 0) keyboard.text(ctx.t('booking-account-pay-button', { amount: formatMoney(owedMinor, currency, ctx.locale) }), `bk:ap:${owedMinor}:${deps.now().toString(36)}`).row();
    keyboard.text(ctx.t('booking-my'), 'booking:my').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    await editOrReply(ctx, `${notice ? `${notice}\n\n` : ''}${lines.join('\n')}`, { reply_markup: keyboard });
  };

  privateChats.callbackQuery('booking:balance', async (ctx) => {
    await ctx.answerCallbackQuery();
    await balanceScreen(ctx);
  });

  privateChats.callbackQuery(PAY_PATTERN, async (ctx) => {
    await ctx.answerCallbackQuery();
    const { balanceMinor, currency } = await account.balance(ctx.from.id);
    const owedMinor = Math.max(0, -balanceMinor);
    // The button is only a request: what is owed is what the ERP says now.
    if (owedMinor === 0 || owedMinor !== Number(ctx.match[1])) return balanceScreen(ctx, ctx.t('booking-account-amount-changed'));
    const invoice = await account.issueInvoice({
      patientId: ctx.from.id,
      amountMinor: owedMinor,
      currency,
      description: ctx.t('booking-account-invoice-description'),
      intent: ctx.match[2] as string,
    });
    const amount = formatMoney(invoice.amountMinor, invoice.currency, ctx.locale);
    const keyboard = new InlineKeyboard();
    if (invoice.payUrl && /^https?:\/\//.test(invoice.payUrl)) keyboard.url(ctx.t('booking-account-open-link'), invoice.payUrl).row();
    if (CHECK_PATTERN.test(`bk:ak:${invoice.invoiceId}`)) keyboard.text(ctx.t('booking-account-check'), `bk:ak:${invoice.invoiceId}`).row();
    keyboard.text(ctx.t('booking-balance-button'), 'booking:balance');
    if (!invoice.payUrl) {
      await editOrReply(ctx, ctx.t('booking-account-invoice-no-link', { id: invoice.invoiceId, amount }), { reply_markup: keyboard });
      return;
    }
    // The same QR picture as Lavka's own QR payments, of the ERP's payment link.
    const png = qrToPng(encodeQr(invoice.payUrl));
    await ctx.replyWithPhoto(new InputFile(png, `invoice-${invoice.invoiceId}.png`), {
      caption: ctx.t('booking-account-invoice', { id: invoice.invoiceId, amount }),
      reply_markup: keyboard,
    });
  });

  privateChats.callbackQuery(CHECK_PATTERN, async (ctx) => {
    const invoiceId = ctx.match[1] as string;
    const checked = await account.checkInvoice(ctx.from.id, invoiceId, async (executor, invoice) => {
      const text = ctx.t('booking-account-invoice-paid', { id: invoiceId, amount: formatMoney(invoice.amountMinor, invoice.currency, ctx.locale) });
      await enqueueOutbox(executor, { chatId: ctx.from.id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `booking:erp-invoice:${invoiceId}:paid` }, deps.now());
    });
    if (checked.status === 'unknown') {
      await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
      return;
    }
    if (checked.status === 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t('booking-account-check-pending'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t(checked.status === 'paid' ? 'booking-account-check-paid' : 'booking-account-already-paid') });
    // The check button has done its work; an old message that cannot be edited keeps it, harmlessly.
    await ctx.editMessageReplyMarkup({ reply_markup: backKeyboard(ctx) }).catch((error: unknown) => ctx.log.debug({ err: error }, 'the invoice message was not edited'));
  });
}
