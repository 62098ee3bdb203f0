import type { Locale } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { WalletService } from '../wallet/wallet.service.ts';
import { createGenerateRepository } from './generate.repository.ts';
import type { GenerateJob } from './generate.tables.ts';

/** Settings under `settings.generate`. */
export interface GenerateSettings {
  costTokens: number;
  steps: number;
  stepMs: number;
  /** A prompt containing this marker makes the demo job fail half-way (to see the refund). */
  failMarker: string;
}

/** A progress bar of ten cells: `▓▓▓░░░░░░░ 30%`. */
export function progressBar(percent: number): string {
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round(clamped / 10);
  return `${'▓'.repeat(filled)}${'░'.repeat(10 - filled)} ${clamped}%`;
}

/** Raised by the demo job when the prompt asks it to fail. */
export class GenerateJobFailed extends Error {
  readonly code = 'generate.job_failed';
  constructor(message: string) {
    super(message);
    this.name = 'GenerateJobFailed';
  }
}

/**
 * The paid task, as the seed of token spending: starting it debits its cost in the same
 * transaction that records the job; a failure (or a crash, found later) refunds it exactly once.
 */
export function createGenerateService(deps: { db: Db; now(): number; wallet: WalletService; i18n: Translator; settings: GenerateSettings }) {
  const { db, wallet, settings } = deps;
  const repository = createGenerateRepository(db);
  const debitKey = (id: number) => `generate:${id}:debit`;
  const refundKey = (id: number) => `generate:${id}:refund`;

  async function refund(job: GenerateJob, error: string): Promise<{ job: GenerateJob; balance: number } | undefined> {
    return db.transaction().execute(async (trx) => {
      const scoped = createGenerateRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.transition(job.id, 'running', { status: 'failed', error: error.slice(0, 500), updated_at: nowMs }))) return undefined;
      const { entry } = await wallet.post(trx, {
        userId: job.user_id,
        kind: 'refund',
        amount: job.cost,
        reason: `generate #${job.id} failed`,
        actor: { type: 'system' },
        idempotencyKey: refundKey(job.id),
      });
      return { job: { ...job, status: 'failed' as const, error, updated_at: nowMs }, balance: entry.balance_after };
    });
  }

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

    async reportProgress(jobId: number, percent: number): Promise<void> {
      await repository.transition(jobId, 'running', { progress_percent: percent, updated_at: deps.now() });
    },

    /** Marks the job done; false when it was already closed (e.g. refunded as stale). */
    async complete(jobId: number, result: string): Promise<boolean> {
      return repository.transition(jobId, 'running', { status: 'done', progress_percent: 100, result, updated_at: deps.now() });
    },

    /** Fails the job and refunds its cost once; undefined when it was already closed. */
    async fail(jobId: number, error: string): Promise<{ job: GenerateJob; balance: number } | undefined> {
      const job = await repository.find(jobId);
      return job ? refund(job, error) : undefined;
    },

    /**
     * The demo work: `steps` steps of `stepMs`, reporting progress after each; fails half-way
     * when the prompt carries the fail marker.
     */
    async runDemo(job: GenerateJob, onProgress: (percent: number) => Promise<void>, sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))): Promise<string> {
      for (let step = 1; step <= settings.steps; step += 1) {
        await sleep(settings.stepMs);
        const percent = Math.round((step / settings.steps) * 100);
        if (settings.failMarker && job.prompt.includes(settings.failMarker) && percent >= 50) throw new GenerateJobFailed('the demo job was asked to fail');
        await onProgress(percent);
      }
      return `«${job.prompt.replaceAll(settings.failMarker, '').trim() || '…'}» — ${job.prompt.length * 7 + 42} ✨`;
    },

    /**
     * Refunds jobs whose runner died with the process (still `running`, untouched for
     * `staleMs`), and tells the user by editing their progress message through the outbox.
     */
    async recoverStale(staleMs: number): Promise<number> {
      let recovered = 0;
      for (const job of await repository.listStale(deps.now() - staleMs, 50)) {
        const outcome = await db.transaction().execute(async (trx) => {
          const scoped = createGenerateRepository(trx);
          const nowMs = deps.now();
          if (!(await scoped.transition(job.id, 'running', { status: 'failed', error: 'interrupted by a restart', updated_at: nowMs }))) return false;
          const { entry } = await wallet.post(trx, { userId: job.user_id, kind: 'refund', amount: job.cost, reason: `generate #${job.id} interrupted`, actor: { type: 'system' }, idempotencyKey: refundKey(job.id) });
          const locale = (['ru', 'en', 'kk'].includes(job.locale) ? job.locale : 'en') as Locale;
          const text = deps.i18n.t(locale, 'generate-failed', { cost: job.cost, balance: entry.balance_after });
          await enqueueOutbox(
            trx,
            job.message_id
              ? { chatId: job.chat_id, method: 'editMessageText', payload: { message_id: job.message_id, text }, priority: 'high', dedupeKey: `generate:${job.id}:recovered` }
              : { chatId: job.chat_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `generate:${job.id}:recovered` },
            nowMs,
          );
          return true;
        });
        if (outcome) recovered += 1;
      }
      return recovered;
    },

    get: repository.find,
  };
}

/** The generate service's shape. */
export type GenerateService = ReturnType<typeof createGenerateService>;
