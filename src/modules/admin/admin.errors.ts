import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

/** Dotted codes of the admin panel's refusals. */
export type AdminErrorCode =
  | 'admin.unauthenticated'
  | 'admin.session_invalid'
  | 'admin.forbidden'
  | 'admin.csrf_invalid'
  | 'admin.origin_invalid'
  | 'admin.not_staff'
  | 'admin.staff_disabled'
  | 'admin.link_invalid'
  | 'admin.link_expired'
  | 'admin.link_used'
  | 'admin.rate_limited'
  | 'admin.bad_credentials'
  | 'admin.invalid_input'
  | 'admin.not_found'
  | 'admin.conflict'
  | 'admin.last_owner'
  | 'admin.module_disabled'
  | 'admin.setting_refused'
  | 'admin.token_refused'
  | 'admin.telegram_unreachable'
  | 'admin.go_live_unavailable';

/** The kind of each refusal; the platform turns kinds into HTTP statuses. */
const KINDS: Readonly<Record<AdminErrorCode, ErrorKind>> = {
  'admin.unauthenticated': 'unauthenticated',
  'admin.session_invalid': 'unauthenticated',
  'admin.forbidden': 'forbidden',
  'admin.csrf_invalid': 'forbidden',
  'admin.origin_invalid': 'forbidden',
  'admin.not_staff': 'forbidden',
  'admin.staff_disabled': 'forbidden',
  'admin.link_invalid': 'invalid',
  'admin.link_expired': 'gone',
  'admin.link_used': 'gone',
  'admin.rate_limited': 'too_many',
  'admin.bad_credentials': 'unauthenticated',
  'admin.invalid_input': 'invalid',
  'admin.not_found': 'not_found',
  'admin.conflict': 'conflict',
  'admin.last_owner': 'conflict',
  'admin.module_disabled': 'not_found',
  'admin.setting_refused': 'invalid',
  'admin.token_refused': 'invalid',
  'admin.telegram_unreachable': 'upstream',
  'admin.go_live_unavailable': 'conflict',
};

/** A refusal that changed nothing; its message is written for the person at the panel. */
export class AdminError extends refusalClass<AdminErrorCode>('AdminError', KINDS) {}

/** True when `error` is an admin refusal (with `code`, if given). */
export function isAdminError(error: unknown, code?: AdminErrorCode): error is AdminError {
  return error instanceof AdminError && (code === undefined || error.code === code);
}
