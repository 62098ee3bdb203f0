/**
 * What the generate use cases share: settings, the service's dependencies, the progress bar,
 * and `createGenerateCore` (the repository, outbox keys, and the job's closing transitions:
 * progress, completion and refund).
 */
import type { Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { supersedeWaitingOutbox } from '../../delivery/outbox.edits.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { WalletService } from '../wallet/wallet.service.ts';
import { createGenerateRepository } from './generate.repository.ts';
import type { GeneratedResult, Generator } from './generate.generator.ts';
import type { GenerateJob } from './generate.tables.ts';

/** Settings under `settings.generate`. */
export interface GenerateSettings {
  costTokens: number;
  steps: number;
  stepMs: number;
  /** A prompt containing this marker makes the demo job fail half-way (to see the refund). */
  failMarker: string;
  /**
   * The progress message is edited at most this often: Telegram allows about one message a
   * second in a private chat, and edits queued faster would only lag behind the work.
   */
  progressEveryMs: number;
}

/** A progress bar of ten cells: `▓▓▓░░░░░░░ 30%`. */
export function progressBar(percent: number): string {
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round(clamped / 10);
  return `${'▓'.repeat(filled)}${'░'.repeat(10 - filled)} ${clamped}%`;
}

/** How a picture result reaches the customer (the bot sends it as a photo). */
export type DeliverPicture = (job: GenerateJob, picture: Extract<GeneratedResult, { kind: 'image' }>) => Promise<void>;

/** Dependencies of the generate service. */
export interface GenerateServiceDeps {
  db: Db;
  now(): number;
  wallet: WalletService;
  i18n: Translator;
  settings: GenerateSettings;
  generator: Generator;
}

/** How often a running job says it is alive, so that a long step is not taken for a dead runner. */
export const HEARTBEAT_MS = 10_000;

/** The repository, keys and job transitions the generate use cases share. */
export function createGenerateCore(deps: GenerateServiceDeps) {
  const { db, wallet, settings } = deps;
  const repository = createGenerateRepository(db);
  const debitKey = (id: number) => `generate:${id}:debit`;
  const refundKey = (id: number) => `generate:${id}:refund`;
  // Every progress edit a job can have (one per percent): the final edit drops those still waiting.
  const progressKeys = (id: number) => Array.from({ length: 101 }, (_, percent) => `generate:${id}:progress:${percent}`);
  const localeOf = (job: GenerateJob): Locale => (['ru', 'en', 'kk'].includes(job.locale) ? job.locale : 'en') as Locale;

  /** Edits the job's progress message (or sends one when it has none) through the outbox. */
  const enqueueEdit = (executor: DbExecutor, job: GenerateJob, step: string, payload: Record<string, unknown>, nowMs: number) =>
    enqueueOutbox(
      executor,
      job.message_id
        ? { chatId: job.chat_id, method: 'editMessageText', payload: { message_id: job.message_id, ...payload }, priority: 'high', dedupeKey: `generate:${job.id}:${step}` }
        : { chatId: job.chat_id, method: 'sendMessage', payload, priority: 'high', dedupeKey: `generate:${job.id}:${step}` },
      nowMs,
    );

  /** Closes a running job as failed, refunds it and says so; false when it was already closed. */
  async function refund(job: GenerateJob, error: string, step: 'failed' | 'recovered'): Promise<{ job: GenerateJob; balance: number } | undefined> {
    return db.transaction().execute(async (trx) => {
      const scoped = createGenerateRepository(trx);
      const nowMs = deps.now();
      if (!(await scoped.transition(job.id, 'running', { status: 'failed', error: error.slice(0, 500), updated_at: nowMs }))) return undefined;
      const { entry } = await wallet.post(trx, {
        userId: job.user_id,
        kind: 'refund',
        amount: job.cost,
        reason: step === 'recovered' ? `generate #${job.id} interrupted` : `generate #${job.id} failed`,
        actor: { type: 'system' },
        idempotencyKey: refundKey(job.id),
      });
      const text = deps.i18n.t(localeOf(job), 'generate-failed', { cost: job.cost, balance: entry.balance_after });
      await supersedeWaitingOutbox(trx, progressKeys(job.id), nowMs);
      await enqueueEdit(trx, job, step, { text }, nowMs);
      return { job: { ...job, status: 'failed' as const, error, updated_at: nowMs }, balance: entry.balance_after };
    });
  }

  /** Records progress and edits the job's message to show it (one edit per percent at most). */
  async function reportProgress(jobId: number, percent: number): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const scoped = createGenerateRepository(trx);
      const nowMs = deps.now();
      const job = await scoped.find(jobId);
      if (!job || !(await scoped.transition(jobId, 'running', { progress_percent: percent, updated_at: nowMs }))) return;
      await enqueueEdit(trx, job, `progress:${percent}`, { text: deps.i18n.t(localeOf(job), 'generate-progress', { bar: progressBar(percent) }) }, nowMs);
    });
  }

  /** Marks the job done and edits its message into the result; false when it was already closed. */
  async function complete(job: GenerateJob, result: GeneratedResult): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const nowMs = deps.now();
      const summary = result.kind === 'text' ? result.text.slice(0, 3000) : `image ${result.widthPx}×${result.heightPx}`;
      if (!(await createGenerateRepository(trx).transition(job.id, 'running', { status: 'done', progress_percent: 100, result: summary, updated_at: nowMs }))) return false;
      const t = (id: string, args?: Record<string, string | number>) => deps.i18n.t(localeOf(job), id, args);
      const text = result.kind === 'text' ? t('generate-done', { result: summary, cost: job.cost }) : t('generate-done-picture', { cost: job.cost });
      const keyboard = { inline_keyboard: [[{ text: t('generate-again-button'), callback_data: 'generate:start' }, { text: t('wallet-balance-button'), callback_data: 'wallet:balance' }]] };
      // A picture carries the buttons itself; a text result keeps them in this message.
      await supersedeWaitingOutbox(trx, progressKeys(job.id), nowMs);
      await enqueueEdit(trx, job, 'done', result.kind === 'text' ? { text, reply_markup: keyboard } : { text }, nowMs);
      return true;
    });
  }

  return { deps, db, wallet, settings, repository, debitKey, progressKeys, localeOf, refund, reportProgress, complete };
}

/** What the generate use cases share. */
export type GenerateCore = ReturnType<typeof createGenerateCore>;
