import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditService } from '../audit/audit.service.ts';
import { setSessionCookie } from './admin.cookies.ts';
import { checkSameOrigin } from '../../platform/access.ts';
import { isLavkaError, sendError } from '../../platform/errors.ts';
import { isAdminError } from './admin.errors.ts';
import type { AdminService, StartedSession } from './admin.service.ts';

const passwordBody = z.object({ login: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const linkBody = z.object({ token: z.string().min(1).max(200) });

/** True when the request came over https, directly or as PUBLIC_URL says. */
export function isSecureRequest(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === 'https' || Boolean(publicUrl?.startsWith('https:'));
}

/**
 * The only admin endpoints without a session, mounted under `/public/admin`: a password
 * login and the exchange of a one-time link for a session. Both are rate-limited per IP
 * (and per login name), accept only JSON, and refuse cross-site requests.
 */
export function createAdminLoginRoutes(deps: { admin: AdminService; publicUrl?: string; audit?: AuditService }): FastifyPluginAsync {
  const started = (request: FastifyRequest, reply: FastifyReply, session: StartedSession) => {
    // The cookie may outlive an idle session; the server decides whether it is still valid.
    const maxAgeSeconds = deps.admin.limits.sessionMaxMs / 1000;
    setSessionCookie(reply, session.token, { maxAgeSeconds, secure: isSecureRequest(request, deps.publicUrl) });
    reply.header('cache-control', 'no-store');
    return { staff: session.staff, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  };
  const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
  const record = async (action: string, details: Record<string, unknown>, staffId?: number) => {
    await deps.audit
      ?.record({ actor: staffId === undefined ? { type: 'system' } : { type: 'admin', id: staffId }, action, details })
      .catch(() => undefined);
  };

  return async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return reply.code(415).send({ error: 'admin.invalid_input', message: 'Send the login as JSON.' });
      }
      try {
        checkSameOrigin(request);
      } catch (error) {
        if (isLavkaError(error)) return sendError(reply, error);
        throw error;
      }
    });

    app.post('/login', async (request, reply) => {
      const body = passwordBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'admin.invalid_input', message: 'Enter your login and password.' });
      try {
        const session = await deps.admin.passwordLogin(body.data.login, body.data.password, client(request));
        await record('admin.login', { method: 'password', ip: request.ip }, session.staff.id);
        return started(request, reply, session);
      } catch (error) {
        if (!isAdminError(error)) throw error;
        await record('admin.login_refused', { method: 'password', ip: request.ip, login: body.data.login.slice(0, 64), reason: error.code });
        return sendError(reply, error);
      }
    });

    app.post('/link', async (request, reply) => {
      const body = linkBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'admin.link_invalid', message: 'This login link is not valid. Ask the bot for a new one with /admin.' });
      try {
        const session = await deps.admin.redeemLink(body.data.token, client(request));
        await record('admin.login', { method: 'link', ip: request.ip }, session.staff.id);
        return started(request, reply, session);
      } catch (error) {
        if (!isAdminError(error)) throw error;
        await record('admin.login_refused', { method: 'link', ip: request.ip, reason: error.code });
        return sendError(reply, error);
      }
    });
  };
}
