import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { EVENT_TYPES } from '../../platform/events.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { Webhooks } from './integrations.webhooks.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const deliveryParams = z.object({ id: z.coerce.number().int().positive(), deliveryId: z.coerce.number().int().positive() });
const eventTypes = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length);

const createBody = z.object({
  url: z.string().trim().min(1).max(2000),
  description: z.string().trim().max(200).optional(),
  eventTypes,
  /** Who acts (the access check sets it to the logged-in staff member). */
  actorId: z.union([z.string().max(64), z.number().int()]).optional(),
});

const updateBody = z.object({
  url: z.string().trim().min(1).max(2000).optional(),
  description: z.string().trim().max(200).optional(),
  eventTypes: eventTypes.optional(),
  enabled: z.boolean().optional(),
});

const deliveriesQuery = z.object({ beforeId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/**
 * The owner's webhook endpoints on the Integrations page: register one (its secret in the
 * answer, and on request later), change, pause or resume it, remove it, see its deliveries
 * and send one again.
 */
export function createWebhooksRoutes(deps: { webhooks: Webhooks }): AnyApiRoute[] {
  const { endpoints, deliveries } = deps.webhooks;
  return [
    route({
      method: 'GET',
      url: '/webhooks',
      summary: 'Webhook endpoints and the event types they may hear',
      handler: async () => ({ endpoints: await endpoints.list(), eventTypes: EVENT_TYPES }),
    }),
    route({
      method: 'POST',
      url: '/webhooks',
      summary: 'Registers a webhook endpoint; the signing secret is in the answer',
      body: createBody,
      handler: async ({ body, request }) => {
        const created = await endpoints.create({ url: body.url, description: body.description, eventTypes: body.eventTypes, createdBy: String(body.actorId ?? 'panel') });
        noteAudit(request, { subject: { type: 'webhook_endpoint', id: created.endpoint.id }, summary: { url: created.endpoint.url, eventTypes: created.endpoint.eventTypes } });
        return created;
      },
    }),
    route({
      method: 'PATCH',
      url: '/webhooks/:id',
      summary: 'Changes an endpoint; enabled: true resumes its kept queue in order',
      params: idParams,
      body: updateBody,
      handler: async ({ params, body }) => ({ endpoint: await endpoints.update(params.id, body) }),
    }),
    route({
      method: 'DELETE',
      url: '/webhooks/:id',
      summary: 'Removes an endpoint and its queue',
      params: idParams,
      handler: async ({ params }) => {
        await endpoints.remove(params.id);
        return { removed: true };
      },
    }),
    route({
      method: 'GET',
      url: '/webhooks/:id/secret',
      summary: "The endpoint's signing secret",
      params: idParams,
      handler: async ({ params }) => ({ secret: await endpoints.secretOf(params.id) }),
    }),
    route({
      method: 'GET',
      url: '/webhooks/:id/deliveries',
      summary: "An endpoint's deliveries, newest first: status, attempts, the receiver's answer",
      params: idParams,
      query: deliveriesQuery,
      handler: async ({ params, query }) => ({ deliveries: await deliveries.list(params.id, query.limit, query.beforeId) }),
    }),
    route({
      method: 'POST',
      url: '/webhooks/:id/deliveries/:deliveryId/redeliver',
      summary: 'Sends a delivered or failed event again, with the same event id',
      params: deliveryParams,
      handler: async ({ params }) => {
        await deliveries.redeliver(params.id, params.deliveryId);
        return { queued: true };
      },
    }),
  ];
}
