import type { MiddlewareFn } from 'grammy';
import type { BotContext } from './context.ts';
import { isConnectionLoss } from './dependency-errors.ts';

/** What {@link holdWhileDatabaseDown} needs. */
export interface DatabaseWaitOptions {
  /** Whether the database answers now (`DatabaseHandle.health`). */
  health(): Promise<{ ok: boolean }>;
  /** Longest one update is held before it runs anyway (default 15 s). */
  maxWaitMs?: number;
  /** How often the database is asked while updates wait (default 500 ms). */
  pollMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps a short database outage (PostgreSQL restarting, a failover) from costing updates.
 * Once an update has failed because the database connection was lost, the updates after it
 * wait — up to `maxWaitMs` each — until the database answers again, and then run normally;
 * an update that still finds it down after the wait runs anyway and fails as before (the
 * user is asked to try again). While nothing has failed this costs nothing: no probe runs.
 *
 * Place it before the first middleware that touches the database (the update de-duplication),
 * after the per-chat ordering, so that a chat's held updates keep their order.
 */
export function holdWhileDatabaseDown(options: DatabaseWaitOptions): MiddlewareFn<BotContext> {
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let suspected = false;
  // Updates waiting together share one probe instead of each asking the database.
  let probe: Promise<boolean> | undefined;
  const answers = () => {
    probe ??= options
      .health()
      .then((result) => result.ok, () => false)
      .finally(() => {
        probe = undefined;
      });
    return probe;
  };

  const waitForDatabase = async () => {
    const deadline = clock() + maxWaitMs;
    for (;;) {
      if (await answers()) {
        suspected = false;
        return;
      }
      if (clock() >= deadline) return;
      await sleep(Math.min(pollMs, Math.max(0, deadline - clock())));
    }
  };

  return async (_ctx, next) => {
    if (suspected) await waitForDatabase();
    try {
      await next();
    } catch (error) {
      if (isConnectionLoss(error)) suspected = true;
      throw error;
    }
  };
}
