import { refusalClass, type ErrorKind } from '../../platform/errors.ts';

/** Dotted codes of the users module's refusals. */
export type UsersErrorCode = 'users.not_found' | 'users.blocked_bot' | 'users.message_not_found' | 'users.external_id_taken';

/**
 * An id that is nobody Lavka knows is not found; a customer who blocked the bot cannot be
 * written to; a back end's id belongs to one customer.
 */
const USERS_KINDS: Readonly<Record<UsersErrorCode, ErrorKind>> = {
  'users.not_found': 'not_found',
  'users.blocked_bot': 'conflict',
  'users.message_not_found': 'not_found',
  'users.external_id_taken': 'conflict',
};

/** A refusal about a user; nothing was written. */
export class UsersError extends refusalClass<UsersErrorCode>('UsersError', USERS_KINDS) {}

/** True when `error` is a users refusal (with `code`, if given). */
export function isUsersError(error: unknown, code?: UsersErrorCode): error is UsersError {
  return error instanceof UsersError && (code === undefined || error.code === code);
}
