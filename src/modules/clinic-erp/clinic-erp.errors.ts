import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

/** Why a call to the clinic's ERP did not give an answer Lavka can use. */
export type ClinicErpErrorCode =
  /** Down, too slow, refused by the outgoing policy, or paused by the circuit breaker. */
  | 'clinic_erp.unavailable'
  /** It answered, but not in the contract's shape (validated before anything is written). */
  | 'clinic_erp.bad_answer'
  /** It refused the request (4xx): the record is not there, the time is taken, the input is wrong. */
  | 'clinic_erp.refused'
  | 'clinic_erp.not_found'
  | 'clinic_erp.conflict';

const KINDS: Readonly<Record<ClinicErpErrorCode, ErrorKind>> = {
  'clinic_erp.unavailable': 'unavailable',
  'clinic_erp.bad_answer': 'upstream',
  'clinic_erp.refused': 'unprocessable',
  'clinic_erp.not_found': 'not_found',
  'clinic_erp.conflict': 'conflict',
};

/** A call to the clinic's ERP that failed; `details.status` is the ERP's HTTP status where it answered. */
export class ClinicErpError extends refusalClass<ClinicErpErrorCode>('ClinicErpError', KINDS) {
  /** What a patient is told when this ends their update: the ERP being down is not their fault. */
  get apologyKey(): string | undefined {
    return isErpUnavailable(this) ? 'clinic-erp-unavailable' : undefined;
  }
}

/** True when the ERP could not be reached (as opposed to answering "no"). */
export function isErpUnavailable(error: unknown): boolean {
  return error instanceof ClinicErpError && (error.code === 'clinic_erp.unavailable' || error.code === 'clinic_erp.bad_answer');
}
