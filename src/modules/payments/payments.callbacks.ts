/**
 * Callback data of the payments screens. Other modules open the method list for something
 * they sell with {@link paymentMethodsData}; every value stays far below Telegram's 64 bytes.
 */

/** Purpose names and refs that fit in callback data. */
const PURPOSE = '[a-z_]{1,12}';
const REF = '[A-Za-z0-9_-]{1,24}';
const METHOD = '[a-z0-9_.]{1,24}';

/** Opens the payment-method list for `ref` of `purpose` (e.g. `topup`, `p100`). */
export function paymentMethodsData(purpose: string, ref: string): string {
  if (!new RegExp(`^${PURPOSE}$`).test(purpose) || !new RegExp(`^${REF}$`).test(ref)) {
    throw new RangeError(`payments.invalid_callback: ${purpose}:${ref}`);
  }
  return `pay:m:${purpose}:${ref}`;
}

/** Pattern of {@link paymentMethodsData}: groups purpose, ref. */
export const METHODS_PATTERN = new RegExp(`^pay:m:(${PURPOSE}):(${REF})$`);
/** Starts paying with a method: groups purpose, ref, method. */
export const START_PATTERN = new RegExp(`^pay:go:(${PURPOSE}):(${REF}):(${METHOD})$`);
/** A method whose gateway is down was pressed: group method. */
export const UNAVAILABLE_PATTERN = new RegExp(`^pay:na:(${METHOD})$`);

/** Starts paying `ref` of `purpose` with `method`. */
export function startPaymentData(purpose: string, ref: string, method: string): string {
  return `pay:go:${purpose}:${ref}:${method}`;
}
