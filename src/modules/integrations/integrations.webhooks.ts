import { createWebhookEndpoints } from './integrations.webhooks.endpoints.ts';
import { createManagedEndpoints } from './integrations.webhooks.managed.ts';
import { createWebhookSender } from './integrations.webhooks.sender.ts';
import type { WebhooksDeps } from './integrations.webhooks.shared.ts';
import { createWebhookSink } from './integrations.webhooks.sink.ts';

export { retryDelayMs, type ManagedEndpoint, type WebhookEndpointView, type WebhookSettings, type WebhooksDeps } from './integrations.webhooks.shared.ts';
export type { ManagedEndpointConfig } from './integrations.webhooks.managed.ts';

/**
 * Outgoing webhooks, signed as the Standard Webhooks specification says. Events are written
 * in the transaction of the change they describe, with one delivery per subscribed endpoint;
 * a delivery is sent until the receiver accepts it (2xx), at least once, with back-off; the
 * next event of a record does not leave before the previous one was accepted; an endpoint
 * failing for a day is turned off with its queue kept, and resumes in order when turned on.
 * Connectors (the order back end) have an endpoint of their own, set up from the config file.
 */
export function createWebhooks(deps: WebhooksDeps) {
  const { handlers, manage, unmanage } = createManagedEndpoints(deps);
  return {
    ...createWebhookEndpoints(deps),
    manage,
    unmanage,
    sink: createWebhookSink(deps),
    ...createWebhookSender(deps, handlers),
  };
}

/** The webhooks of the integrations module. */
export type Webhooks = ReturnType<typeof createWebhooks>;
