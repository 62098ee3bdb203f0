import type { Kysely } from 'kysely';
import { z } from 'zod';
import { auditSummary, noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { OWNER_ONLY, type AdminApiDeps } from './admin.api.ts';
import { AdminError } from './admin.errors.ts';
import { goLive } from './admin.go-live.ts';

const sectionViewSchema = z.object({
  key: z.string(),
  module: z.string(),
  value: z.unknown().describe('The value in effect'),
  fallback: z.unknown().describe('The config file’s value, which a reset goes back to'),
  overridden: z.boolean(),
  updatedAt: z.number().nullable(),
  updatedBy: z.number().nullable().describe('Staff id of the last change'),
  facts: z.record(z.string(), z.unknown()).describe('What the form needs besides the value'),
});

/** Business settings sent without `support.hours` keep the ones in effect. */
function keepSupportHours(body: { support: Record<string, unknown> }, hours: string | undefined): unknown {
  if ('hours' in body.support || hours === undefined) return body;
  return { ...body, support: { ...body.support, hours } };
}

/** The settings page: every live section (change, reset), the rest of the configuration read-only, and going live. */
export function settingsRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/settings',
      tag: 'settings',
      summary: 'Business settings: every live section (value, the config file’s value, who changed it) and, read-only, the rest of the configuration',
      staffRoles: OWNER_ONLY,
      response: z.object({ business: z.object({}).loose(), sections: z.record(z.string(), sectionViewSchema) }).loose(),
      handler: async () => ({
        business: deps.content.businessSettings(),
        sections: Object.fromEntries(deps.settings.sections().map((section) => [section.key, deps.settings.view(section.key)])),
        // Module settings come from the config file; shown so the owner knows what is set.
        modules: auditSummary(deps.config.settings),
        adminChatIds: deps.config.adminChatIds,
      }),
    }),
    ...deps.settings.sections().flatMap((section) => [
      route({
        method: 'PUT',
        url: `/settings/${section.key}`,
        tag: 'settings',
        summary: `Changes ${section.summary}; applied at once here and within seconds on other instances`,
        staffRoles: OWNER_ONLY,
        body: section.schema,
        response: z.object({ section: sectionViewSchema }),
        handler: async ({ body, principal, request }) => {
          const previous = deps.settings.value(section.key);
          let input: unknown = body;
          // The panel no longer edits the older free-text hours with the contacts: keep them.
          if (section.key === 'business') input = keepSupportHours(body as { support: Record<string, unknown> }, deps.config.business.support.hours);
          await deps.settings.change(section.key, input, principal.staff.id, { telegram: () => deps.runtime.telegram() });
          noteAudit(request, { subject: { type: 'setting', id: section.key }, summary: { previous } });
          return { section: deps.settings.view(section.key) };
        },
      }),
      route({
        method: 'DELETE',
        url: `/settings/${section.key}`,
        tag: 'settings',
        summary: `Goes back to the config file’s value of ${section.summary}`,
        staffRoles: OWNER_ONLY,
        response: z.object({ removed: z.boolean(), section: sectionViewSchema }),
        handler: async ({ request }) => {
          const previous = deps.settings.value(section.key);
          const removed = await deps.settings.reset(section.key);
          noteAudit(request, { subject: { type: 'setting', id: section.key }, summary: { previous } });
          return { removed, section: deps.settings.view(section.key) };
        },
      }),
    ]),

    route({
      method: 'POST',
      url: '/go-live',
      tag: 'settings',
      summary: 'Takes the sandbox live with a token from @BotFather: checks it with getMe, carries the catalogue, settings, texts and staff over to the real bot’s database, writes the token to the environment file and restarts the bot runtime; or says what to set by hand',
      staffRoles: OWNER_ONLY,
      body: z.object({ token: z.string().trim().min(1).max(200) }),
      handler: async ({ body, request }) => {
        const live = deps.runtime.goLive;
        if (!live) throw new AdminError('admin.go_live_unavailable', deps.runtime.mode === 'sandbox' ? 'Going live is not available in this process.' : 'This bot is live already.');
        const outcome = await goLive({ env: deps.env, envFile: deps.env.LAVKA_ENV_FILE, db: deps.db as unknown as Kysely<unknown>, ...live }, body.token);
        noteAudit(request, { subject: { type: 'bot', id: outcome.bot.username }, summary: { mode: outcome.mode } });
        return outcome;
      },
    }),
  ];
}
