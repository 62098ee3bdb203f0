import { createWebhookEndpoints } from './integrations.webhooks.endpoints.ts';
import { createWebhookSender } from './integrations.webhooks.sender.ts';
import type { WebhooksDeps } from './integrations.webhooks.shared.ts';
import { createWebhookSink } from './integrations.webhooks.sink.ts';

export { retryDelayMs, type WebhookEndpointView, type WebhookSettings, type WebhooksDeps } from './integrations.webhooks.shared.ts';

/**
 * Outgoing webhooks, signed as the Standard Webhooks specification says. Events are written
 * in the transaction of the change they describe, with one delivery per subscribed endpoint;
 * a delivery is sent until the receiver accepts it (2xx), at least once, with back-off; the
 * next event of a record does not leave before the previous one was accepted; an endpoint
 * failing for a day is turned off with its queue kept, and resumes in order when turned on.
 */
export function createWebhooks(deps: WebhooksDeps) {
  return {
    ...createWebhookEndpoints(deps),
    sink: createWebhookSink(deps),
    ...createWebhookSender(deps),
  };
}

/** The webhooks of the integrations module. */
export type Webhooks = ReturnType<typeof createWebhooks>;
