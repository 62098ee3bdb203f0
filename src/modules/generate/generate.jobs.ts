/** Starting a job (the debit in the same transaction), its message, progress reports and failing it with a refund. */
import type { Locale } from '../../config/business.ts';
import { createGenerateRepository } from './generate.repository.ts';
import type { GenerateJob } from './generate.tables.ts';
import { type GenerateCore } from './generate.core.ts';

/** A job's life as the bot drives it. */
export function createGenerateJobs(core: GenerateCore) {
  const { deps, db, wallet, settings, repository, debitKey, refund, reportProgress } = core;
  return {
    settings,

    /** Debits the cost and records the job; `wallet.insufficient_funds` when the balance is short. */
    async start(input: { userId: number; chatId: number; prompt: string; locale: Locale }): Promise<{ job: GenerateJob; balance: number }> {
      return db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const job = await createGenerateRepository(trx).insert({
          user_id: input.userId,
          chat_id: input.chatId,
          message_id: null,
          prompt: input.prompt.slice(0, 500),
          status: 'running',
          cost: settings.costTokens,
          progress_percent: 0,
          result: null,
          error: null,
          locale: input.locale,
          created_at: nowMs,
          updated_at: nowMs,
        });
        const { entry } = await wallet.post(trx, {
          userId: input.userId,
          kind: 'spend',
          amount: -settings.costTokens,
          reason: `generate #${job.id}`,
          actor: { type: 'user', id: input.userId },
          idempotencyKey: debitKey(job.id),
        });
        return { job, balance: entry.balance_after };
      });
    },

    async attachMessage(jobId: number, messageId: number): Promise<void> {
      await repository.transition(jobId, 'running', { message_id: messageId, updated_at: deps.now() });
    },

    reportProgress,

    /** Fails the job and refunds its cost once; undefined when it was already closed. */
    async fail(jobId: number, error: string): Promise<{ job: GenerateJob; balance: number } | undefined> {
      const job = await repository.find(jobId);
      return job ? refund(job, error, 'failed') : undefined;
    },
  };
}
