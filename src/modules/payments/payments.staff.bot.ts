/**
 * The staff's side of payments in the bot: `/pending` (transfers and QR payments waiting for a
 * decision, with their receipts), approving, declining with a reason (typed in a flow) and
 * `/refund`.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { addPagerRow, pageWindow, parsePage } from '../../telegram/paginator.ts';
import { DECLINE_FLOW, explainError, type PaymentsComposerDeps } from './payments.bot.shared.ts';
import { isPaymentsError } from './payments.errors.ts';
import { manualLabelOf } from './payments.service.ts';
import type { PaymentRecord } from './payments.tables.ts';

const PENDING_PAGE_SIZE = 5;

/** One line of the pending list: number, amount, method and customer. */
function describe(deps: PaymentsComposerDeps, ctx: BotContext, payment: PaymentRecord): string {
  const method = (payment.provider === 'manual' ? manualLabelOf(payment, deps.settings(), ctx.locale) : undefined) ?? ctx.t(`payments-method-${payment.provider === 'qr' ? 'qr' : 'manual'}`);
  return ctx.t('payments-pending-item', { id: String(payment.id), amount: formatMoney(payment.amount_minor, payment.currency, ctx.locale), method, user: String(payment.user_id) });
}

/** A page of payments waiting for a decision, with approve / decline / receipt buttons. */
async function pendingScreen(deps: PaymentsComposerDeps, ctx: BotContext, page: number): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const { payments } = deps;
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
  const text = total === 0 ? ctx.t('payments-pending-empty') : [ctx.t('payments-pending-title', { count: total }), '', ...items.map((item) => describe(deps, ctx, item))].join('\n');
  return { text, keyboard };
}

/** Registers the staff's commands and buttons. */
export function registerStaffPayments(composer: Composer<BotContext>, deps: PaymentsComposerDeps): void {
  const { payments, i18n } = deps;

  composer.command('pending', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const screen = await pendingScreen(deps, ctx, 1);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^pay:pend:(\d{1,4})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const page = parsePage(ctx.match[1]);
    if (page === undefined) return next();
    await ctx.answerCallbackQuery();
    const screen = await pendingScreen(deps, ctx, page);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^pay:rc:(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const payment = await payments.get(Number(ctx.match[1]));
    if (!payment?.receipt_file_id) return next();
    await ctx.answerCallbackQuery();
    await ctx.replyWithPhoto(payment.receipt_file_id, { caption: describe(deps, ctx, payment) });
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

}

/** The reason for declining a payment, typed by the staff member who pressed "decline". */
export function declineFlowDefinition(deps: PaymentsComposerDeps): FlowDefinition {
  const { payments, i18n } = deps;
  return defineFlow<{ paymentId: number }>({
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
}
