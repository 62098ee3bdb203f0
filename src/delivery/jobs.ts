import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobSpec } from '../modules/module.ts';

/** Periodic jobs started by {@link startJobs}. */
export interface JobRunner {
  /** Stops scheduling and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/** The Redis the instances share, for the jobs marked `runs: 'one-instance'`. */
export interface JobLeaseOptions {
  redis: Redis;
  /** Key prefix; the instances of one bot share it, different bots must not. */
  prefix: string;
  /** The value of the leases this instance takes (to see in Redis who holds one). Default: random. */
  instanceId?: string;
}

/**
 * How long a period's lease lasts: a little under the period (a tenth, at most a second), so
 * that the instance that ran it last can take the next one on its next tick, while another
 * instance ticking a moment later in the same period still finds it taken.
 */
export function jobLeaseMs(everyMs: number): number {
  return Math.max(1, Math.round(everyMs - Math.min(everyMs / 10, 1000)));
}

/**
 * Runs each job every `everyMs`, never two runs of one job at once, and logs failures
 * without stopping the schedule. Timers are unref'd so they never keep the process alive.
 *
 * With `leases`, a job marked `runs: 'one-instance'` runs a period only on the instance that
 * takes that period's lease (`SET <prefix><job> <instance> NX PX <lease>`); the others skip
 * it. The lease is not released when the run ends: it marks the period as done. When Redis
 * cannot be reached the job runs here anyway: such jobs are marked so because their runs on
 * other instances only repeat the work (each is guarded in the database: row claims,
 * conditional updates, idempotency keys, its own lease), so running them everywhere for a
 * while costs calls, never correctness, and stopping them would stall payments and the ERP.
 */
export function startJobs(jobs: readonly JobSpec[], logger: Logger, leases?: JobLeaseOptions): JobRunner {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  const instanceId = leases?.instanceId ?? randomBytes(6).toString('hex');
  let stopped = false;

  /** Whether this instance runs the job this period. */
  const mayRun = async (job: JobSpec): Promise<boolean> => {
    if (!leases || job.runs !== 'one-instance') return true;
    // With no offline queue a command would fail at once anyway; this says why.
    if (leases.redis.status !== 'ready') {
      logger.debug({ job: job.name, redis: leases.redis.status }, 'Redis unreachable: the one-instance job runs here too');
      return true;
    }
    try {
      return (await leases.redis.set(`${leases.prefix}${job.name}`, instanceId, 'PX', jobLeaseMs(job.everyMs), 'NX')) === 'OK';
    } catch (error) {
      logger.debug({ err: error, job: job.name }, 'Redis unreachable: the one-instance job runs here too');
      return true;
    }
  };

  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const work = (async () => {
        if (!(await mayRun(job)) || stopped) return;
        const started = Date.now();
        try {
          await job.run();
        } catch (error) {
          logger.error({ err: error, job: job.name }, 'job failed');
        }
        logger.debug({ job: job.name, tookMs: Date.now() - started }, 'job done');
      })().finally(() => {
        busy = false;
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
