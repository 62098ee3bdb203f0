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

/** The HTTP status each refusal is answered with. */
export const ADMIN_ERROR_STATUS: Record<AdminErrorCode, number> = {
  'admin.unauthenticated': 401,
  'admin.session_invalid': 401,
  'admin.forbidden': 403,
  'admin.csrf_invalid': 403,
  'admin.origin_invalid': 403,
  'admin.not_staff': 403,
  'admin.staff_disabled': 403,
  'admin.link_invalid': 400,
  'admin.link_expired': 410,
  'admin.link_used': 410,
  'admin.rate_limited': 429,
  'admin.bad_credentials': 401,
  'admin.invalid_input': 400,
  'admin.not_found': 404,
  'admin.conflict': 409,
  'admin.last_owner': 409,
  'admin.module_disabled': 404,
  'admin.setting_refused': 400,
  'admin.token_refused': 400,
  'admin.telegram_unreachable': 502,
  'admin.go_live_unavailable': 409,
};

/** A refusal that changed nothing; its message is written for the person at the panel. */
export class AdminError extends Error {
  readonly code: AdminErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: AdminErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AdminError';
    this.code = code;
    this.details = details;
  }

  /** The HTTP status for this refusal. */
  get status(): number {
    return ADMIN_ERROR_STATUS[this.code];
  }
}

/** True when `error` is an admin refusal (with `code`, if given). */
export function isAdminError(error: unknown, code?: AdminErrorCode): error is AdminError {
  return error instanceof AdminError && (code === undefined || error.code === code);
}
