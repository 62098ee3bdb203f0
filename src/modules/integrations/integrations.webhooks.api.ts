import { z } from 'zod';
import { apiKeyActorId } from '../../platform/principal.ts';
import { EVENT_TYPES } from '../../platform/events.ts';
import { type AnyApiRoute, integrationRoute } from '../../platform/route.ts';
import { isoTime } from '../../platform/api-values.ts';
import type { WebhookEndpointView, Webhooks } from './integrations.webhooks.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const deliveryParams = z.object({ id: z.coerce.number().int().positive(), delivery_id: z.coerce.number().int().positive() });
const eventTypes = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length);

const endpointView = z.object({
  object: z.literal('webhook_endpoint'),
  id: z.number(),
  url: z.string(),
  description: z.string(),
  event_types: z.array(z.string()),
  state: z.enum(['enabled', 'disabled']),
  disabled_reason: z.enum(['owner', 'failing']).nullable(),
  failing_since: z.string().nullable(),
  managed_by: z.string().nullable().describe('Set for an endpoint the config file manages (orders_backend): only paused and resumed here'),
  created_at: z.string(),
});

const apiEndpoint = (endpoint: WebhookEndpointView): z.infer<typeof endpointView> => ({
  object: 'webhook_endpoint',
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  event_types: endpoint.eventTypes,
  state: endpoint.state,
  disabled_reason: endpoint.disabledReason,
  failing_since: isoTime(endpoint.failingSince),
  managed_by: endpoint.managedBy,
  created_at: isoTime(endpoint.createdAt),
});

/**
 * Webhook endpoints in the integration API: a back end registers where it wants to hear
 * events (and gets the signing secret once), changes, pauses or removes it, reads its
 * deliveries and asks for one again.
 */
export function createWebhooksApi(deps: { webhooks: Webhooks }): AnyApiRoute[] {
  const { endpoints, deliveries } = deps.webhooks;
  return [
    integrationRoute({
      method: 'GET',
      url: '/webhooks',
      tag: 'webhooks',
      scope: 'webhooks:read',
      summary: 'Webhook endpoints',
      response: z.object({ object: z.literal('list'), data: z.array(endpointView) }),
      handler: async () => ({ object: 'list' as const, data: (await endpoints.list()).map(apiEndpoint) }),
    }),
    integrationRoute({
      method: 'POST',
      url: '/webhooks',
      tag: 'webhooks',
      scope: 'webhooks:write',
      status: 201,
      summary: 'Registers an endpoint; its signing secret (whsec_…) is in this answer',
      body: z.object({ url: z.string().trim().min(1).max(2000), description: z.string().trim().max(200).optional(), event_types: eventTypes }),
      response: endpointView.extend({ secret: z.string() }),
      handler: async ({ body, principal }) => {
        const created = await endpoints.create({ url: body.url, description: body.description, eventTypes: body.event_types, createdBy: apiKeyActorId(principal) });
        return { ...apiEndpoint(created.endpoint), secret: created.secret };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/webhooks/:id',
      tag: 'webhooks',
      scope: 'webhooks:read',
      summary: 'One webhook endpoint',
      params: idParams,
      response: endpointView,
      handler: async ({ params }) => apiEndpoint(await endpoints.get(params.id)),
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/webhooks/:id',
      tag: 'webhooks',
      scope: 'webhooks:write',
      summary: 'Changes an endpoint; "enabled": true resumes its kept queue in order',
      params: idParams,
      body: z.object({ url: z.string().trim().min(1).max(2000).optional(), description: z.string().trim().max(200).optional(), event_types: eventTypes.optional(), enabled: z.boolean().optional() }),
      response: endpointView,
      handler: async ({ params, body }) => apiEndpoint(await endpoints.update(params.id, { url: body.url, description: body.description, eventTypes: body.event_types, enabled: body.enabled })),
    }),
    integrationRoute({
      method: 'DELETE',
      url: '/webhooks/:id',
      tag: 'webhooks',
      scope: 'webhooks:write',
      summary: 'Removes an endpoint and its queue',
      params: idParams,
      handler: async ({ params }) => {
        await endpoints.remove(params.id);
        return { object: 'webhook_endpoint', id: params.id, deleted: true };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/webhooks/:id/deliveries',
      tag: 'webhooks',
      scope: 'webhooks:read',
      summary: "An endpoint's deliveries, newest first",
      params: idParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), starting_after: z.coerce.number().int().positive().optional() }),
      handler: async ({ params, query }) => {
        const rows = await deliveries.list(params.id, query.limit, query.starting_after);
        return {
          object: 'list',
          data: rows.map((row) => ({
            object: 'webhook_delivery',
            id: row.id,
            event_id: row.eventId,
            type: row.type,
            resource: row.resource,
            sequence: row.sequence,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: isoTime(row.nextAttemptAt),
            last_attempt_at: isoTime(row.lastAttemptAt),
            last_status: row.lastStatus,
            last_error: row.lastError,
            delivered_at: isoTime(row.deliveredAt),
          })),
          has_more: rows.length === query.limit,
        };
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/webhooks/:id/deliveries/:delivery_id/redeliver',
      tag: 'webhooks',
      scope: 'webhooks:write',
      status: 202,
      summary: 'Sends an event again, with the same event id',
      params: deliveryParams,
      handler: async ({ params }) => {
        await deliveries.redeliver(params.id, params.delivery_id);
        return { queued: true };
      },
    }),
  ];
}
