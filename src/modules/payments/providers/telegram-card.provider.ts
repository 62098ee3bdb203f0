import type { PaymentProvider } from '../payments.types.ts';
import { fitInvoiceText, invoicePayload } from './telegram-stars.provider.ts';

/**
 * The provider token card invoices carry in the sandbox (no bot token, no PAYMENTS_PROVIDER_TOKEN):
 * a test provider's, which the simulated Telegram accepts and "charges" without a real card,
 * as Telegram's test payment providers do.
 */
export const SANDBOX_PROVIDER_TOKEN = '1877036958:TEST:lavka-sandbox-card';

/**
 * Telegram Payments with a provider token (cards in fiat, amounts in the currency's minor
 * units). The Bot API has no refund call for these: refunds are made in the provider's
 * dashboard and recorded in Lavka as reversals.
 */
export function createTelegramCardProvider(deps: { providerToken: string | undefined }): PaymentProvider {
  return {
    id: 'telegram_card',
    configured: Boolean(deps.providerToken),
    supports: (currency) => currency !== 'XTR',
    async create(input) {
      const text = fitInvoiceText(input.title, input.description);
      return {
        start: {
          type: 'telegram_invoice',
          invoice: {
            ...text,
            payload: invoicePayload(input.paymentId),
            currency: input.currency,
            prices: [{ label: text.title, amount: input.amountMinor }],
            providerToken: deps.providerToken,
          },
        },
      };
    },
  };
}
