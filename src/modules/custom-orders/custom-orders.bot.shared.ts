/**
 * What the parts of the custom-orders bot share: their dependencies, the flows' names and
 * stored data, and the few screens more than one part shows (a job's card, "how to pay").
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { BusinessConfig } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import type { PaymentsModuleService } from '../payments/payments.module.ts';
import { callbackData, type CustomOrderMessages, type Keyboard } from './custom-orders.messages.ts';
import { PRINT_PURPOSE } from './custom-orders.purpose.ts';
import { printRef, type CustomOrder, type CustomOrdersService } from './custom-orders.service.ts';
import type { CustomOrdersSettings } from './custom-orders.settings.ts';
import { canTransition } from './custom-orders.status.ts';

/** Name of the customer's ordering flow (stored in sessions: never rename without a version bump). */
export const ORDER_FLOW = 'custom-order';
/** Name of the staff flow that asks for a price or a message. */
export const STAFF_FLOW = 'custom-order-staff';

/** Dependencies of the custom-orders bot. */
export interface CustomOrdersBotDeps {
  service: CustomOrdersService;
  messages: CustomOrderMessages;
  settings: CustomOrdersSettings;
  config: BusinessConfig;
  /** The methods that can pay a job now, for the "how to pay" buttons. */
  payments: Pick<PaymentsModuleService, 'offer' | 'screens'>;
  now(): number;
  /** Brings a user back into broadcasts (the broadcasts module's `/subscribe` did that alone). */
  resubscribeToNews?: (userId: number) => Promise<void>;
  /** Replaces `fetch` for file downloads (tests). */
  fetch?: typeof fetch;
}

/** What the ordering flow remembers between messages. */
export interface OrderFlowData extends Record<string, unknown> {
  files: number[];
  technology?: string;
  material?: string;
  colour?: string;
  infill?: number | null;
  quantity?: number;
  comment?: string | null;
  deadline?: string | null;
  previewFileId?: string;
}

/** What the staff flow remembers: which order, and who is typing. */
export interface StaffFlowData extends Record<string, unknown> {
  orderId: number;
  staffId: number;
}

/** A screen: its text and its buttons. */
export interface Screen {
  text: string;
  keyboard: InlineKeyboard;
}

export const toKeyboard = (markup: Keyboard): InlineKeyboard => new InlineKeyboard(markup.inline_keyboard as InlineKeyboardButton[][]);

/** A button pressed on a screen that no longer holds (an old message, another step). */
export async function answerStale(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
}

/** Tells a non-staff user the button is for staff; true when refused. */
export async function refuseNonAdmin(ctx: BotContext): Promise<boolean> {
  if (ctx.isAdmin) return false;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('co-admin-only'), show_alert: true });
  else await ctx.reply(ctx.t('co-admin-only'));
  return true;
}

/**
 * The payment methods of a job awaiting payment (the payments module's buttons, paused
 * gateways marked), with a button to open the job; undefined when nothing can pay it now.
 */
async function payKeyboard(deps: CustomOrdersBotDeps, ctx: BotContext, order: CustomOrder): Promise<InlineKeyboard | undefined> {
  if (!ctx.from || order.status !== 'awaiting_payment') return undefined;
  const offer = await deps.payments.offer(PRINT_PURPOSE, printRef(order), ctx.from.id, ctx.locale);
  if (!offer || offer.methods.length === 0) return undefined;
  return deps.payments.screens.methodRows(new InlineKeyboard(), ctx, PRINT_PURPOSE, printRef(order), offer.methods).text(ctx.t('co-open-order'), callbackData.open(order.id));
}

/** A keyboard with one button that opens the job's card. */
export const openOrderKeyboard = (ctx: BotContext, order: CustomOrder): InlineKeyboard =>
  toKeyboard({ inline_keyboard: [[{ text: ctx.t('co-open-order'), callback_data: callbackData.open(order.id) }]] });

/** Asks the customer to pay for a job now awaiting payment, in a new message. */
export async function askToPay(deps: CustomOrdersBotDeps, ctx: BotContext, order: CustomOrder, heading: string): Promise<void> {
  const keyboard = await payKeyboard(deps, ctx, order);
  if (keyboard) {
    await ctx.reply(`${heading}\n${ctx.t('co-pay-choose', { price: deps.messages.priceText(order, ctx.locale) })}`, { reply_markup: keyboard });
    return;
  }
  await ctx.reply(`${heading}\n${ctx.t('co-pay-unavailable')}`, { reply_markup: openOrderKeyboard(ctx, order) });
}

/** The customer's card of a job (only their own), with what they can do with it now. */
export async function detailScreen(deps: CustomOrdersBotDeps, ctx: BotContext, orderId: number, page: number): Promise<Screen | undefined> {
  const order = await deps.service.detail(orderId);
  if (!order || order.user_id !== ctx.from?.id) return undefined;
  const keyboard = new InlineKeyboard();
  if (order.status === 'quoted' && order.quote_version > 0) keyboard.text(ctx.t('co-accept-price'), callbackData.accept(order.id, order.quote_version)).row();
  // Paying opens the payments module's choice of methods for this very price.
  if (order.status === 'awaiting_payment') keyboard.text(ctx.t('co-pay-button'), paymentMethodsData(PRINT_PURPOSE, printRef(order))).row();
  if (canTransition(order.status, 'cancelled', 'customer')) keyboard.text(ctx.t('co-cancel-order'), callbackData.cancel(order.id)).row();
  keyboard.text(ctx.t('co-back-to-list'), callbackData.list(page)).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  return { text: deps.messages.customerDetailText(order, ctx.locale), keyboard };
}
