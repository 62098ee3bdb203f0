import { createGenerateCore, type GenerateServiceDeps } from './generate.core.ts';
import { createGenerateJobs } from './generate.jobs.ts';
import { createGenerateRunner } from './generate.runner.ts';

export { progressBar, type DeliverPicture, type GenerateServiceDeps, type GenerateSettings } from './generate.core.ts';

/**
 * The paid task: starting it debits its cost in the same transaction that records the job; the
 * generator's progress edits one message through the outbox; a failure (or a crash, found
 * later) refunds the cost exactly once.
 */
export function createGenerateService(deps: GenerateServiceDeps) {
  const core = createGenerateCore(deps);
  return {
    ...createGenerateJobs(core),
    ...createGenerateRunner(core),
  };
}

/** The generate service's shape. */
export type GenerateService = ReturnType<typeof createGenerateService>;
