import { type ErrorKind, refusalClass } from './errors.ts';

/**
 * Refusals of the access check, the same for every API behind it. The codes keep the `admin.`
 * prefix the panel and its API clients have always read.
 */
export type AccessErrorCode = 'admin.unauthenticated' | 'admin.session_invalid' | 'admin.forbidden' | 'admin.csrf_invalid' | 'admin.origin_invalid';

const KINDS: Readonly<Record<AccessErrorCode, ErrorKind>> = {
  'admin.unauthenticated': 'unauthenticated',
  'admin.session_invalid': 'unauthenticated',
  'admin.forbidden': 'forbidden',
  'admin.csrf_invalid': 'forbidden',
  'admin.origin_invalid': 'forbidden',
};

/** A request the access check turned away. */
export class AccessError extends refusalClass<AccessErrorCode>('AccessError', KINDS) {}
