import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AccessError } from './access.errors.ts';
import { auditNoteOf, auditSummary, type AuditLog } from './audit.ts';
import { sendError } from './errors.ts';
import { setPrincipal, principalOf, type StaffSessions } from './principal.ts';
import { DEFAULT_STAFF_ROLES, roleAllows, withOwner, type StaffRole } from './roles.ts';

/** The header that carries the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change nothing: no CSRF token needed, no audit entry written. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Per-route settings a guarded route may put in its `config`. */
export interface GuardedRouteConfig {
  /** Roles allowed on this route instead of the scope's; the owner always is. */
  staffRoles?: readonly StaffRole[];
  /**
   * `false` for a POST that changes nothing (a query too large for a URL, such as counting
   * an audience while the owner edits it): no audit entry. CSRF is still required.
   */
  audit?: false;
}

/** One guarded scope: the routes of a module under `/api/<module>`. */
export interface GuardedScope {
  /** The module's name, used in audit actions (`orders.POST /api/orders/:id/status`). */
  module: string;
  /** Roles allowed by default; the owner always is. */
  staffRoles?: readonly StaffRole[];
}

/** Compares two secrets in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses requests another site made the browser send: a form on an attacker's page could
 * otherwise act with the victim's session (or log them into the attacker's account). Browsers
 * always send `Origin` on cross-site POSTs; JSON bodies also force a CORS preflight.
 */
export function checkSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new AccessError('admin.origin_invalid', 'This request came from another website and was refused.');
  }
  if (host !== request.headers.host) throw new AccessError('admin.origin_invalid', 'This request came from another website and was refused.');
}

/** What the access check needs. */
export interface AccessDeps {
  sessions: StaffSessions;
  audit?: AuditLog;
  logger: Logger;
}

/**
 * The access check in front of every staff API: wraps a module's routes so that each request
 * needs a valid session (401 otherwise), a role the route or module allows (403), and — for
 * anything but GET/HEAD/OPTIONS — the session's CSRF token in `x-csrf-token` and no foreign
 * `Origin` (403). Every successful change is written to the audit log with the staff member,
 * the route and a summary of what was sent, before the answer leaves.
 */
export function createAccessGuard(deps: AccessDeps) {
  const deny = (reply: FastifyReply, error: AccessError) => sendError(reply.header('cache-control', 'no-store'), error);
  const covered = new Map<string, readonly StaffRole[]>();

  const guard = function guard(scope: GuardedScope, plugin: FastifyPluginAsync): FastifyPluginAsync {
    const scopeRoles = scope.staffRoles ?? DEFAULT_STAFF_ROLES;
    const rolesOfRoute = (config: unknown) => (config as GuardedRouteConfig | undefined)?.staffRoles ?? scopeRoles;
    return async (app) => {
      app.addHook('onRoute', (options) => {
        for (const method of [options.method].flat()) covered.set(`${method} ${options.url}`, withOwner(rolesOfRoute(options.config)));
      });
      app.addHook('onRequest', async (request, reply) => {
        const token = deps.sessions.tokenOf(request);
        if (!token) return deny(reply, new AccessError('admin.unauthenticated', 'Log in to the admin panel first.'));
        const session = await deps.sessions.authenticate(token);
        if (!session) return deny(reply, new AccessError('admin.session_invalid', 'Your session has ended. Log in again.'));
        if (!SAFE_METHODS.has(request.method)) {
          try {
            checkSameOrigin(request);
          } catch (error) {
            if (error instanceof AccessError) return deny(reply, error);
            throw error;
          }
          const given = request.headers[CSRF_HEADER];
          if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
            return deny(reply, new AccessError('admin.csrf_invalid', 'This page is out of date. Reload it and try again.'));
          }
        }
        if (!roleAllows(session.staff.role, rolesOfRoute(request.routeOptions.config))) {
          return deny(reply, new AccessError('admin.forbidden', 'Your role does not allow this. Ask the owner if you need it.'));
        }
        setPrincipal(request, { type: 'staff', ...session });
        // Staff pages and answers are personal: never cached by the browser or a proxy.
        reply.header('cache-control', 'no-store');
      });

      // Modules that record who acted take it from the body (`actorId`, `adminId`); the check
      // puts the authenticated staff member there, so nobody can act under another name.
      app.addHook('preHandler', async (request) => {
        const principal = principalOf(request);
        const body = request.body;
        if (principal?.type !== 'staff' || SAFE_METHODS.has(request.method) || !body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) return;
        for (const key of ['actorId', 'adminId'] as const) {
          if (key in body) (body as Record<string, unknown>)[key] = `staff:${principal.staff.id}`;
        }
      });

      app.addHook('onSend', async (request, reply, payload) => {
        const principal = principalOf(request);
        if (principal?.type !== 'staff' || SAFE_METHODS.has(request.method) || reply.statusCode >= 400 || !deps.audit) return payload;
        if ((request.routeOptions.config as GuardedRouteConfig | undefined)?.audit === false) return payload;
        const route = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
        const note = auditNoteOf(request);
        // Routes about one record (`/:id/...`) are findable by it in the log without a note.
        const id = (request.params as Record<string, unknown> | undefined)?.id;
        const subject = note?.subject ?? (typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? { type: scope.module, id } : undefined);
        try {
          await deps.audit.record({
            actor: { type: 'admin', id: principal.staff.id },
            action: `${scope.module}.${request.method} ${route}`.slice(0, 100),
            subject,
            details: {
              staff: principal.staff.displayName,
              role: principal.staff.role,
              status: reply.statusCode,
              params: auditSummary(request.params),
              ...(request.body === undefined ? {} : { body: auditSummary(request.body) }),
              ...(note?.summary ? { summary: auditSummary(note.summary) } : {}),
            },
          });
        } catch (error) {
          // The change itself is done; a lost audit row must be loud in the logs.
          deps.logger.error({ err: error, route, staffId: principal.staff.id }, 'could not write the audit log entry for a staff change');
        }
        return payload;
      });

      await app.register(plugin);
    };
  };
  return Object.assign(guard, {
    /** The roles allowed on a guarded route (`GET /api/orders/:id`), or undefined when it is not guarded. */
    rolesOf(method: string, url: string): readonly StaffRole[] | undefined {
      return covered.get(`${method} ${url}`);
    },
  });
}

/** The access check's wrapper, as given to the HTTP layer. */
export type AccessGuard = ReturnType<typeof createAccessGuard>;
