/**
 * Writes Lavka owes the clinic's ERP (a patient's ticket, a score, a payment taken in Lavka):
 * queued in the transaction of the change they report, sent by a job with back-off until the
 * ERP takes them, each under its idempotency key so that a repeat (a retry, two instances, a
 * crash after the ERP answered) is one write in the ERP. What Lavka does itself never waits
 * for the ERP.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { ClinicErpClient } from './clinic-erp.client.ts';
import type { ErpOperation } from './clinic-erp.config.ts';
import { ClinicErpError, isErpUnavailable } from './clinic-erp.errors.ts';

/** One write for the ERP, as a module queues it. */
export interface ErpOutgoingWrite {
  /** A write of the contract (`supportTicket`, `feedback`, `paymentReport`); always POSTed. */
  operation: ErpOperation;
  /** In the contract's field names (the config's mapping renames them on the way out). */
  body: Record<string, unknown>;
  /**
   * Names the write for good, e.g. `ticket:42`: sent as `Idempotency-Key`, and a second
   * `send` with the same key queues nothing.
   */
  idempotencyKey: string;
  /** Not sent before this time (a score waits a little for its comment). Default: at once. */
  notBeforeMs?: number;
}

/** A write the ERP took, with its answer, for the module that queued it. */
export interface ErpDelivered {
  idempotencyKey: string;
  body: Record<string, unknown>;
  /** The ERP's answer in the contract's names (unvalidated: the module checks what it reads). */
  answer: unknown;
}

/**
 * What a module does once the ERP took one of its writes (keep the ERP's ticket id), in the
 * transaction that marks it sent; throwing leaves it queued, and the ERP's idempotency makes
 * the next attempt return the same answer.
 */
export type ErpDeliveredHandler = (executor: DbExecutor, delivered: ErpDelivered) => Promise<void>;

/** What the outbox needs. */
export interface ClinicErpOutboxDeps {
  db: Db;
  client: Pick<ClinicErpClient, 'call'>;
  logger: Logger;
  now(): number;
}

/** The waits after the 1st, 2nd, … failed attempt; the last one repeats. */
const BACKOFF_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const;
/** A write the ERP has not taken in this long is given up (and logged): the ERP has been down for a week. */
const GIVE_UP_AFTER_MS = 7 * 86_400_000;
/** How long an instance holds a row it is sending (longer than a call with its retry). */
const CLAIM_MS = 120_000;
const BATCH = 20;

/** Any JSON the ERP answers a write with; an empty answer reads as `{}`. */
const anyAnswer = z.unknown();

/** How long to wait after `attempts` failed attempts. */
export function outboxRetryDelayMs(attempts: number): number {
  return BACKOFF_MS[Math.min(Math.max(attempts, 1), BACKOFF_MS.length) - 1]!;
}

/** The clinic ERP's outbox: queueing in the caller's transaction, and the sending job. */
export function createClinicErpOutbox(deps: ClinicErpOutboxDeps) {
  const handlers = new Map<string, ErpDeliveredHandler>();

  const attempt = async (row: { id: number; idempotency_key: string; operation: string; body: string; attempts: number; created_at: number }): Promise<'sent' | 'refused' | 'failed'> => {
    const body = JSON.parse(row.body) as Record<string, unknown>;
    const operation = row.operation as ErpOperation;
    try {
      const answer = await deps.client.call(operation, { method: 'POST', body, idempotencyKey: row.idempotency_key, answer: anyAnswer });
      const nowMs = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        await handlers.get(operation)?.(trx, { idempotencyKey: row.idempotency_key, body, answer });
        await trx
          .updateTable('clinic_erp_outbox')
          .set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), sent_at: nowMs, answer: JSON.stringify(answer ?? null).slice(0, 4000), last_error: null, claimed_until: null }))
          .where('id', '=', row.id)
          .execute();
      });
      return 'sent';
    } catch (error) {
      const nowMs = deps.now();
      const reason = (error as Error).message.slice(0, 300);
      const refused = error instanceof ClinicErpError && !isErpUnavailable(error);
      const expired = !refused && nowMs - row.created_at >= GIVE_UP_AFTER_MS;
      if (refused || expired) deps.logger.warn({ operation, key: row.idempotency_key, reason }, refused ? 'the clinic ERP refused a write Lavka owed it' : 'a write for the clinic ERP was given up after a week');
      else if (!(error instanceof ClinicErpError)) deps.logger.error({ err: error, operation, key: row.idempotency_key }, 'a write for the clinic ERP failed in Lavka');
      await deps.db
        .updateTable('clinic_erp_outbox')
        .set((eb) => ({
          status: refused ? 'refused' : expired ? 'expired' : 'pending',
          attempts: eb('attempts', '+', 1),
          next_attempt_at: nowMs + outboxRetryDelayMs(row.attempts + 1),
          last_error: reason,
          claimed_until: null,
        }))
        .where('id', '=', row.id)
        .execute();
      return refused || expired ? 'refused' : 'failed';
    }
  };

  return {
    /**
     * Queues a write for the ERP in `executor` (the caller's transaction: it is owed exactly
     * when the change it reports is stored). False when one with this key was queued before.
     */
    async send(executor: DbExecutor, write: ErpOutgoingWrite): Promise<boolean> {
      const nowMs = deps.now();
      const inserted = await executor
        .insertInto('clinic_erp_outbox')
        .values({
          idempotency_key: write.idempotencyKey,
          operation: write.operation,
          body: JSON.stringify(write.body),
          status: 'pending',
          attempts: 0,
          next_attempt_at: write.notBeforeMs ?? nowMs,
          claimed_until: null,
          last_error: null,
          answer: null,
          sent_at: null,
          created_at: nowMs,
        })
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    /**
     * Replaces the body of a write not sent yet (the comment that followed a score) and
     * makes it due now. False when it is gone already: the ERP has the first body.
     */
    async amend(executor: DbExecutor, idempotencyKey: string, body: Record<string, unknown>): Promise<boolean> {
      const nowMs = deps.now();
      const result = await executor
        .updateTable('clinic_erp_outbox')
        .set({ body: JSON.stringify(body), next_attempt_at: nowMs })
        .where('idempotency_key', '=', idempotencyKey)
        .where('status', '=', 'pending')
        // One being sent right now keeps its body: the ERP may be taking it.
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Registers what the module that queues `operation` does with the ERP's answer. */
    onDelivered(operation: ErpOperation, handler: ErpDeliveredHandler): void {
      handlers.set(operation, handler);
    },

    /**
     * Sends what is due, oldest first, each claimed so that two instances never send one at
     * the same time. Stops at the first "ERP down": the rest would fail the same way.
     * Returns how many the ERP took.
     */
    async deliverDue(): Promise<number> {
      let sent = 0;
      for (let round = 0; round < 10; round += 1) {
        const nowMs = deps.now();
        const due = await deps.db
          .selectFrom('clinic_erp_outbox')
          .select(['id', 'idempotency_key', 'operation', 'body', 'attempts', 'created_at'])
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', nowMs)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(BATCH)
          .execute();
        if (due.length === 0) break;
        for (const row of due) {
          const claimed = await deps.db
            .updateTable('clinic_erp_outbox')
            .set({ claimed_until: nowMs + CLAIM_MS })
            .where('id', '=', row.id)
            .where('status', '=', 'pending')
            .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
            .executeTakeFirst();
          if (Number(claimed.numUpdatedRows) === 0) continue;
          const outcome = await attempt({ ...row, id: Number(row.id) });
          if (outcome === 'sent') sent += 1;
          if (outcome === 'failed') return sent;
        }
        if (due.length < BATCH) break;
      }
      return sent;
    },

    /** A queued write by its key (for the panel, the tests and the module that queued it). */
    status(executor: DbExecutor, idempotencyKey: string) {
      return executor.selectFrom('clinic_erp_outbox').select(['status', 'attempts', 'last_error', 'answer', 'sent_at', 'next_attempt_at']).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    },
  };
}

/** The clinic ERP's outbox. */
export type ClinicErpOutbox = ReturnType<typeof createClinicErpOutbox>;
