import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './admin.service.ts';

/*
 * Cookies are parsed and written by `@fastify/cookie`, registered once on the HTTP server
 * (`src/http/server.ts`); this file only decides the session cookie's name and attributes.
 */

/**
 * HttpOnly (scripts never see it), SameSite=Strict (other sites cannot make the browser send
 * it), scoped to `/api` where it is needed, Secure behind https.
 */
function sessionCookieAttributes(secure: boolean): CookieSerializeOptions {
  return { path: '/api', httpOnly: true, sameSite: 'strict', secure };
}

/** The session token the browser sent in its `Cookie` header, or undefined. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}

/** Sets the session cookie on the answer, to expire after `maxAgeSeconds`. */
export function setSessionCookie(reply: FastifyReply, token: string, options: { maxAgeSeconds: number; secure: boolean }): void {
  reply.setCookie(SESSION_COOKIE, token, { ...sessionCookieAttributes(options.secure), maxAge: Math.max(0, Math.floor(options.maxAgeSeconds)) });
}

/** Tells the browser to drop the session cookie (Max-Age=0 with the same path and flags). */
export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieAttributes(secure));
}
