/** Dotted codes of the payments module's refusals. */
export type PaymentsErrorCode =
  | 'payments.not_found'
  | 'payments.not_payable'
  | 'payments.method_unavailable'
  | 'payments.stars_not_allowed'
  | 'payments.gateway_unavailable'
  | 'payments.already_handled'
  | 'payments.not_refundable'
  | 'payments.refund_failed'
  | 'payments.unknown_purpose'
  | 'payments.invalid_input';

/** A refusal that changed nothing and can be explained to the user or admin. */
export class PaymentsError extends Error {
  readonly code: PaymentsErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: PaymentsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PaymentsError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a payments refusal (with `code`, if given). */
export function isPaymentsError(error: unknown, code?: PaymentsErrorCode): error is PaymentsError {
  return error instanceof PaymentsError && (code === undefined || error.code === code);
}
