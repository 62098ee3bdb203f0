import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { API_RESOURCES, API_SCOPES, isApiScope, type ApiScope } from '../../platform/scopes.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { IntegrationsService } from './integrations.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

const createBody = z.object({
  name: z.string().trim().min(1).max(64),
  scopes: z
    .array(z.string())
    .min(1)
    .max(API_SCOPES.length)
    .refine((scopes) => scopes.every(isApiScope), { message: `scopes are among ${API_SCOPES.join(', ')}` })
    .transform((scopes) => scopes as ApiScope[]),
  /** When the key stops working (epoch ms); absent or null: never. */
  expiresAt: z.number().int().positive().nullable().optional(),
  /** Who acts (the access check sets it to the logged-in staff member). */
  actorId: z.union([z.string().max(64), z.number().int()]).optional(),
});

const keyView = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  state: z.enum(['active', 'revoked', 'expired']),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  lastUsedIp: z.string().nullable(),
});

/**
 * The owner's API keys for the integration API: the list (no secrets), a new key (its secret
 * in this one answer only) and revoking one. Every change is in the audit log.
 */
export function createIntegrationsRoutes(deps: { integrations: IntegrationsService }): AnyApiRoute[] {
  const { keys } = deps.integrations;
  return [
    route({
      method: 'GET',
      url: '/keys',
      summary: 'API keys (never their secrets) and the scopes a key may hold',
      response: z.object({ keys: z.array(keyView), resources: z.array(z.string()), scopes: z.array(z.string()) }),
      handler: async () => ({ keys: await keys.list(), resources: API_RESOURCES, scopes: API_SCOPES }),
    }),
    route({
      method: 'POST',
      url: '/keys',
      summary: 'Creates an API key; its secret is in this answer only',
      body: createBody,
      response: z.object({ key: keyView, secret: z.string() }),
      handler: async ({ body, request }) => {
        const created = await keys.create({ name: body.name, scopes: body.scopes, expiresAt: body.expiresAt ?? null, createdBy: String(body.actorId ?? 'panel') });
        // The secret stays out of the audit log: the entry names the key by its prefix.
        noteAudit(request, { subject: { type: 'api_key', id: created.key.id }, summary: { prefix: created.key.prefix, scopes: created.key.scopes } });
        return created;
      },
    }),
    route({
      method: 'POST',
      url: '/keys/:id/revoke',
      summary: 'Revokes an API key at once, on every instance',
      params: idParams,
      response: z.object({ key: keyView }),
      handler: async ({ params, request }) => {
        const key = await keys.revoke(params.id);
        noteAudit(request, { subject: { type: 'api_key', id: key.id }, summary: { prefix: key.prefix } });
        return { key };
      },
    }),
  ];
}
