/**
 * Where the modules' events go: written with a delivery per subscribed endpoint in the
 * transaction of the change they describe, each numbered within its record.
 */
import type { DbExecutor } from '../../db/database.ts';
import type { EventSink, LavkaEvent } from '../../platform/events.ts';
import { createWebhooksRepository } from './integrations.webhooks.repository.ts';
import { eventTypesOf, randomId, type WebhooksDeps } from './integrations.webhooks.shared.ts';

/** The sink the app connects the modules' events to. */
export function createWebhookSink(deps: Pick<WebhooksDeps, 'now'>): EventSink {
  return {
  async record(executor: DbExecutor, event: LavkaEvent) {
    const scoped = createWebhooksRepository(executor);
    const subscribed = (await scoped.endpoints()).filter((row) => eventTypesOf(row).includes(event.type));
    // Nobody listens: nothing is written (the sequence is per record and event kept, so a
    // later subscriber starts at the next number it hears, which it may treat as its first).
    if (subscribed.length === 0) return;
    const nowMs = deps.now();
    const resourceId = String(event.resource.id);
    const sequence = await scoped.nextSequence(event.resource.type, resourceId);
    const eventId = `evt_${randomId(24)}`;
    const body = JSON.stringify({ id: eventId, type: event.type, timestamp: new Date(nowMs).toISOString(), sequence, resource: { type: event.resource.type, id: resourceId }, data: event.data });
    const eventRowId = await scoped.insertEvent({ event_id: eventId, type: event.type, resource_type: event.resource.type, resource_id: resourceId, sequence, body, created_at: nowMs });
    const resourceKey = `${event.resource.type}:${resourceId}`.slice(0, 100);
    await scoped.insertDeliveries(
      subscribed.map((endpoint) => ({
        endpoint_id: endpoint.id,
        event_row_id: eventRowId,
        resource_key: resourceKey,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: nowMs,
        claimed_until: null,
        last_attempt_at: null,
        last_status: null,
        last_error: null,
        delivered_at: null,
        created_at: nowMs,
      })),
    );
  },
  };
}
