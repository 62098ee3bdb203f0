import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * An API key the owner gave one of the business's systems. The secret itself is never stored:
 * only its HMAC-SHA-256 under the server's secret (a slow password hash would cost every
 * request milliseconds; a long random secret needs none).
 */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  /** The start of the secret (`lvk_live_AbCd1234`): shown in the panel and logs, and found by secret scanners. */
  prefix: string;
  /** UNIQUE: hex HMAC-SHA-256 of the whole secret. */
  secret_hash: string;
  /** JSON array of scopes (`["orders:read","orders:write"]`). */
  scopes: string;
  expires_at: EpochMs | null;
  revoked_at: EpochMs | null;
  /** Who made it (`staff:<id>`). */
  created_by: string;
  created_at: EpochMs;
  /** Recorded at most once a minute per key: every request would otherwise be a write. */
  last_used_at: EpochMs | null;
  last_used_ip: string | null;
}

/**
 * The first answer to each idempotency key of each API key, so that a retried request is not
 * done twice (kept a day). `status` is null while the first request runs.
 */
export interface ApiIdempotencyTable {
  key_id: number;
  idempotency_key: string;
  /** SHA-256 of method, path and body: another request with the same key is refused. */
  fingerprint: string;
  status: number | null;
  body: string | null;
  created_at: EpochMs;
}

/** Secrets Lavka generated for itself (the API keys' HMAC secret) when the environment gives none. */
export interface IntegrationSecretsTable {
  name: string;
  value: string;
  created_at: EpochMs;
}

/** Where the business wants to hear about events: a URL, the event types, and the secret that signs them. */
export interface WebhookEndpointsTable {
  id: Generated<number>;
  url: string;
  description: string;
  /** JSON array of event types. */
  event_types: string;
  /** `whsec_…` (Standard Webhooks): kept to sign every delivery. */
  secret: string;
  /** `disabled` endpoints keep their queue (7 days) and resume in order when enabled again. */
  state: 'enabled' | 'disabled';
  /** Why it is off: the owner turned it off, or it kept failing. */
  disabled_reason: 'owner' | 'failing' | null;
  disabled_at: EpochMs | null;
  /** Since when every attempt failed; cleared by a success. */
  failing_since: EpochMs | null;
  /**
   * The connector the config file sets this endpoint up for (`orders_backend`): it is shown
   * but not changed in the panel or the API, only paused and resumed; null for the owner's own.
   */
  managed_by: string | null;
  created_by: string;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** One event, written in the transaction of the change it describes; its body is signed as is. */
export interface WebhookEventsTable {
  id: Generated<number>;
  /** `evt_…`: the `webhook-id` header, the same on every delivery and redelivery. */
  event_id: string;
  type: string;
  resource_type: string;
  resource_id: string;
  /** 1, 2, 3… per record: receivers can tell order and gaps. */
  sequence: number;
  /** The JSON body sent. */
  body: string;
  created_at: EpochMs;
}

/** The last sequence number given to a record's events. */
export interface WebhookSequencesTable {
  resource_type: string;
  resource_id: string;
  value: number;
}

/** One event for one endpoint, until it is accepted (or expires with a disabled endpoint). */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  endpoint_id: number;
  /** webhook_events.id */
  event_row_id: number;
  /** `order:42`: deliveries of one record to one endpoint leave in order, one at a time. */
  resource_key: string;
  status: 'pending' | 'delivered' | 'expired';
  attempts: number;
  next_attempt_at: EpochMs;
  /** An instance sending it holds it until then. */
  claimed_until: EpochMs | null;
  last_attempt_at: EpochMs | null;
  /** The receiver's HTTP status; null when it could not be reached. */
  last_status: number | null;
  last_error: string | null;
  delivered_at: EpochMs | null;
  created_at: EpochMs;
}

/** A webhook endpoint as read. */
export type WebhookEndpointRecord = Selectable<WebhookEndpointsTable>;
/** A delivery as read. */
export type WebhookDeliveryRecord = Selectable<WebhookDeliveriesTable>;

/** An API key as read. */
export type ApiKeyRecord = Selectable<ApiKeysTable>;

declare module '../../db/schema.ts' {
  interface Database {
    api_keys: ApiKeysTable;
    api_idempotency: ApiIdempotencyTable;
    integration_secrets: IntegrationSecretsTable;
    webhook_endpoints: WebhookEndpointsTable;
    webhook_events: WebhookEventsTable;
    webhook_sequences: WebhookSequencesTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}
