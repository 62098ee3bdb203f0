/** Dotted codes of the users module's refusals. */
export type UsersErrorCode = 'users.not_found';

/** A refusal about a user; nothing was written. */
export class UsersError extends Error {
  readonly code: UsersErrorCode;
  constructor(code: UsersErrorCode, message: string) {
    super(message);
    this.name = 'UsersError';
    this.code = code;
  }
}

/** True when `error` is a users refusal (with `code`, if given). */
export function isUsersError(error: unknown, code?: UsersErrorCode): error is UsersError {
  return error instanceof UsersError && (code === undefined || error.code === code);
}
