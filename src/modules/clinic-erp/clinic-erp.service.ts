/**
 * The clinic's ERP as the clinic modules use it: the one client, the change feed that tells
 * the modules what the clinic's staff changed in the ERP, and how it is doing.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { OutgoingPolicy } from '../../platform/outgoing.ts';
import { createClinicErpClient } from './clinic-erp.client.ts';
import { createClinicErpLeases } from './clinic-erp.lease.ts';
import type { ClinicErpConfig } from './clinic-erp.config.ts';
import { erpChanges, type ErpChange } from './clinic-erp.contract.ts';
import { createClinicErpOutbox } from './clinic-erp.outbox.ts';
import { createClinicErpRounds } from './clinic-erp.rounds.ts';

/** Applies one change of the ERP's feed; throws to be given the same change again later. */
export type ErpChangeHandler = (change: ErpChange) => Promise<void>;

/** What the service needs. */
export interface ClinicErpServiceDeps {
  db: Db;
  config: ClinicErpConfig;
  token: string;
  policy: OutgoingPolicy;
  logger: Logger;
  now(): number;
  /** Tells the staff chats that the ERP stopped answering (`paused`) or answers again. */
  tellStaff(event: 'paused' | 'resumed', reason: string): Promise<void>;
}

const FEED_CURSOR = 'changes';
const FEED_PAGE = 100;
/** How long a round holds the feed without renewing (it renews before each page). */
const FEED_LEASE_MS = 2 * 60_000;

/** The clinic ERP connector's service. */
export function createClinicErpService(deps: ClinicErpServiceDeps) {
  const tell = (event: 'paused' | 'resumed', reason: string) => {
    deps.tellStaff(event, reason).catch((error: unknown) => deps.logger.error({ err: error }, 'could not tell the staff about the clinic ERP'));
  };
  const client = createClinicErpClient({
    config: deps.config,
    token: deps.token,
    policy: deps.policy,
    logger: deps.logger,
    now: deps.now,
    onPause: (reason) => tell('paused', reason),
    onResume: () => tell('resumed', ''),
  });
  const handlers = new Map<string, ErpChangeHandler>();
  const outbox = createClinicErpOutbox({ db: deps.db, client, logger: deps.logger, now: deps.now });
  const rounds = createClinicErpRounds({ db: deps.db, now: deps.now });
  const leases = createClinicErpLeases({ db: deps.db, now: deps.now });

  const cursor = async (): Promise<string> =>
    (await deps.db.selectFrom('clinic_erp_cursors').select('value').where('name', '=', FEED_CURSOR).executeTakeFirst())?.value ?? '0';
  const saveCursor = async (value: string) => {
    const nowMs = deps.now();
    await deps.db
      .insertInto('clinic_erp_cursors')
      .values({ name: FEED_CURSOR, value, updated_at: nowMs })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ value, updated_at: nowMs }))
      .execute();
  };

  /** Applies one page of the feed from the cursor, in order, moving the cursor past each change; returns how many it had. */
  const followPage = async (): Promise<number> => {
    const since = await cursor();
    const answer = await client.call('changes', { query: { since, limit: FEED_PAGE }, answer: erpChanges });
    for (const change of answer.changes) {
      const handler = handlers.get(change.type);
      if (handler) await handler(change);
      else deps.logger.debug({ type: change.type }, 'a change of the clinic ERP Lavka has no use for');
      await saveCursor(change.id);
    }
    if (answer.next_cursor !== undefined && answer.next_cursor !== null && String(answer.next_cursor) !== since) await saveCursor(String(answer.next_cursor));
    return answer.changes.length;
  };

  return {
    client,
    config: deps.config,

    /**
     * Queues a write the ERP is owed (a ticket, a score, a payment) in the caller's
     * transaction; a job sends it with back-off until the ERP takes it, under its
     * idempotency key. False when that key was queued before.
     */
    send: outbox.send,

    /** Replaces the body of a queued write not sent yet and makes it due now; false when it was sent already. */
    amendQueued: outbox.amend,

    /** Registers what the module that queues `operation` does with the ERP's answer (keep its id). */
    onDelivered: outbox.onDelivered,

    /** Sends the queued writes that are due (the `clinic-erp.outbox` job); returns how many the ERP took. */
    deliverOutbox: outbox.deliverDue,

    /** A queued write by its idempotency key: pending, sent (with the ERP's answer) or refused. */
    outboxStatus: outbox.status,

    /** Registers a round of background work with the ERP (`directory`, `repair`) that the panel shows and can start. */
    registerRound: rounds.register,

    /** Runs a round now and records how it went; the ERP being down is recorded, not thrown. */
    runRound: rounds.run,

    /**
     * What the panel shows: where the ERP is, whether calls go through, each round's last
     * outcome and the queue of writes the ERP is owed.
     */
    async overview() {
      const { state, lastFailure } = client.state();
      const queue = await deps.db.selectFrom('clinic_erp_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
      const refused = await deps.db
        .selectFrom('clinic_erp_outbox')
        .select(['operation', 'idempotency_key', 'last_error', 'created_at'])
        .where('status', 'in', ['refused', 'expired'])
        .orderBy('id', 'desc')
        .limit(10)
        .execute();
      return {
        url: deps.config.url,
        state,
        lastFailure: lastFailure || null,
        rounds: await rounds.last(),
        queue: Object.fromEntries(queue.map((row) => [row.status, Number(row.count)])) as Partial<Record<'pending' | 'sent' | 'refused' | 'expired', number>>,
        refused: refused.map((row) => ({ operation: row.operation, key: row.idempotency_key, error: row.last_error, at: row.created_at })),
      };
    },

    /** Registers what a module does with one type of change (`appointment.cancelled`, `document.ready`). */
    onChange(type: string, handler: ErpChangeHandler): void {
      handlers.set(type, handler);
    },

    /**
     * Reads the ERP's changes since the last one applied and hands each to its module, in
     * order. A change that fails stops the round there; the next round starts with it again.
     * Returns how many were applied: none when another round (here or on another instance)
     * is following the feed already.
     */
    async followChanges(): Promise<number> {
      // One round at a time across instances: another one under way already applies these changes.
      const applied = await leases.hold(FEED_CURSOR, FEED_LEASE_MS, async (lease) => {
        let count = 0;
        for (let page = 0; page < 10; page += 1) {
          // Lost (this round outlived its lease and another took it): that one goes on from the cursor.
          if (page > 0 && !(await lease.renew())) break;
          const onPage = await followPage();
          count += onPage;
          if (onPage < FEED_PAGE) break;
        }
        return count;
      });
      return applied ?? 0;
    },

    /** For `/health/ready`: whether calls go through, and the last failure when they do not. */
    health(): { ok: boolean; detail?: string } {
      const { state, lastFailure } = client.state();
      return state === 'closed' ? { ok: true } : { ok: false, detail: `${state === 'open' ? 'paused after repeated failures' : 'trying again'}: ${lastFailure}` };
    },
  };
}

/** The clinic ERP connector's service. */
export type ClinicErpService = ReturnType<typeof createClinicErpService>;
