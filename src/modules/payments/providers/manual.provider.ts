import type { PaymentsSettings } from '../payments.settings.ts';
import { pickText } from '../payments.settings.ts';
import type { PaymentProvider } from '../payments.types.ts';

/**
 * Manual transfers: the user sees the requisites of the variant they chose (a Russian card, an
 * international card, a crypto address), pays outside Telegram and sends the receipt; an admin
 * approves or declines. Nothing to call and nothing to refund automatically.
 */
export function createManualProvider(settings: () => PaymentsSettings['manual']): PaymentProvider {
  return {
    id: 'manual',
    // Nothing to connect to: whether transfers are offered is the owner's live setting.
    configured: true,
    supports: (currency) => currency !== 'XTR',
    async create(input) {
      const variant = settings().variants.find((item) => item.id === input.variant);
      if (!variant) throw new RangeError(`payments.unknown_variant: ${input.variant}`);
      const requisites = pickText(variant.requisites, input.locale);
      // Kept with the payment: requisites changed later do not change what this payer was shown.
      return { start: { type: 'manual', requisites, variant: variant.id }, details: { label: pickText(variant.label, input.locale), requisites } };
    },
  };
}
