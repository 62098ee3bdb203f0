import type { Translator } from '../../telegram/i18n.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import type { WalletService } from './wallet.service.ts';
import type { ResolvedWalletSettings } from './wallet.settings.ts';

/** The payment purpose under which token packs are sold. */
export const TOPUP_PURPOSE = 'topup';

/** Idempotency key of a payment's credit: a payment credits at most once. */
export function topupKey(paymentId: number): string {
  return `payment:${paymentId}`;
}

/**
 * Token packs as something payments can sell: the quote is the pack's current price, a
 * settled payment credits its tokens (same transaction), a refund reverses them.
 */
export function createTopupPurpose(deps: { wallet: WalletService; settings: ResolvedWalletSettings; i18n: Translator; businessName: string }): PaymentPurpose {
  const { wallet, i18n } = deps;
  return {
    name: TOPUP_PURPOSE,
    // Tokens are a digital good: Telegram Stars may pay for them.
    goods: 'digital',
    async quote(ref, _userId, locale) {
      const pack = deps.settings.packs.find((item) => item.id === ref);
      if (!pack) return undefined;
      return {
        title: i18n.t(locale, 'wallet-pack-title', { tokens: pack.tokens }),
        description: i18n.t(locale, 'wallet-pack-description', { tokens: pack.tokens, business: deps.businessName }),
        ...(pack.stars ? { stars: pack.stars } : {}),
        ...(pack.priceMinor ? { fiat: { amountMinor: pack.priceMinor, currency: deps.settings.currency } } : {}),
        units: pack.tokens,
      };
    },
    async onPaid(trx, payment) {
      const tokens = Number(payment.units ?? deps.settings.packs.find((pack) => pack.id === payment.purpose_ref)?.tokens ?? 0);
      const locale = (['ru', 'en', 'kk'].includes(payment.locale) ? payment.locale : 'en') as 'ru' | 'en' | 'kk';
      const { entry } = await wallet.post(trx, {
        userId: payment.user_id,
        kind: 'topup',
        amount: tokens,
        reason: `payment #${payment.id} (${payment.provider}${payment.variant ? `/${payment.variant}` : ''})`,
        actor: payment.decided_by ? { type: 'admin', id: payment.decided_by } : { type: 'system' },
        externalId: payment.external_id ? `${payment.provider}:${payment.external_id}` : undefined,
        idempotencyKey: topupKey(payment.id),
      });
      return { text: i18n.t(locale, 'wallet-topped-up', { tokens, balance: entry.balance_after, id: String(payment.id) }) };
    },
    async onRefunded(trx, payment, actor) {
      const credit = await wallet.findByIdempotencyKey(topupKey(payment.id), trx);
      if (!credit) return;
      await wallet.post(trx, {
        userId: payment.user_id,
        kind: 'reversal',
        amount: -credit.amount,
        reason: `refund of payment #${payment.id}`,
        actor: { type: actor.type, id: actor.id },
        externalId: credit.external_id ?? undefined,
        reversesId: credit.id,
        idempotencyKey: `${topupKey(payment.id)}:refund`,
      });
    },
    async onRefundCancelled(trx, payment) {
      const reversal = await wallet.findByIdempotencyKey(`${topupKey(payment.id)}:refund`, trx);
      if (reversal) await wallet.reverse(trx, reversal.id, { type: 'system' }, `refund of payment #${payment.id} refused by the provider`);
    },
  };
}
