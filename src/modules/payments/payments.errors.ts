import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

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
  | 'payments.invalid_input'
  | 'payments.no_receipt'
  | 'payments.external_id_taken';

/** A refusal that changed nothing and can be explained to the user or admin. */
export class PaymentsError extends LavkaError<PaymentsErrorCode> {
  override readonly name = 'PaymentsError';
  /** An unknown payment is not found, a gateway that is down is unavailable; any other refusal conflicts with the payment's state. */
  get kind(): ErrorKind {
    if (this.code === 'payments.not_found' || this.code === 'payments.no_receipt') return 'not_found';
    if (this.code === 'payments.gateway_unavailable') return 'unavailable';
    return 'conflict';
  }
}

/** True when `error` is a payments refusal (with `code`, if given). */
export function isPaymentsError(error: unknown, code?: PaymentsErrorCode): error is PaymentsError {
  return error instanceof PaymentsError && (code === undefined || error.code === code);
}
