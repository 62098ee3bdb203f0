import {
  broadcastHasWaiting,
  cancelBroadcastOutbox,
  holdBroadcastOutbox,
  resumeBroadcastOutbox,
} from '../../delivery/outbox.repository.ts';
import { cancelJob } from '../../delivery/scheduler.ts';
import { createBroadcastsRepository } from './broadcasts.repository.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';
import { type BroadcastsCore } from './broadcasts.core.ts';
import type { LavkaEvent } from '../../platform/events.ts';

/** The `broadcast.finished` event of a broadcast that has nothing left to send. */
export function finishedEvent(row: BroadcastRow, totals: { sent: number; blocked: number; failed: number }, finishedAtMs: number): LavkaEvent {
  return {
    type: 'broadcast.finished',
    resource: { type: 'broadcast', id: row.id },
    data: {
      broadcast: {
        object: 'broadcast',
        id: row.id,
        status: 'done',
        audience_size: row.audience_size,
        delivered: totals.sent,
        blocked: totals.blocked,
        failed: totals.failed,
        started_at: row.started_at === null ? null : new Date(row.started_at).toISOString(),
        finished_at: new Date(finishedAtMs).toISOString(),
      },
    },
  };
}

/** A running broadcast: pausing, resuming, cancelling, and the periodic tick that finishes it and follows its progress. */
export function createBroadcastsRunning(core: BroadcastsCore) {
  const { deps, repository, load, wrongStatus, refreshProgress, recordTotals, counts, progressOf } = core;
  return {
    async pause(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['sending'], { status: 'paused', updated_at: nowMs });
        if (updated) await holdBroadcastOutbox(trx, id, nowMs);
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'paused');
      await refreshProgress(row, true);
      return row;
    },

    async resume(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['paused'], { status: 'sending', updated_at: nowMs });
        if (updated) await resumeBroadcastOutbox(trx, id, nowMs);
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'resumed');
      await refreshProgress(row, true);
      return row;
    },

    /** Cancels a draft, a scheduled broadcast or the unsent rest of a running one. */
    async cancel(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['draft', 'scheduled', 'sending', 'paused'], {
          status: 'cancelled',
          finished_at: nowMs,
          updated_at: nowMs,
        });
        if (updated) {
          await cancelBroadcastOutbox(trx, id, nowMs);
          await cancelJob(trx, `broadcast:${id}:start`, nowMs);
        }
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'cancelled');
      await recordTotals(row);
      await refreshProgress(row, true);
      return row;
    },

    /**
     * Runs every few seconds on each instance: finishes broadcasts with nothing left to send
     * and edits progress messages (one instance wins each edit).
     */
    async tick(): Promise<void> {
      for (const row of await repository.listActive()) {
        // The cheap check every tick; the full count only when the progress message is due.
        if (row.status === 'sending' && !(await broadcastHasWaiting(deps.db, row.id))) {
          const nowMs = deps.now();
          // Nothing waits any more: these are the final numbers, announced with the change.
          const totals = progressOf(row, await counts(row.id));
          const done = await deps.db.transaction().execute(async (trx) => {
            const finished = await createBroadcastsRepository(trx).transition(row.id, ['sending'], { status: 'done', finished_at: nowMs, updated_at: nowMs });
            if (finished) {
              await deps.events?.publish(trx, finishedEvent(finished, { sent: totals.sent, blocked: totals.blocked, failed: totals.failed + totals.unconfirmed }, nowMs));
            }
            return finished;
          });
          if (done) {
            await recordTotals(done);
            await refreshProgress(done, true);
            deps.logger.info({ broadcastId: row.id, delivered: done.delivered }, 'broadcast finished');
          }
          continue;
        }
        // A paused broadcast's numbers do not move: its message was updated when it paused.
        if (row.status === 'sending') await refreshProgress(row, false);
      }
    },
  };
}
