import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { ANY_ROLE, staffViewSchema, type AdminApiDeps } from './admin.api.ts';
import { clearSessionCookie } from './admin.cookies.ts';
import { navigationFor } from './admin.navigation.ts';
import { isSecureRequest } from './admin.login.routes.ts';

/** Who is logged in and what they may open, logging out, and the API document. */
export function sessionRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/auth/me',
      tag: 'auth',
      summary: 'Who is logged in, their CSRF token and the pages their role may open',
      staffRoles: ANY_ROLE,
      response: z.object({ staff: staffViewSchema, csrfToken: z.string(), expiresAt: z.number(), pages: z.array(z.string()), modules: z.array(z.string()), nav: z.array(z.object({ id: z.string(), label: z.string(), icon: z.string(), group: z.enum(['business', 'settings']) }).loose()) }),
      handler: async ({ principal }) => {
        const nav = navigationFor(deps, principal.staff.role);
        return {
          staff: principal.staff,
          csrfToken: principal.csrfToken,
          expiresAt: principal.expiresAt,
          pages: nav.map((entry) => entry.id),
          nav,
          modules: deps.runtime.modules().map((item) => item.name),
          business: {
            name: deps.config.business.name,
            currency: deps.config.business.currency,
            timeZone: deps.config.business.timeZone,
            defaultLocale: deps.config.business.defaultLocale,
            locales: deps.config.business.locales,
          },
          version: deps.runtime.version,
          preset: deps.env.LAVKA_PRESET,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/auth/logout',
      tag: 'auth',
      summary: 'Ends the session',
      staffRoles: ANY_ROLE,
      handler: async ({ principal, request, reply }) => {
        await deps.admin.endSession(principal.sessionId);
        clearSessionCookie(reply, isSecureRequest(request, deps.env.PUBLIC_URL));
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      url: '/openapi.json',
      tag: 'auth',
      summary: 'This document: every staff API of the enabled modules',
      staffRoles: ANY_ROLE,
      handler: async () => deps.runtime.apiDocument(),
    }),
  ];
}
