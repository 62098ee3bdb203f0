// A Bot API failure travels as an exception from deep inside a handler up to the dispatcher,
// which turns it into Telegram's `{ ok: false, error_code, description }` envelope.

import type { ApiResponse } from './api-types.ts';

/** A Bot API error with Telegram's code, description and optional `parameters`. */
export class ApiError extends Error {
  readonly errorCode: number;
  readonly description: string;
  readonly parameters: { retry_after?: number; migrate_to_chat_id?: number } | undefined;

  constructor(errorCode: number, description: string, parameters?: { retry_after?: number; migrate_to_chat_id?: number }) {
    super(description);
    this.name = 'ApiError';
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
  }

  /** The JSON envelope Telegram would send for this error. */
  toResponse(): ApiResponse {
    const response: ApiResponse = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) response.parameters = { ...this.parameters };
    return response;
  }
}

/** A 400 error; `detail` is the part after "Bad Request: ". */
export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

/** A 403 error; `detail` is the part after "Forbidden: ". */
export function forbidden(detail: string): ApiError {
  return new ApiError(403, `Forbidden: ${detail}`);
}

/** The 400 Telegram gives for a group that became a supergroup, with the id to use instead. */
export function groupMigrated(newChatId: number): ApiError {
  return new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: newChatId });
}

/** Telegram's 429 with a whole number of seconds to wait (never below 1). */
export function tooManyRequests(retryAfterSec: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSec));
  return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
}

/** Thrown in-process when an injected `drop` fault eats a request; the HTTP route destroys the socket instead. */
export class DroppedRequestError extends Error {
  constructor(method: string) {
    super(`simulator dropped the ${method} request (injected fault)`);
    this.name = 'DroppedRequestError';
  }
}
