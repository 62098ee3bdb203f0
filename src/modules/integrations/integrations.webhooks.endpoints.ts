/**
 * The owner's side of webhooks: endpoints registered, changed, paused, resumed (their kept
 * queue due at once, in order) and removed; the deliveries of an endpoint, and one sent again.
 */
import { randomBytes } from 'node:crypto';
import type { EventType } from '../../platform/events.ts';
import { IntegrationsError } from './integrations.errors.ts';
import { createWebhooksRepository } from './integrations.webhooks.repository.ts';
import { viewOf, type WebhookEndpointView, type WebhooksDeps } from './integrations.webhooks.shared.ts';

/** Endpoints and their deliveries, as the panel and the API manage them. */
export function createWebhookEndpoints(deps: WebhooksDeps) {
  const repository = createWebhooksRepository(deps.db);

  const existing = async (id: number) => {
    const row = await repository.endpoint(id);
    if (!row) throw new IntegrationsError('integrations.not_found', 'There is no such webhook endpoint.');
    return row;
  };
  // A connector's endpoint is the config file's: the panel and the API may pause and resume it, nothing more.
  const unmanaged = async (id: number, why: string) => {
    const row = await existing(id);
    if (row.managed_by !== null) {
      throw new IntegrationsError('integrations.managed_endpoint', `This endpoint is set up in the config file (${row.managed_by}): ${why}`, { managedBy: row.managed_by });
    }
    return row;
  };

  const endpoints = {
    async list(): Promise<WebhookEndpointView[]> {
      return (await repository.endpoints()).map(viewOf);
    },

    async get(id: number): Promise<WebhookEndpointView> {
      return viewOf(await existing(id));
    },

    /** The secret receivers verify signatures with. */
    async secretOf(id: number): Promise<string> {
      return (await unmanaged(id, 'it signs with the token both sides keep in their environment, not a secret of its own.')).secret;
    },

    /** Registers an endpoint; the URL must pass the outgoing policy. Its secret is in the answer. */
    async create(input: { url: string; description?: string; eventTypes: readonly EventType[]; createdBy: string }): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
      const url = await deps.policy.check(input.url);
      const nowMs = deps.now();
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const row = await repository.insertEndpoint({
        url: url.toString(),
        description: input.description ?? '',
        event_types: JSON.stringify([...new Set(input.eventTypes)]),
        secret,
        state: 'enabled',
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        managed_by: null,
        created_by: input.createdBy,
        created_at: nowMs,
        updated_at: nowMs,
      });
      return { endpoint: viewOf(row), secret };
    },

    /** Changes an endpoint; turning it back on makes its kept queue due at once, in order. */
    async update(id: number, input: { url?: string; description?: string; eventTypes?: readonly EventType[]; enabled?: boolean }): Promise<WebhookEndpointView> {
      const changesMore = input.url !== undefined || input.description !== undefined || input.eventTypes !== undefined;
      const row = changesMore ? await unmanaged(id, 'change it there.') : await existing(id);
      const nowMs = deps.now();
      const url = input.url === undefined ? undefined : (await deps.policy.check(input.url)).toString();
      const turningOn = input.enabled === true && row.state === 'disabled';
      const turningOff = input.enabled === false && row.state === 'enabled';
      await repository.updateEndpoint(id, {
        ...(url === undefined ? {} : { url }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.eventTypes === undefined ? {} : { event_types: JSON.stringify([...new Set(input.eventTypes)]) }),
        ...(turningOn ? { state: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null } : {}),
        ...(turningOff ? { state: 'disabled', disabled_reason: 'owner', disabled_at: nowMs } : {}),
        updated_at: nowMs,
      });
      if (turningOn) await repository.resume(id, nowMs);
      return viewOf(await existing(id));
    },

    /** Removes an endpoint with its queue. */
    async remove(id: number): Promise<void> {
      await unmanaged(id, 'remove it there.');
      if (!(await repository.deleteEndpoint(id))) throw new IntegrationsError('integrations.not_found', 'There is no such webhook endpoint.');
    },
  };

  const deliveries = {
    /** An endpoint's deliveries, newest first. */
    async list(endpointId: number, limit = 50, beforeId?: number) {
      await existing(endpointId);
      return (await repository.deliveriesOf(endpointId, limit, beforeId)).map((row) => ({
        id: Number(row.id),
        eventId: row.event_id,
        type: row.type,
        resource: { type: row.resource_type, id: row.resource_id },
        sequence: row.sequence,
        status: row.status,
        attempts: row.attempts,
        nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
        lastAttemptAt: row.last_attempt_at,
        lastStatus: row.last_status,
        lastError: row.last_error,
        deliveredAt: row.delivered_at,
        createdAt: row.created_at,
      }));
    },

    /** Sends a delivery's event again (the same event id), after what the record has pending. */
    async redeliver(endpointId: number, deliveryId: number): Promise<void> {
      const delivery = await repository.delivery(deliveryId);
      if (!delivery || delivery.endpoint_id !== endpointId) throw new IntegrationsError('integrations.not_found', 'There is no such delivery.');
      const nowMs = deps.now();
      await repository.insertDeliveries([
        { endpoint_id: endpointId, event_row_id: delivery.event_row_id, resource_key: delivery.resource_key, status: 'pending', attempts: 0, next_attempt_at: nowMs, claimed_until: null, last_attempt_at: null, last_status: null, last_error: null, delivered_at: null, created_at: nowMs },
      ]);
    },
  };

  return { endpoints, deliveries };
}
