/** Running a started job with the generator, and refunding jobs whose runner died with the process. */
import { hasWaitingOutbox, supersedeWaitingOutbox } from '../../delivery/outbox.edits.ts';
import { HEARTBEAT_MS, type DeliverPicture, type GenerateCore } from './generate.core.ts';

/** The runner and crash recovery. */
export function createGenerateRunner(core: GenerateCore) {
  const { deps, db, settings, repository, progressKeys, localeOf, refund, reportProgress, complete } = core;
  return {
    /**
     * Runs a started job with the generator: progress is shown at most every
     * `progressEveryMs`, a picture is handed to `deliverPicture` (the bot sends it as a photo)
     * and the progress message becomes the result; any error refunds. Returns the final status.
     */
    async run(jobId: number, deliverPicture: DeliverPicture, signal: AbortSignal = new AbortController().signal): Promise<'done' | 'failed' | 'closed'> {
      const job = await repository.find(jobId);
      if (!job || job.status !== 'running') return 'closed';
      let lastShownMs = deps.now();
      // A generator may think for long between reports; the heartbeat keeps recoverStale away.
      const heartbeat = setInterval(() => void repository.transition(jobId, 'running', { updated_at: deps.now() }).catch(() => undefined), HEARTBEAT_MS);
      try {
        const result = await deps.generator.run({ jobId, prompt: job.prompt, locale: localeOf(job), signal }, async (percent) => {
          if (percent >= 100 || deps.now() - lastShownMs < settings.progressEveryMs) return;
          // While an earlier edit still waits for the chat's send budget, a newer one would only queue behind it.
          if (await hasWaitingOutbox(db, progressKeys(jobId))) return;
          lastShownMs = deps.now();
          await reportProgress(jobId, Math.max(0, Math.round(percent)));
        });
        // Progress still waiting is stale now: the picture must not arrive above a half-full bar.
        await supersedeWaitingOutbox(db, progressKeys(jobId), deps.now());
        if (result.kind === 'image') await deliverPicture(job, result);
        return (await complete(job, result)) ? 'done' : 'closed';
      } catch (error) {
        return (await refund(job, (error as Error).message || 'failed', 'failed')) ? 'failed' : 'closed';
      } finally {
        clearInterval(heartbeat);
      }
    },

    /**
     * Refunds jobs whose runner died with the process (still `running`, untouched for
     * `staleMs`), and tells the user by editing their progress message through the outbox.
     */
    async recoverStale(staleMs: number): Promise<number> {
      let recovered = 0;
      for (const job of await repository.listStale(deps.now() - staleMs, 50)) {
        if (await refund(job, 'interrupted by a restart', 'recovered')) recovered += 1;
      }
      return recovered;
    },

    get: repository.find,
  };
}
