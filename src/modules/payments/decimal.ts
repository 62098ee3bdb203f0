import { minorDigits } from '../../config/money.ts';

/**
 * Converts a decimal amount as gateways send it (`"15"`, `"15.5"`, `"15.50"`) into minor units
 * without going through a float. Undefined when it is not a plain non-negative decimal or has
 * more fraction digits than the currency allows (other than trailing zeros).
 */
export function decimalToMinor(text: string, currency: string): number | undefined {
  const match = /^(\d{1,15})(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!match) return undefined;
  const digits = minorDigits(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return undefined;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/**
 * Whether `code` is an ISO 4217 currency this runtime knows (`RUB`, `USD`). Checked before any
 * conversion: a gateway's unknown code (`USDT`, `usd1`) must be refused as bad input, not reach
 * `Intl.NumberFormat`, which throws a RangeError on a malformed code.
 */
export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

/** Writes minor units as the decimal string gateways expect (`1550` RUB → `"15.50"`). */
export function minorToDecimal(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amountMinor);
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  return `${amountMinor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
