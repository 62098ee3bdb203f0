/**
 * What the parts of the webhooks share: their settings and dependencies, an endpoint as it is
 * shown, the back-off schedule and event ids.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, DbExecutor } from '../../db/database.ts';
import { isEventType, type EventType } from '../../platform/events.ts';
import type { OutgoingAnswer, OutgoingPolicy } from '../../platform/outgoing.ts';
import type { WebhookEndpointRecord } from './integrations.tables.ts';

/** How webhooks are delivered (`settings.integrations.webhooks`). */
export interface WebhookSettings {
  /** The first retry after a failure; later ones wait 6, 24, 60 … times longer, at most 8 hours. */
  firstRetryMs: number;
  /** An endpoint failing this long is turned off and the owner told. */
  disableAfterHours: number;
  /** How long the queue of a turned-off endpoint is kept. */
  keepDays: number;
  /** How long a receiver has to answer. */
  timeoutMs: number;
}

/** Multiples of the first retry: 5 s, 30 s, 2 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, then every 8 h. */
const BACKOFF = [1, 6, 24, 60, 180, 360, 720, 1440, 2880, 5760];
const MAX_RETRY_MS = 8 * 3600_000;
/** Deliveries sent at once by one instance (each to a different record or endpoint). */
export const PARALLEL = 8;
/** Delivered deliveries and their events are kept this long for the panel. */
export const HISTORY_MS = 30 * 86_400_000;

/** The wait before attempt number `attempts + 1`. */
export function retryDelayMs(settings: Pick<WebhookSettings, 'firstRetryMs'>, attempts: number): number {
  const factor = BACKOFF[Math.min(attempts, BACKOFF.length) - 1] ?? 1;
  return Math.min(MAX_RETRY_MS, settings.firstRetryMs * factor);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomId = (length: number) =>
  Array.from(randomBytes(length * 2))
    .filter((byte) => byte < 248)
    .slice(0, length)
    .map((byte) => ALPHABET[byte % 62])
    .join('');

/** An endpoint as the panel and the API show it (its secret only where asked for). */
export interface WebhookEndpointView {
  id: number;
  url: string;
  description: string;
  eventTypes: EventType[];
  state: 'enabled' | 'disabled';
  disabledReason: 'owner' | 'failing' | null;
  disabledAt: number | null;
  failingSince: number | null;
  /** The connector the config file sets it up for (`orders_backend`); null for the owner's own. */
  managedBy: string | null;
  createdAt: number;
}

export function eventTypesOf(row: WebhookEndpointRecord): EventType[] {
  try {
    const parsed: unknown = JSON.parse(row.event_types);
    return Array.isArray(parsed) ? parsed.filter((item): item is EventType => typeof item === 'string' && isEventType(item)) : [];
  } catch {
    return [];
  }
}

export const viewOf = (row: WebhookEndpointRecord): WebhookEndpointView => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: eventTypesOf(row),
  state: row.state,
  disabledReason: row.disabled_reason,
  disabledAt: row.disabled_at,
  failingSince: row.failing_since,
  managedBy: row.managed_by,
  createdAt: row.created_at,
});

/**
 * What a connector set up from the config file (the order back end) adds to the deliveries of
 * its endpoint: its own headers, and a reading of the answer that goes with accepting it.
 */
export interface ManagedEndpoint {
  /** Headers sent beside the signature (the token both sides share, an idempotency key). */
  headers(delivery: { eventId: string }): Record<string, string>;
  /**
   * Reads an accepted (2xx) answer in the transaction that marks the delivery delivered, so
   * what it stores and "delivered" commit together; throwing makes it a failed attempt,
   * retried, with the error's message as its last_error.
   */
  accept?(executor: DbExecutor, delivery: { eventId: string; type: string; body: string }, answer: OutgoingAnswer): Promise<void>;
}

/** What the webhooks need. */
export interface WebhooksDeps {
  db: Db;
  now(): number;
  policy: OutgoingPolicy;
  settings: WebhookSettings;
  logger: Logger;
  /** Tells the staff chats, in the transaction that turned it off, that an endpoint kept failing. */
  onDisabled(executor: DbExecutor, endpoint: WebhookEndpointView): Promise<void>;
  /** Replaces the HTTP call (tests of the schedule). */
  send?: (url: string, body: string, headers: Record<string, string>) => Promise<OutgoingAnswer>;
}
