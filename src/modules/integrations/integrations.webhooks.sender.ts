/**
 * Sending: what is due goes out signed (Standard Webhooks), claimed by one instance at a
 * time; a failure is tried again later, and an endpoint failing for a day is turned off with
 * its queue kept and the staff told. Old history is forgotten.
 */
import { Webhook } from 'standardwebhooks';
import { postThrough, type OutgoingAnswer } from '../../platform/outgoing.ts';
import { createWebhooksRepository, type DueDelivery } from './integrations.webhooks.repository.ts';
import { HISTORY_MS, PARALLEL, retryDelayMs, viewOf, type ManagedEndpoint, type WebhooksDeps } from './integrations.webhooks.shared.ts';

/** Sends due deliveries and looks after the queue; `managed` are the connectors' own parts, by name. */
export function createWebhookSender(deps: WebhooksDeps, managed: ReadonlyMap<string, ManagedEndpoint> = new Map()) {
  const repository = createWebhooksRepository(deps.db);
  const send = deps.send ?? ((url: string, body: string, headers: Record<string, string>) => postThrough(deps.policy, new URL(url), body, headers, deps.settings.timeoutMs));

  /** One attempt of one delivery: accepted, or scheduled again (and the endpoint turned off after a day of failures). */
  const attempt = async (delivery: DueDelivery): Promise<boolean> => {
    const startedMs = deps.now();
    let answer: OutgoingAnswer | undefined;
    let error: string | undefined;
    const connector = delivery.managedBy === null ? undefined : managed.get(delivery.managedBy);
    try {
      // A connector's endpoint left in the database by a config this instance does not run is not called without its headers.
      if (delivery.managedBy !== null && !connector) throw new Error(`${delivery.managedBy} is not configured on this instance`);
      const signer = new Webhook(delivery.secret.replace(/^whsec_/, ''));
      const signature = signer.sign(delivery.eventId, new Date(startedMs), delivery.body);
      answer = await send(delivery.url, delivery.body, {
        ...connector?.headers({ eventId: delivery.eventId }),
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(startedMs / 1000)),
        'webhook-signature': signature,
      });
    } catch (caught) {
      error = (caught as Error).message;
    }
    const nowMs = deps.now();
    if (answer && answer.status >= 200 && answer.status < 300) {
      try {
        const accept = connector?.accept;
        if (accept) {
          const accepted = answer;
          await deps.db.transaction().execute(async (trx) => {
            await accept(trx, { eventId: delivery.eventId, type: delivery.type, body: delivery.body }, accepted);
            await createWebhooksRepository(trx).delivered(delivery.id, nowMs, accepted.status);
          });
        } else {
          await repository.delivered(delivery.id, nowMs, answer.status);
        }
        await repository.markHealthy(delivery.endpointId);
        return true;
      } catch (caught) {
        // The receiver said yes but its answer cannot be used: nothing of it was stored, and it is asked again.
        error = `HTTP ${answer.status}, answer refused: ${(caught as Error).message}`;
      }
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
