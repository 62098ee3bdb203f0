import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { auditNoteOf, auditSummary, type AuditLog } from './audit.ts';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint, type IdempotencyStore } from './idempotency.ts';
import { IntegrationError, sendApiError, sendIntegrationError } from './integration.errors.ts';
import { principalOf, setPrincipal, type ApiKeyAuthenticator, type ApiKeyPrincipal } from './principal.ts';
import type { RequestRateLimiter } from './rate-limit.ts';
import { scopeAllows, type ApiScope } from './scopes.ts';

/** The header a caller names a retried request with. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Methods that change nothing: no idempotency key, no audit entry. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What an integration route puts in its `config`. */
export interface IntegrationRouteConfig {
  /** The scope a key needs for this route; every integration route names one. */
  scope?: ApiScope;
  /** `false` for a POST that changes nothing (a search): no audit entry. */
  audit?: false;
}

/** What the integration access check needs. */
export interface IntegrationAccessDeps {
  keys: ApiKeyAuthenticator;
  limiter: RequestRateLimiter;
  /** Requests one key may make per second (read at use time: the owner may change it). */
  requestsPerSecond(): number;
  idempotency: IdempotencyStore;
  audit?: AuditLog;
  logger: Logger;
}

/** A request whose idempotency key was new: its answer is kept when it is sent. */
const runningIdempotent = new WeakMap<FastifyRequest, string>();

/** `Authorization: Bearer <secret>`, or undefined. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The access check in front of the integration API (`/api/v1`). Before a body is read, a
 * request needs a valid API key (401), the scope its route names (403) and room in its key's
 * rate (429 with Retry-After). A request that changes something may carry an
 * `Idempotency-Key`: the first answer to a key is kept and sent again for the same request,
 * another request with a used key is 409, and nothing runs twice — across restarts and
 * instances, since the answers are kept in the database. Every change is written to the audit
 * log under the key. Refusals have the API's one shape: `{ error: { code, message } }`.
 */
export function createIntegrationGuard(deps: IntegrationAccessDeps) {
  const covered = new Map<string, ApiScope>();

  const guard = function guard(plugin: FastifyPluginAsync): FastifyPluginAsync {
    return async (app) => {
      app.addHook('onRoute', (options) => {
        const scope = (options.config as IntegrationRouteConfig | undefined)?.scope;
        // A route without a scope would be open to every key: refuse to start instead.
        if (!scope) throw new Error(`The integration route ${[options.method].flat().join(',')} ${options.url} names no scope`);
        for (const method of [options.method].flat()) covered.set(`${method} ${options.url}`, scope);
      });

      app.setNotFoundHandler((request, reply) =>
        sendApiError(reply, 404, { code: 'api.not_found', message: `There is no ${request.method} ${request.url.split('?', 1)[0]} in the Lavka API. See /api/v1/openapi.json.` }),
      );
      // Bodies Fastify cannot parse (not JSON, too large) and faults: the API's shape, never internals.
      app.setErrorHandler((error: FastifyError, request, reply) => {
        const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status >= 500) {
          request.log.error({ err: error, url: request.url }, 'integration API request failed');
          return sendApiError(reply, 500, { code: 'api.internal_error', message: 'Lavka could not complete this request. Nothing you sent was lost; try again.' });
        }
        const code = status === 413 ? 'api.body_too_large' : status === 415 ? 'api.unsupported_media_type' : 'api.invalid_request';
        return sendApiError(reply, status, { code, message: error.message });
      });

      app.addHook('onRequest', async (request, reply) => {
        const secret = bearerOf(request);
        if (!secret) return sendIntegrationError(reply, new IntegrationError('api.unauthenticated', 'Send an API key: Authorization: Bearer lvk_live_…'));
        const found = await deps.keys.authenticate(secret, { ip: request.ip });
        if (typeof found === 'string') {
          const refusal = {
            unknown: new IntegrationError('api.key_invalid', 'This API key is not known. Check that it was copied whole.'),
            revoked: new IntegrationError('api.key_revoked', 'This API key was revoked. Ask the owner for a new one.'),
            expired: new IntegrationError('api.key_expired', 'This API key has expired. Ask the owner for a new one.'),
          }[found];
          return sendIntegrationError(reply, refusal);
        }
        const required = (request.routeOptions.config as IntegrationRouteConfig | undefined)?.scope;
        // Unknown routes have no scope: they are answered 404 by the not-found handler.
        if (required && !scopeAllows(found.scopes, required)) {
          return sendIntegrationError(reply, new IntegrationError('api.scope_missing', `This key may not do this: it needs the ${required} scope.`, { required }));
        }
        // Counted by the key's random prefix: unique even when deployments share one Redis.
        const rate = await deps.limiter.take(found.prefix, deps.requestsPerSecond());
        if (!rate.allowed) {
          return sendIntegrationError(reply, new IntegrationError('api.rate_limited', 'Too many requests with this key. Wait and retry.', { retryAfterSeconds: rate.retryAfterSeconds }));
        }
        setPrincipal(request, found);
        reply.header('cache-control', 'no-store');
      });

      // After the body is parsed: an Idempotency-Key replays the first answer or refuses a different request.
      app.addHook('preHandler', async (request, reply) => {
        const principal = principalOf(request);
        const given = request.headers[IDEMPOTENCY_HEADER];
        if (principal?.type !== 'api_key' || SAFE_METHODS.has(request.method) || given === undefined) return;
        if (typeof given !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(given)) {
          return sendIntegrationError(reply, new IntegrationError('api.idempotency_key_invalid', 'An Idempotency-Key is 1–255 printable ASCII characters (a UUID is a good one).'));
        }
        const path = request.url.split('?', 1)[0] ?? '';
        const start = await deps.idempotency.begin(principal.keyId, given, requestFingerprint(request.method, path, request.body ?? null));
        if (start.state === 'replay') return reply.code(start.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(start.body);
        if (start.state === 'mismatch') {
          return sendIntegrationError(reply, new IntegrationError('api.idempotency_key_reused', 'This Idempotency-Key was used for another request. Use a new key for a new request.'));
        }
        if (start.state === 'in_progress') {
          return sendIntegrationError(reply, new IntegrationError('api.idempotency_in_progress', 'A request with this Idempotency-Key is still running (or was cut off). Check the result before retrying with a new key.'));
        }
        runningIdempotent.set(request, given);
      });

      app.addHook('onSend', async (request, reply, payload) => {
        const principal = principalOf(request);
        if (principal?.type !== 'api_key') return payload;
        const idempotencyKey = runningIdempotent.get(request);
        if (idempotencyKey !== undefined) {
          runningIdempotent.delete(request);
          // A fault inside Lavka, or input the route refused before doing anything: not kept,
          // so that the same key may be sent again (corrected), as payment platforms allow.
          if (reply.statusCode >= 500 || reply.statusCode === 400) await deps.idempotency.abandon(principal.keyId, idempotencyKey);
          else await deps.idempotency.finish(principal.keyId, idempotencyKey, { status: reply.statusCode, body: typeof payload === 'string' ? payload : '' });
        }
        if (!SAFE_METHODS.has(request.method) && reply.statusCode < 400 && reply.getHeader('idempotent-replayed') === undefined) await recordChange(deps, request, principal, reply.statusCode);
        return payload;
      });

      await app.register(plugin);
    };
  };
  return Object.assign(guard, {
    /** The scope an integration route needs (`GET /api/v1/orders`), or undefined when it is not one. */
    scopeOf(method: string, url: string): ApiScope | undefined {
      return covered.get(`${method} ${url}`);
    },
  });
}

/** Writes the audit entry of a change made with an API key; a lost entry is loud in the logs. */
async function recordChange(deps: IntegrationAccessDeps, request: FastifyRequest, principal: ApiKeyPrincipal, status: number): Promise<void> {
  if (!deps.audit || (request.routeOptions.config as IntegrationRouteConfig | undefined)?.audit === false) return;
  const route = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
  const note = auditNoteOf(request);
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  const resource = /^\/api\/v1\/([a-z_]+)/.exec(route)?.[1] ?? 'api';
  const subject = note?.subject ?? (typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? { type: resource, id } : undefined);
  try {
    await deps.audit.record({
      actor: { type: 'api_key', id: principal.keyId },
      action: `api.${request.method} ${route}`.slice(0, 100),
      subject,
      details: {
        key: principal.name,
        prefix: principal.prefix,
        status,
        params: auditSummary(request.params),
        ...(request.body === undefined ? {} : { body: auditSummary(request.body) }),
        ...(note?.summary ? { summary: auditSummary(note.summary) } : {}),
      },
    });
  } catch (error) {
    deps.logger.error({ err: error, route, keyId: principal.keyId }, 'could not write the audit log entry for an API change');
  }
}

/** The integration access check's wrapper, as given to the HTTP layer. */
export type IntegrationGuard = ReturnType<typeof createIntegrationGuard>;
