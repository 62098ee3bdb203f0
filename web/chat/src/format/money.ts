// Invoice amounts: Telegram sends integers in the currency's smallest unit, and the number of
// decimals depends on the currency (2 for most, including KZT; 0 for JPY, KRW and Stars).

/** Currencies whose smallest unit is the whole unit (ISO 4217 exponent 0), plus Telegram Stars. */
const ZERO_DECIMAL = new Set(['XTR', 'JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'PYG', 'XAF', 'XOF', 'BIF', 'DJF', 'GNF', 'KMF', 'RWF', 'VUV', 'XPF']);

/** Formats an amount in minor units the way a Telegram client in `locale` shows it: "1 500,00 ₸", "⭐️ 50". */
export function formatAmount(amount: number, currency: string, locale = 'en'): string {
  if (currency === 'XTR') return `⭐️ ${new Intl.NumberFormat(locale).format(amount)}`;
  const decimals = ZERO_DECIMAL.has(currency) ? 0 : 2;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    }).format(
      amount / 10 ** decimals,
    );
  } catch {
    return `${(amount / 10 ** decimals).toFixed(decimals)} ${currency}`;
  }
}
