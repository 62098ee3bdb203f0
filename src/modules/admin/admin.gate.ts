import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit.service.ts';
import type { StaffRole } from '../module.ts';
import { sessionTokenOf } from './admin.cookies.ts';
import { AdminError, isAdminError } from './admin.errors.ts';
import { checkSameOrigin, sendAdminError } from './admin.login.routes.ts';
import { CSRF_HEADER, roleAllows, sameSecret, type AdminService, type Authenticated } from './admin.service.ts';

/** Methods that change nothing: no CSRF token needed, no audit entry written. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Roles a module's routes allow when the module does not say (see `ModuleInstance.staffRoles`). */
export const DEFAULT_STAFF_ROLES: readonly StaffRole[] = ['manager'];

/** Per-route settings a gated route may put in its `config`. */
export interface GatedRouteConfig {
  /** Roles allowed on this route instead of the module's; the owner always is. */
  staffRoles?: readonly StaffRole[];
  /**
   * `false` for a POST that changes nothing (a query too large for a URL, such as counting
   * an audience while the owner edits it): no audit entry. CSRF is still required.
   */
  audit?: false;
}

/** What a handler adds to the audit entry the gate writes for its change. */
export interface AuditNote {
  subject?: { type: string; id: string | number };
  summary?: Record<string, unknown>;
}

const authenticated = new WeakMap<FastifyRequest, Authenticated>();
const notes = new WeakMap<FastifyRequest, AuditNote>();

/** The staff member behind a gated request (always present inside a gated route). */
export function staffOf(request: FastifyRequest): Authenticated {
  const auth = authenticated.get(request);
  if (!auth) throw new AdminError('admin.unauthenticated', 'Log in to the admin panel first.');
  return auth;
}

/** Lets a handler name the subject and summarise its change in the gate's audit entry. */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  notes.set(request, { ...notes.get(request), ...note });
}

/** Dependencies of the gate. */
export interface AdminGateDeps {
  admin: AdminService;
  audit?: AuditService;
  logger: Logger;
}

/** One gated scope: the routes of a module under `/api/<module>`. */
export interface GatedScope {
  /** The module's name, used in audit actions (`orders.POST /api/orders/:id/status`). */
  module: string;
  /** Roles allowed by default; the owner always is. */
  staffRoles?: readonly StaffRole[];
}

const SECRET_KEYS = /pass(word)?|token|secret|hash|otp|pin$/i;

/** A body or params object made safe and small for the audit log. */
export function auditSummary(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}…` : value;
  if (typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (depth >= 3) return '…';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => auditSummary(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, 40)) {
    out[key] = SECRET_KEYS.test(key) ? '<redacted>' : auditSummary(item, depth + 1);
  }
  return out;
}

/**
 * The gate in front of every staff API: wraps a module's routes so that each request needs a
 * valid session cookie (401 otherwise), a role the route or module allows (403), and — for
 * anything but GET/HEAD/OPTIONS — the session's CSRF token in `x-csrf-token` and no foreign
 * `Origin` (403). Every successful change is written to the audit log with the staff member,
 * the route and a summary of what was sent, before the answer leaves.
 */
export function createAdminGate(deps: AdminGateDeps) {
  const deny = (reply: FastifyReply, error: AdminError) => sendAdminError(reply.header('cache-control', 'no-store'), error);

  const covered = new Map<string, readonly StaffRole[]>();

  const gated = function gated(scope: GatedScope, plugin: FastifyPluginAsync): FastifyPluginAsync {
    const moduleRoles = scope.staffRoles ?? DEFAULT_STAFF_ROLES;
    return async (app) => {
      app.addHook('onRoute', (options) => {
        const roles = (options.config as GatedRouteConfig | undefined)?.staffRoles ?? moduleRoles;
        for (const method of [options.method].flat()) covered.set(`${method} ${options.url}`, ['owner', ...roles.filter((role) => role !== 'owner')]);
      });
      app.addHook('onRequest', async (request, reply) => {
        const token = sessionTokenOf(request);
        if (!token) return deny(reply, new AdminError('admin.unauthenticated', 'Log in to the admin panel first.'));
        const auth = await deps.admin.authenticate(token);
        if (!auth) return deny(reply, new AdminError('admin.session_invalid', 'Your session has ended. Log in again.'));
        if (!SAFE_METHODS.has(request.method)) {
          try {
            checkSameOrigin(request);
          } catch (error) {
            if (isAdminError(error)) return deny(reply, error);
            throw error;
          }
          const given = request.headers[CSRF_HEADER];
          if (typeof given !== 'string' || !sameSecret(given, auth.csrfToken)) {
            return deny(reply, new AdminError('admin.csrf_invalid', 'This page is out of date. Reload it and try again.'));
          }
        }
        const routeRoles = (request.routeOptions.config as GatedRouteConfig | undefined)?.staffRoles;
        if (!roleAllows(auth.staff.role, routeRoles ?? moduleRoles)) {
          return deny(reply, new AdminError('admin.forbidden', 'Your role does not allow this. Ask the owner if you need it.'));
        }
        authenticated.set(request, auth);
        // Staff pages and answers are personal: never cached by the browser or a proxy.
        reply.header('cache-control', 'no-store');
      });

      // Modules that record who acted take it from the body (`actorId`, `adminId`); the gate
      // puts the authenticated staff member there, so nobody can act under another name.
      app.addHook('preHandler', async (request) => {
        const auth = authenticated.get(request);
        const body = request.body;
        if (!auth || SAFE_METHODS.has(request.method) || !body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) return;
        for (const key of ['actorId', 'adminId'] as const) {
          if (key in body) (body as Record<string, unknown>)[key] = `staff:${auth.staff.id}`;
        }
      });

      app.addHook('onSend', async (request, reply, payload) => {
        const auth = authenticated.get(request);
        if (!auth || SAFE_METHODS.has(request.method) || reply.statusCode >= 400 || !deps.audit) return payload;
        if ((request.routeOptions.config as GatedRouteConfig | undefined)?.audit === false) return payload;
        const route = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
        const note = notes.get(request);
        // Routes about one record (`/:id/...`) are findable by it in the log without a note.
        const id = (request.params as Record<string, unknown> | undefined)?.id;
        const subject = note?.subject ?? (typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? { type: scope.module, id } : undefined);
        try {
          await deps.audit.record({
            actor: { type: 'admin', id: auth.staff.id },
            action: `${scope.module}.${request.method} ${route}`.slice(0, 100),
            subject,
            details: {
              staff: auth.staff.displayName,
              role: auth.staff.role,
              status: reply.statusCode,
              params: auditSummary(request.params),
              ...(request.body === undefined ? {} : { body: auditSummary(request.body) }),
              ...(note?.summary ? { summary: auditSummary(note.summary) } : {}),
            },
          });
        } catch (error) {
          // The change itself is done; a lost audit row must be loud in the logs.
          deps.logger.error({ err: error, route, staffId: auth.staff.id }, 'could not write the audit log entry for a staff change');
        }
        return payload;
      });

      await app.register(plugin);
    };
  };
  return Object.assign(gated, {
    /** The roles allowed on a gated route (`GET /api/orders/:id`), or undefined when it is not gated. */
    rolesOf(method: string, url: string): readonly StaffRole[] | undefined {
      return covered.get(`${method} ${url}`);
    },
  });
}

/** The gate's wrapper, as given to the HTTP layer. */
export type AdminGate = ReturnType<typeof createAdminGate>;
