/**
 * What the parts of the payments bot share: their dependencies, the flows' names, how a
 * refusal reads, and the screen that lists the methods that can pay something.
 */
import { InlineKeyboard, type Api } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { explainRefusal } from '../../telegram/refusals.ts';
import { startPaymentData } from './payments.callbacks.ts';
import type { MethodOption, PaymentsService } from './payments.service.ts';
import type { PaymentsSettings } from './payments.settings.ts';
import type { PaymentQuote } from './payments.types.ts';

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

/** The methods that can pay `ref` of `purpose` now, with its title and price (and a notice above, when given). */
export async function methodsScreen(deps: PaymentsComposerDeps, ctx: BotContext, purpose: string, ref: string, notice?: string): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const userId = ctx.from?.id as number;
  const offer = await deps.payments.offer(purpose, ref, userId, ctx.locale);
  if (!offer) return { text: ctx.t('payments-not-payable'), keyboard: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) };
  const keyboard = addPaymentMethodRows(new InlineKeyboard(), ctx, purpose, ref, offer.methods);
  keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
  const body = offer.methods.some((method) => method.available)
    ? ctx.t('payments-choose-method', { title: offer.quote.title, price: priceLines(ctx, offer.quote) })
    : ctx.t('payments-no-methods');
  return { text: notice ? `${notice}\n\n${body}` : body, keyboard };
}
