import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Db, DbExecutor } from '../../db/database.ts';
import { isEventType, type EventSink, type EventType, type LavkaEvent } from '../../platform/events.ts';
import { postThrough, type OutgoingAnswer, type OutgoingPolicy } from '../../platform/outgoing.ts';
import { IntegrationsError } from './integrations.errors.ts';
import type { WebhookEndpointRecord } from './integrations.tables.ts';
import { createWebhooksRepository, type DueDelivery } from './integrations.webhooks.repository.ts';

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
const PARALLEL = 8;
/** Delivered deliveries and their events are kept this long for the panel. */
const HISTORY_MS = 30 * 86_400_000;

/** The wait before attempt number `attempts + 1`. */
export function retryDelayMs(settings: Pick<WebhookSettings, 'firstRetryMs'>, attempts: number): number {
  const factor = BACKOFF[Math.min(attempts, BACKOFF.length) - 1] ?? 1;
  return Math.min(MAX_RETRY_MS, settings.firstRetryMs * factor);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomId = (length: number) =>
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
  createdAt: number;
}

function eventTypesOf(row: WebhookEndpointRecord): EventType[] {
  try {
    const parsed: unknown = JSON.parse(row.event_types);
    return Array.isArray(parsed) ? parsed.filter((item): item is EventType => typeof item === 'string' && isEventType(item)) : [];
  } catch {
    return [];
  }
}

const viewOf = (row: WebhookEndpointRecord): WebhookEndpointView => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: eventTypesOf(row),
  state: row.state,
  disabledReason: row.disabled_reason,
  disabledAt: row.disabled_at,
  failingSince: row.failing_since,
  createdAt: row.created_at,
});

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

/**
 * Outgoing webhooks, signed as the Standard Webhooks specification says. Events are written
 * in the transaction of the change they describe, with one delivery per subscribed endpoint;
 * a delivery is sent until the receiver accepts it (2xx), at least once, with back-off; the
 * next event of a record does not leave before the previous one was accepted; an endpoint
 * failing for a day is turned off with its queue kept, and resumes in order when turned on.
 */
export function createWebhooks(deps: WebhooksDeps) {
  const repository = createWebhooksRepository(deps.db);
  const send = deps.send ?? ((url: string, body: string, headers: Record<string, string>) => postThrough(deps.policy, new URL(url), body, headers, deps.settings.timeoutMs));

  const existing = async (id: number) => {
    const row = await repository.endpoint(id);
    if (!row) throw new IntegrationsError('integrations.not_found', 'There is no such webhook endpoint.');
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
      return (await existing(id)).secret;
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
        created_by: input.createdBy,
        created_at: nowMs,
        updated_at: nowMs,
      });
      return { endpoint: viewOf(row), secret };
    },

    /** Changes an endpoint; turning it back on makes its kept queue due at once, in order. */
    async update(id: number, input: { url?: string; description?: string; eventTypes?: readonly EventType[]; enabled?: boolean }): Promise<WebhookEndpointView> {
      const row = await existing(id);
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

  /** Writes an event and a delivery per endpoint that wants it, in the caller's transaction. */
  const sink: EventSink = {
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

  /** One attempt of one delivery: accepted, or scheduled again (and the endpoint turned off after a day of failures). */
  const attempt = async (delivery: DueDelivery): Promise<boolean> => {
    const startedMs = deps.now();
    let answer: OutgoingAnswer | undefined;
    let error: string | undefined;
    try {
      const signer = new Webhook(delivery.secret.replace(/^whsec_/, ''));
      const signature = signer.sign(delivery.eventId, new Date(startedMs), delivery.body);
      answer = await send(delivery.url, delivery.body, { 'webhook-id': delivery.eventId, 'webhook-timestamp': String(Math.floor(startedMs / 1000)), 'webhook-signature': signature });
    } catch (caught) {
      error = (caught as Error).message;
    }
    const nowMs = deps.now();
    if (answer && answer.status >= 200 && answer.status < 300) {
      await repository.delivered(delivery.id, nowMs, answer.status);
      await repository.markHealthy(delivery.endpointId);
      return true;
    }
    const attempts = delivery.attempts + 1;
    await repository.failed(delivery.id, nowMs, {
      status: answer?.status ?? null,
      error: error ?? `HTTP ${answer?.status ?? 0}${answer?.body ? `: ${answer.body.slice(0, 200)}` : ''}`,
      nextAttemptAt: nowMs + retryDelayMs(deps.settings, attempts),
    });
    const failingSince = await repository.markFailing(delivery.endpointId, nowMs);
    if (nowMs - failingSince >= deps.settings.disableAfterHours * 3600_000) {
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createWebhooksRepository(trx);
        if (!(await scoped.disableFailing(delivery.endpointId, nowMs))) return;
        const row = await scoped.endpoint(delivery.endpointId);
        if (row) await deps.onDisabled(trx, viewOf(row));
      });
      deps.logger.warn({ endpointId: delivery.endpointId }, 'a webhook endpoint kept failing and was turned off; its queue is kept');
    }
    return false;
  };

  return {
    endpoints,
    deliveries,
    sink,

    /**
     * Sends what is due, a few at a time (each a different record or endpoint), claiming each
     * so that instances never send one twice at once; repeats while deliveries succeed, so a
     * record's next event follows its previous one without waiting for the next round.
     */
    async deliverDue(): Promise<number> {
      let sent = 0;
      for (let round = 0; round < 20; round += 1) {
        const nowMs = deps.now();
        const due = await repository.due(nowMs, 50);
        if (due.length === 0) break;
        let accepted = 0;
        for (let index = 0; index < due.length; index += PARALLEL) {
          const batch = due.slice(index, index + PARALLEL);
          const results = await Promise.all(
            batch.map(async (delivery) => ((await repository.claim(delivery.id, nowMs, nowMs + deps.settings.timeoutMs + 10_000)) ? attempt(delivery) : false)),
          );
          accepted += results.filter(Boolean).length;
        }
        sent += accepted;
        if (accepted === 0) break;
      }
      return sent;
    },

    /** Gives up the queues of endpoints off for longer than they are kept, and forgets old history. */
    async maintain(): Promise<void> {
      const nowMs = deps.now();
      await repository.expireQueued(nowMs - deps.settings.keepDays * 86_400_000);
      await repository.pruneHistory(nowMs - HISTORY_MS);
    },
  };
}

/** The webhooks of the integrations module. */
export type Webhooks = ReturnType<typeof createWebhooks>;
