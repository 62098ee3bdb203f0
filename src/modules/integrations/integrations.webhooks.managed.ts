/**
 * Endpoints the config file sets up for a connector (the order back end): created or brought
 * in step with the file at start-up, shown with the owner's endpoints but changed only there.
 */
import type { EventType } from '../../platform/events.ts';
import { createWebhooksRepository } from './integrations.webhooks.repository.ts';
import { viewOf, type ManagedEndpoint, type WebhookEndpointView, type WebhooksDeps } from './integrations.webhooks.shared.ts';

/** What the config file says of a connector's endpoint. */
export interface ManagedEndpointConfig {
  url: string;
  eventTypes: readonly EventType[];
  description: string;
  /** `whsec_…`: the Standard Webhooks secret both sides know. */
  secret: string;
}

/** The connectors' endpoints and their parts in sending (`handlers`, read by the sender). */
export function createManagedEndpoints(deps: WebhooksDeps) {
  const repository = createWebhooksRepository(deps.db);
  const handlers = new Map<string, ManagedEndpoint>();
  return {
    handlers: handlers as ReadonlyMap<string, ManagedEndpoint>,

    /**
     * Sets up connector `name`'s endpoint as the config file says (the URL through the outgoing
     * policy), keeping its queue and its state: one the owner paused or that kept failing stays
     * off until resumed in the panel. `handler` is used for its deliveries from now on.
     */
    async manage(name: string, config: ManagedEndpointConfig, handler: ManagedEndpoint): Promise<WebhookEndpointView> {
      const url = (await deps.policy.check(config.url)).toString();
      const nowMs = deps.now();
      const values = { url, description: config.description, event_types: JSON.stringify([...new Set(config.eventTypes)]), secret: config.secret };
      await repository.insertManagedEndpoint({ ...values, state: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null, managed_by: name, created_by: 'config', created_at: nowMs, updated_at: nowMs });
      const row = await repository.endpointManagedBy(name);
      if (!row) throw new Error(`the ${name} webhook endpoint could not be stored`);
      if (row.url !== values.url || row.description !== values.description || row.event_types !== values.event_types || row.secret !== values.secret) {
        await repository.updateEndpoint(row.id, { ...values, updated_at: nowMs });
      }
      handlers.set(name, handler);
      return viewOf((await repository.endpointManagedBy(name)) ?? row);
    },

    /** Removes connector `name`'s endpoint and its queue: the config file no longer has it. */
    async unmanage(name: string): Promise<void> {
      handlers.delete(name);
      const row = await repository.endpointManagedBy(name);
      if (row) await repository.deleteEndpoint(row.id);
    },
  };
}
