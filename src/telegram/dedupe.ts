import type { MiddlewareFn } from 'grammy';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
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
 * Handles each `update_id` once. Telegram re-delivers webhook updates it thinks failed, a
 * restarted poller fetches again what it had not confirmed, and two instances may briefly
 * both poll; the database decides which delivery handles an update.
 *
 * An update is first *claimed* (a row with a lease), handled, and only then marked done, so
 * the id is recorded as processed together with — right after — the handler's effects:
 * - a handler that fails gives its claim back: a resend of that update is handled again;
 * - a process that dies mid-update leaves a claim whose lease runs out (a running handler
 *   renews it): a resend waits for that and then takes the update over;
 * - an update that completed is never handled again.
 */
export function dedupeUpdates(deps: DedupeDeps): MiddlewareFn<BotContext> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  // Updates this process is handling right now: a second delivery of one of them (a webhook
  // resend while the first is still running) is dropped, the first one will finish it.
  const inFlight = new Set<number>();
  let duplicatesInARow = 0;

  const claim = async (updateId: number): Promise<boolean> => {
    const inserted = await db
      .insertInto('processed_updates')
      .values({ update_id: updateId, processed_at: now(), claimed_until: now() + timing.leaseMs })
      .onConflict((oc) => oc.column('update_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  };

  /** Resolves to true when this delivery should handle the update, false for a duplicate. */
  const acquire = async (updateId: number): Promise<boolean> => {
    for (;;) {
      if (await claim(updateId)) return true;
      const row = await db.selectFrom('processed_updates').select('claimed_until').where('update_id', '=', updateId).executeTakeFirst();
      if (!row) continue; // the claim was given back in between: claim it now
      if (row.claimed_until === null) return false; // done
      if (inFlight.has(updateId)) return false; // being handled right here
      if (row.claimed_until < now()) {
        // The claimer is gone (its lease ran out): take the update over, unless another
        // delivery did so a moment earlier.
        const taken = await db
          .updateTable('processed_updates')
          .set({ claimed_until: now() + timing.leaseMs, processed_at: now() })
          .where('update_id', '=', updateId)
          .where('claimed_until', '=', row.claimed_until)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) > 0) return true;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
    }
  };

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (!(await acquire(updateId))) {
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
      return;
    }
    duplicatesInARow = 0;
    inFlight.add(updateId);
    const heartbeat = setInterval(() => {
      db.updateTable('processed_updates')
        .set({ claimed_until: now() + timing.leaseMs })
        .where('update_id', '=', updateId)
        .where('claimed_until', 'is not', null)
        .execute()
        .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not renew the claim on an update'));
    }, timing.heartbeatMs);
    heartbeat.unref();
    try {
      await next();
    } catch (error) {
      clearInterval(heartbeat);
      inFlight.delete(updateId);
      // Give the update back so that a resend is handled; the error boundary tells the user.
      await db
        .deleteFrom('processed_updates')
        .where('update_id', '=', updateId)
        .execute()
        .catch((releaseError: unknown) => ctx.log.warn({ err: releaseError }, 'could not release the claim on a failed update'));
      throw error;
    }
    clearInterval(heartbeat);
    inFlight.delete(updateId);
    // Not being able to mark it done is no failure of the update: its lease runs out and a
    // resend (if any) is handled again, which beats apologising for work that was done.
    await db
      .updateTable('processed_updates')
      .set({ claimed_until: null, processed_at: now() })
      .where('update_id', '=', updateId)
      .execute()
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not mark an update as handled'));
  };
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
