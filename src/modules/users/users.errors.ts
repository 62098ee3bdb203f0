import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** Dotted codes of the users module's refusals. */
export type UsersErrorCode = 'users.not_found';

/** A refusal about a user; nothing was written. */
export class UsersError extends LavkaError<UsersErrorCode> {
  override readonly name = 'UsersError';
  /** An id that is nobody Lavka knows. */
  get kind(): ErrorKind {
    return 'not_found';
  }
}

/** True when `error` is a users refusal (with `code`, if given). */
export function isUsersError(error: unknown, code?: UsersErrorCode): error is UsersError {
  return error instanceof UsersError && (code === undefined || error.code === code);
}
