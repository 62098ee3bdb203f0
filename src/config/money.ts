/**
 * Money is stored as integer minor units next to an ISO 4217 code. These helpers convert
 * between minor and major units and format amounts for people.
 */

/**
 * Currencies whose prices people write in whole units even though ISO gives them minor
 * units (a price tag says "6 990 ₸", never "6 990,00 ₸"). A fractional amount still shows
 * its fraction, so nothing is hidden.
 */
const WHOLE_UNIT_CURRENCIES = new Set(['KZT', 'RUB', 'UZS', 'KGS', 'AMD']);

const digitsCache = new Map<string, number>();

/** How many minor units a currency has per ISO 4217 (KZT: 2, JPY: 0, XTR: 0). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    // Telegram Stars are whole units and unknown to Intl.
    digits = currency === 'XTR' ? 0 : new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** Converts a major-unit amount as people write it (`6990`, `12.5`) to minor units. */
export function toMinor(amountMajor: number, currency: string): number {
  return Math.round(amountMajor * 10 ** minorDigits(currency));
}

/** Converts minor units to a major-unit number, for spreadsheets. */
export function toMajor(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorDigits(currency);
}

// Building an Intl.NumberFormat costs far more than formatting with one, and prices are
// formatted on every catalogue screen: keep one per locale, currency and precision.
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, currency: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${fractionDigits}`;
  let format = formatters.get(key);
  if (!format) {
    format =
      currency === 'XTR'
        ? new Intl.NumberFormat(locale)
        : new Intl.NumberFormat(locale, {
            style: 'currency',
            currency,
            currencyDisplay: 'narrowSymbol',
            minimumFractionDigits: fractionDigits,
            maximumFractionDigits: fractionDigits,
          });
    formatters.set(key, format);
  }
  return format;
}

/** Formats minor units for a reader of `locale`, e.g. `6 990 ₸` (ru) or `₸6,990` (en). */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  if (currency === 'XTR') return `${formatter(locale, currency, 0).format(amountMinor)} ⭐`;
  const digits = minorDigits(currency);
  const scale = 10 ** digits;
  const whole = WHOLE_UNIT_CURRENCIES.has(currency) && amountMinor % scale === 0;
  return formatter(locale, currency, whole ? 0 : digits).format(amountMinor / scale);
}
