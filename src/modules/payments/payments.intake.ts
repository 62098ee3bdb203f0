import { randomUUID } from 'node:crypto';
import type { PaymentEventRecord, ProviderId } from './payments.tables.ts';
import type { CallbackRequest, ProviderEvent } from './payments.types.ts';
import type { PaymentsShared } from './payments.shared.ts';

/** The key a provider event is stored under: a replay of the same confirmation is the same row. */
export function eventKey(event: Pick<ProviderEvent, 'provider' | 'externalId' | 'kind'>): string {
  return `${event.provider}:${event.externalId}:${event.kind}`.slice(0, 200);
}

/** Storing what providers deliver: each event once under its key, and refused callbacks as a trail. */
export function createPaymentsIntake(shared: PaymentsShared) {
  const { deps, logger, repository } = shared;

  /** Stores a provider event (once per key) and returns it. */
  async function ingest(event: ProviderEvent): Promise<PaymentEventRecord> {
    const { event: row } = await repository.insertEvent({
      provider: event.provider,
      event_key: eventKey(event),
      payment_id: null,
      status: 'received',
      payload: JSON.stringify(event),
      error: null,
      attempts: 0,
      received_at: deps.now(),
      processed_at: null,
    });
    return row;
  }

  /** Records a callback that failed verification, so forged or broken deliveries leave a trail. */
  async function recordRejectedCallback(provider: ProviderId, code: string, detail: string, request: CallbackRequest): Promise<void> {
    logger.warn({ provider, code, detail, ip: request.ip }, 'payment callback refused: nothing credited');
    await repository.insertEvent({
      provider,
      event_key: `rejected:${randomUUID()}`,
      payment_id: null,
      status: 'rejected',
      payload: JSON.stringify({ ip: request.ip, body: request.rawBody.toString('utf8').slice(0, 4000) }),
      error: `${code}: ${detail}`.slice(0, 500),
      attempts: 0,
      received_at: deps.now(),
      processed_at: deps.now(),
    });
  }

  return { ingest, recordRejectedCallback };
}
