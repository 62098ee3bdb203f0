import type { Logger } from 'pino';
import type { JobSpec } from '../modules/module.ts';

/** Periodic jobs started by {@link startJobs}. */
export interface JobRunner {
  /** Stops scheduling and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/**
 * Runs each job every `everyMs`, never two runs of one job at once, and logs failures
 * without stopping the schedule. Timers are unref'd so they never keep the process alive.
 */
export function startJobs(jobs: readonly JobSpec[], logger: Logger): JobRunner {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const started = Date.now();
      const work = job
        .run()
        .catch((error: unknown) => logger.error({ err: error, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          logger.debug({ job: job.name, tookMs: Date.now() - started }, 'job done');
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
