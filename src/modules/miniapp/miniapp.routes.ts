import { z } from 'zod';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { BusinessConfig } from '../../config/business.ts';
import type { MiniAppService } from './miniapp.service.ts';

/** What the app learns when it opens. */
const sessionSchema = z.object({
  user: z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string().nullable() }),
  locale: z.enum(['ru', 'en', 'kk']),
  sections: z.array(z.string()),
  business: z.object({ name: z.string(), currency: z.string(), locales: z.array(z.string()) }),
});

/** The Mini App's own route: who is using it and which sections it shows. */
export function createMiniAppRoutes(deps: { miniApp: MiniAppService; config: BusinessConfig }): AnyApiRoute[] {
  return [
    miniAppRoute({
      method: 'GET',
      url: '/app/session',
      summary: 'The user the app was opened by, their language and the app’s sections',
      response: sessionSchema,
      handler: async ({ principal }) => ({
        user: { id: principal.userId, firstName: principal.user.first_name, lastName: principal.user.last_name ?? null },
        locale: principal.locale,
        sections: deps.miniApp.sections(),
        business: { name: deps.config.business.name, currency: deps.config.business.currency, locales: deps.config.business.locales },
      }),
    }),
  ];
}
