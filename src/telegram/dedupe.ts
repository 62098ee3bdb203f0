import type { MiddlewareFn, Transformer } from 'grammy';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
import { unitsOf } from '../db/unit-of-work.ts';
import type { BotContext } from './context.ts';

/** Timing of update claims; tests shorten it. */
export interface DedupeTiming {
  /** How long a claim holds without a heartbeat before another instance may take the update over. */
  leaseMs: number;
  /** How often a running handler renews its claim. */
  heartbeatMs: number;
  /** How often a delivery waiting on another instance's claim looks again. */
  pollMs: number;
}

const DEFAULT_TIMING: DedupeTiming = { leaseMs: 30_000, heartbeatMs: 10_000, pollMs: 250 };

/** Duplicates dropped in a row before the log says so at warning level. */
const DUPLICATE_RUN_WARNING = 20;

/** Dependencies of {@link dedupeUpdates}. */
export interface DedupeDeps {
  db: Db;
  now?: () => number;
  timing?: Partial<DedupeTiming>;
  logger?: Logger;
}

/**
 * Handles each `update_id` once, and runs the update as one unit of work
 * (docs/decisions/0018): the mark that the update was handled, the session and the
 * handler's writes are committed together, in one transaction. Telegram re-delivers webhook
 * updates it thinks failed, a restarted poller fetches again what it had not confirmed, and
 * two instances may briefly both poll; the database decides which delivery handles an update.
 *
 * - The mark is the first statement of the update's transaction, written when the handler
 *   first writes or replies (replies wait for the commit), else when it is done: a handler
 *   that fails leaves no mark and no writes, so a resend is handled again; a process that
 *   dies mid-update leaves nothing committed.
 * - A second delivery of an update marked done is dropped before its handler runs; one that
 *   meets the mark of a delivery still in its transaction (another instance) waits for it on
 *   the row and is then dropped.
 * - A handler that runs longer than a heartbeat publishes a claim with a lease (renewed while
 *   it runs), so that a resend on another instance waits instead of handling it in parallel;
 *   a claim whose lease ran out (its process died) is taken over.
 */
export function dedupeUpdates(deps: DedupeDeps): MiddlewareFn<BotContext> {
  const { db } = deps;
  const units = unitsOf(db);
  const now = deps.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  // Updates this process is handling right now: a second delivery of one of them (a webhook
  // resend while the first is still running) is dropped, the first one will finish it.
  const inFlight = new Set<number>();
  let duplicatesInARow = 0;
  const outside = <T>(work: () => T): T => (units ? units.outside(work) : work());

  /** Resolves to the lease this delivery holds (null: none), or false for a duplicate. */
  const acquire = async (updateId: number): Promise<number | null | false> => {
    for (;;) {
      if (inFlight.has(updateId)) return false; // being handled right here
      const row = await db.selectFrom('processed_updates').select('claimed_until').where('update_id', '=', updateId).executeTakeFirst();
      if (!row) return null;
      if (row.claimed_until === null) return false; // done
      if (row.claimed_until < now()) {
        // The claimer is gone (its lease ran out): take the update over, unless another
        // delivery did so a moment earlier.
        const lease = now() + timing.leaseMs;
        const taken = await db
          .updateTable('processed_updates')
          .set({ claimed_until: lease, processed_at: now() })
          .where('update_id', '=', updateId)
          .where('claimed_until', '=', row.claimed_until)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) > 0) return lease;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
    }
  };

  const dropped = (ctx: BotContext, updateId: number) => {
    duplicatesInARow += 1;
    // One duplicate is Telegram being careful; a long run of them means updates are being
    // lost (an update counter that restarted, a shared database between two bots).
    if (duplicatesInARow === DUPLICATE_RUN_WARNING) {
      (deps.logger ?? ctx.log).warn(
        { update_id: updateId, dropped: duplicatesInARow },
        `${DUPLICATE_RUN_WARNING} updates in a row were dropped as already handled: is another bot using this database, or did the update numbering restart?`,
      );
    } else {
      ctx.log.debug('duplicate update dropped');
    }
  };

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const acquired = await acquire(updateId);
    if (acquired === false) return dropped(ctx, updateId);
    duplicatesInARow = 0;
    inFlight.add(updateId);
    // The lease this delivery holds on a published claim; null while it has none.
    let lease: number | null = acquired;
    let marked = false;
    /**
     * Marks the update done. Inside the unit it is the transaction's first statement; a
     * conflict means another delivery marked it first, and this one must change nothing.
     */
    const mark = async () => {
      const done = await db
        .insertInto('processed_updates')
        .values({ update_id: updateId, processed_at: now(), claimed_until: null })
        .onConflict((oc) => oc.column('update_id').doUpdateSet({ claimed_until: null, processed_at: now() }).where('processed_updates.claimed_until', '=', lease ?? -1))
        .executeTakeFirst();
      if (Number(done.numInsertedOrUpdatedRows ?? 0n) === 0) throw new DuplicateUpdateError(updateId);
      marked = true;
    };
    const heartbeat = setInterval(() => {
      const next = now() + timing.leaseMs;
      outside(() =>
        db
          .insertInto('processed_updates')
          .values({ update_id: updateId, processed_at: now(), claimed_until: next })
          .onConflict((oc) => oc.column('update_id').doUpdateSet({ claimed_until: next }).where('processed_updates.claimed_until', 'is not', null))
          .executeTakeFirst(),
      )
        .then((result) => {
          if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 && !marked) lease = next;
        })
        .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not renew the claim on an update'));
    }, timing.heartbeatMs);
    heartbeat.unref();
    const finish = () => {
      clearInterval(heartbeat);
      inFlight.delete(updateId);
    };

    if (!units) {
      // A database without units of work (not opened by createDatabase): mark after the handler.
      try {
        await next();
      } catch (error) {
        finish();
        await giveBack(updateId, ctx);
        throw error;
      }
      finish();
      await mark().catch((error: unknown) => ctx.log.warn({ err: error }, 'could not mark an update as handled'));
      return;
    }

    await units.run(async (unit) => {
      unit.onOpen = async () => {
        if (!marked) await mark();
      };
      try {
        await next();
        // A handler that wrote nothing still leaves its mark; one that did commits it all now.
        if (!marked) await unit.ensureOpen();
        await unit.flush();
      } catch (error) {
        const committed = unit.committed;
        await unit.rollback();
        unit.end();
        finish();
        if (error instanceof DuplicateUpdateError) return dropped(ctx, updateId);
        // What was committed before a reply stays; the mark (if it went with it) is given
        // back so that a resend is handled again, as for a handler that wrote nothing.
        if (committed || lease !== null) await giveBack(updateId, ctx);
        throw error;
      }
      unit.end();
      finish();
    });
  };

  async function giveBack(updateId: number, ctx: BotContext): Promise<void> {
    await outside(() => db.deleteFrom('processed_updates').where('update_id', '=', updateId).execute()).catch((releaseError: unknown) =>
      ctx.log.warn({ err: releaseError }, 'could not release the claim on a failed update'),
    );
  }
}

/**
 * An API transformer: a Bot API call made while an update is being handled first commits
 * what the update wrote so far, so that no reply confirms a write that could still be lost.
 */
export function commitBeforeSending(db: Db): Transformer {
  const units = unitsOf(db);
  return async (prev, method, payload, signal) => {
    await units?.current()?.flush();
    return prev(method, payload, signal);
  };
}

/** Another delivery marked the update first: this one is a duplicate and changes nothing. */
export class DuplicateUpdateError extends Error {
  readonly code = 'update.duplicate';
  constructor(updateId: number) {
    super(`update ${updateId} was handled by another delivery`);
    this.name = 'DuplicateUpdateError';
  }
}

/** Forgets processed update ids older than `keepMs`; Telegram never re-sends updates that old. */
export async function pruneProcessedUpdates(db: Db, nowMs: number, keepMs = 7 * 24 * 3600_000): Promise<number> {
  const result = await db.deleteFrom('processed_updates').where('processed_at', '<', nowMs - keepMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The claim column: NULL for a completed update, the lease's end while one is being handled. */
export const dedupeMigrations: readonly Migration[] = [
  {
    name: '0007_processed_update_claims',
    async up(db) {
      await db.schema.alterTable('processed_updates').addColumn('claimed_until', 'bigint').execute();
    },
  },
];
