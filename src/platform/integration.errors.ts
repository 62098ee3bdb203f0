import type { FastifyReply } from 'fastify';
import type { LavkaError} from './errors.ts';
import { type ErrorKind, refusalClass } from './errors.ts';

/** Refusals of the integration API's own checks (keys, scopes, rate, idempotency). */
export type IntegrationErrorCode =
  | 'api.unauthenticated'
  | 'api.key_invalid'
  | 'api.key_revoked'
  | 'api.key_expired'
  | 'api.scope_missing'
  | 'api.rate_limited'
  | 'api.idempotency_key_invalid'
  | 'api.idempotency_key_reused'
  | 'api.idempotency_in_progress'
  | 'api.not_found';

const KINDS: Readonly<Record<IntegrationErrorCode, ErrorKind>> = {
  'api.unauthenticated': 'unauthenticated',
  'api.key_invalid': 'unauthenticated',
  'api.key_revoked': 'unauthenticated',
  'api.key_expired': 'unauthenticated',
  'api.scope_missing': 'forbidden',
  'api.rate_limited': 'too_many',
  'api.idempotency_key_invalid': 'invalid',
  'api.idempotency_key_reused': 'conflict',
  'api.idempotency_in_progress': 'conflict',
  'api.not_found': 'not_found',
};

/** A request the integration API turned away before any module saw it. */
export class IntegrationError extends refusalClass<IntegrationErrorCode>('IntegrationError', KINDS) {}

/**
 * Answers the integration API's way, as payment platforms do: `{ "error": { "code", "message",
 * "details" } }` with the status of the refusal's kind, and Retry-After when the caller should
 * wait. Nothing is cached.
 */
export function sendApiError(reply: FastifyReply, status: number, error: { code: string; message: string; details?: Record<string, unknown> }) {
  const retryAfter = error.details?.retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error: { code: error.code, message: error.message, ...(error.details && Object.keys(error.details).length > 0 ? { details: error.details } : {}) } });
}

/** A module's (or the checks') refusal, answered the integration API's way. */
export function sendIntegrationError(reply: FastifyReply, error: LavkaError) {
  return sendApiError(reply, error.status, { code: error.code, message: error.message, details: error.details });
}
