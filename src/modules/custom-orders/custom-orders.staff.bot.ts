/**
 * The studio's side of a job in the bot: the status buttons of the staff card (a refund goes
 * through the payment first), a new price and a message to the customer (typed in a flow),
 * and the print jobs' section of `/stats`.
 */
import type { Composer } from 'grammy';
import type { Locale } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { staffReader } from '../../telegram/refusals.ts';
import { STAFF_FLOW, answerStale, refuseNonAdmin, toKeyboard, type CustomOrdersBotDeps, type StaffFlowData } from './custom-orders.bot.shared.ts';
import { parsePriceInput } from './custom-orders.input.ts';
import { CustomOrdersError, type CustomOrder } from './custom-orders.service.ts';
import { CUSTOM_ORDER_STATUSES, QUOTABLE_STATUSES } from './custom-orders.status.ts';

async function redrawStaffCard(deps: CustomOrdersBotDeps, ctx: BotContext, order: CustomOrder, notice: string): Promise<void> {
  await ctx.answerCallbackQuery({ text: notice });
  await editOrReply(ctx, deps.messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(deps.messages.staffKeyboard(order, staffReader(ctx))) });
}

/** A status button: refused when the job moved meanwhile; `refunded` refunds the payment first. */
async function moveJob(deps: CustomOrdersBotDeps, ctx: BotContext, orderId: number, from: string, to: string): Promise<void> {
  const { service, messages } = deps;
  if (!ctx.from || !(CUSTOM_ORDER_STATUSES as readonly string[]).includes(to)) return answerStale(ctx);
  const order = await service.get(orderId);
  if (!order) return answerStale(ctx);
  if (await refuseNonAdmin(ctx)) return;
  if (order.status !== from) {
    await redrawStaffCard(deps, ctx, order, ctx.t('co-status-stale', { status: messages.statusLabel(order.status, ctx.locale) }));
    return;
  }
  try {
    if (to === 'refunded') {
      // The payment goes back first; its refund moves the order and tells the customer.
      const { order: refunded, refundPending } = await service.refundOrder(orderId, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
      const notice = refundPending ? ctx.t('co-refund-pending', { number: refunded.number }) : ctx.t('co-status-set', { number: refunded.number, status: messages.statusLabel(refunded.status, ctx.locale) });
      await redrawStaffCard(deps, ctx, refunded, notice);
      return;
    }
    const moved = await service.changeStatus(orderId, to, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
    await redrawStaffCard(deps, ctx, moved, ctx.t('co-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
  } catch (error) {
    if (!(error instanceof CustomOrdersError)) throw error;
    const current = (await service.get(orderId)) ?? order;
    const notice = error.code === 'custom_orders.refund_failed' ? ctx.t('co-refund-failed', { number: current.number }) : ctx.t('co-status-stale', { status: messages.statusLabel(current.status, ctx.locale) });
    await redrawStaffCard(deps, ctx, current, notice);
  }
}

/** Registers the staff card's buttons. */
export function registerStaffCard(composer: Composer<BotContext>, deps: CustomOrdersBotDeps): void {
  const { service, messages } = deps;
  const currency = deps.config.business.currency;

  composer.callbackQuery(/^co:st:(\d{1,12}):([a-z_]{1,16}):([a-z_]{1,16})$/, (ctx) => moveJob(deps, ctx, Number(ctx.match[1]), ctx.match[2] as string, ctx.match[3] as string));

  composer.callbackQuery(/^co:(qa|msg):(\d{1,12})$/, async (ctx) => {
    const order = await service.get(Number(ctx.match[2]));
    if (!order) return answerStale(ctx);
    if (await refuseNonAdmin(ctx)) return;
    const step = ctx.match[1] === 'qa' ? 'quote' : 'message';
    if (step === 'quote' && !(QUOTABLE_STATUSES as readonly string[]).includes(order.status)) {
      await ctx.answerCallbackQuery({ text: ctx.t('co-staff-price-locked', { status: messages.statusLabel(order.status, ctx.locale) }), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await startFlow(ctx, { name: STAFF_FLOW, version: 1 }, step, { orderId: order.id, staffId: ctx.from.id } satisfies StaffFlowData);
    const current = order.total_minor === null ? '—' : messages.money(order.total_minor, order.currency, ctx.locale);
    await ctx.reply(step === 'quote' ? ctx.t('co-staff-ask-price', { number: order.number, currency, current }) : ctx.t('co-staff-ask-message', { number: order.number }));
  });
}

/** The staff flow: a new price (with an optional note) or a message to the customer. */
export function staffFlowDefinition(deps: CustomOrdersBotDeps): FlowDefinition {
  const { service, messages } = deps;
  const currency = deps.config.business.currency;
  return defineFlow<StaffFlowData>({
    name: STAFF_FLOW,
    version: 1,
    steps: {
      quote: {
        async onMessage(ctx, control) {
          // In a staff group only the member who pressed the button answers.
          if (ctx.from?.id !== control.data.staffId) return;
          const parsed = parsePriceInput(ctx.message?.text ?? '', currency);
          if (!parsed) {
            await ctx.reply(ctx.t('co-staff-price-invalid', { currency }));
            return;
          }
          control.leave();
          try {
            const order = await service.adjustQuote(control.data.orderId, parsed.amountMinor, { role: 'staff', id: ctx.from.id }, { note: parsed.note });
            await ctx.reply(ctx.t('co-staff-price-set', { number: order.number, price: messages.money(parsed.amountMinor, order.currency, ctx.locale) }), {
              reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))),
            });
          } catch (error) {
            if (!(error instanceof CustomOrdersError)) throw error;
            await ctx.reply(ctx.t('co-action-not-possible'));
          }
        },
      },
      message: {
        async onMessage(ctx, control) {
          if (ctx.from?.id !== control.data.staffId) return;
          const text = ctx.message?.text?.trim();
          if (!text) {
            await ctx.reply(ctx.t('co-flow-comment-text'));
            return;
          }
          control.leave();
          const order = await service.messageCustomer(control.data.orderId, text);
          await ctx.reply(ctx.t('co-staff-message-sent', { number: order.number }));
        },
      },
    },
  });
}

/** The print jobs' section of `/stats`: by status, then orders, paid orders, revenue and money received per period. */
export async function statsLines(deps: CustomOrdersBotDeps, locale: Locale): Promise<string[]> {
  const { messages } = deps;
  const currency = deps.config.business.currency;
  const stats = await deps.service.stats();
  const lines = [messages.t(locale, 'co-stats-title'), messages.t(locale, 'co-stats-by-status')];
  for (const status of CUSTOM_ORDER_STATUSES) {
    const count = stats.byStatus.find((item) => item.status === status)?.count ?? 0;
    if (count > 0) lines.push(`• ${messages.statusLabel(status, locale)}: ${count}`);
  }
  if (stats.byStatus.length === 0) lines.push(messages.t(locale, 'co-stats-none'));
  for (const period of stats.periods) {
    const revenue = period.revenue.length === 0 ? messages.money(0, currency, locale) : period.revenue.map((item) => messages.money(item.totalMinor, item.currency, locale)).join(' + ');
    const received = period.received.map((item) => messages.money(item.amount, item.currency, locale)).join(' + ') || '—';
    lines.push('', messages.t(locale, `co-stats-period-${period.key}`), messages.t(locale, 'co-stats-period-line', { orders: period.orders, paid: period.paidOrders, revenue, received }));
  }
  return lines;
}
