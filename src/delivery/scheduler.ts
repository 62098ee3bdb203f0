import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DbExecutor, SqlDialectName } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
import { sleepMs } from './rate-limiter.ts';
import type { ScheduledJobRow } from './scheduler.tables.ts';
import { nextDailyAt } from './zoned-time.ts';

/** How a job repeats: every day at a local time, or every so many milliseconds. */
export type Recurrence = { type: 'daily'; time: string; timeZone: string } | { type: 'interval'; everyMs: number };

/** A job to schedule. */
export interface JobInput {
  /** Handler name, e.g. `booking.reminder`: the module that schedules it registers the handler. */
  kind: string;
  payload?: unknown;
  /** When it should first run (epoch ms). */
  runAt: number;
  recurrence?: Recurrence;
  /** Scheduling the same key again replaces the waiting job (a booking moved, a broadcast rescheduled). */
  dedupeKey?: string;
}

/** What a handler learns about the run. */
export interface JobRun {
  id: number;
  kind: string;
  /** The time the job was due; earlier than now when it was missed while Lavka was down. */
  dueAt: number;
  attempt: number;
}

/** Runs one kind of job. Must be idempotent: a run cut short by a crash is run again. */
export type JobHandler = (payload: unknown, run: JobRun) => Promise<void>;

/**
 * Stores a job. Pass the transaction of the change that needs it (a booking and its reminder
 * commit together). With a dedupe key, a job not yet running is replaced.
 */
export async function scheduleJob(executor: DbExecutor, job: JobInput, nowMs: number = Date.now()): Promise<number> {
  const values = {
    kind: job.kind,
    payload: JSON.stringify(job.payload ?? null),
    run_at: job.runAt,
    recurrence: job.recurrence ? JSON.stringify(job.recurrence) : null,
    status: 'pending' as const,
    attempts: 0,
    last_error: null,
    dedupe_key: job.dedupeKey ?? null,
    claimed_by: null,
    claimed_until: null,
    last_run_at: null,
    created_at: nowMs,
    updated_at: nowMs,
  };
  const row = await executor
    .insertInto('scheduled_jobs')
    .values(values)
    .onConflict((oc) =>
      oc.column('dedupe_key').doUpdateSet({
        kind: values.kind,
        payload: values.payload,
        run_at: values.run_at,
        recurrence: values.recurrence,
        status: 'pending',
        attempts: 0,
        last_error: null,
        claimed_by: null,
        claimed_until: null,
        updated_at: nowMs,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Makes sure a recurring job exists, keeping its next run when it already does: a restart
 * must not push an overdue daily report to tomorrow. A changed recurrence is rescheduled.
 */
export async function ensureRecurringJob(
  executor: DbExecutor,
  job: Omit<JobInput, 'runAt' | 'recurrence'> & { recurrence: Recurrence; dedupeKey: string },
  nowMs: number = Date.now(),
): Promise<void> {
  const recurrence = JSON.stringify(job.recurrence);
  const existing = await executor
    .selectFrom('scheduled_jobs')
    .select(['id', 'recurrence', 'status'])
    .where('dedupe_key', '=', job.dedupeKey)
    .executeTakeFirst();
  if (existing && existing.recurrence === recurrence && existing.status !== 'cancelled') return;
  await scheduleJob(executor, { ...job, runAt: nextRunAfter(job.recurrence, nowMs) }, nowMs);
}

/** Cancels a waiting job by its dedupe key; true when there was one. */
export async function cancelJob(executor: DbExecutor, dedupeKey: string, nowMs: number = Date.now()): Promise<boolean> {
  const result = await executor
    .updateTable('scheduled_jobs')
    .set({ status: 'cancelled', updated_at: nowMs })
    .where('dedupe_key', '=', dedupeKey)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The next run of a recurrence strictly after `afterMs`; missed slots before it are skipped. */
export function nextRunAfter(recurrence: Recurrence, afterMs: number): number {
  return recurrence.type === 'daily' ? nextDailyAt(afterMs, recurrence.time, recurrence.timeZone) : afterMs + recurrence.everyMs;
}

/** The scheduled_jobs table; core, so every module can schedule. */
export const schedulerMigrations: readonly Migration[] = [
  {
    name: '0005_scheduled_jobs',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('scheduled_jobs'))
        .addColumn('kind', 'varchar(100)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('recurrence', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('dedupe_key', 'varchar(200)', (c) => c.unique())
        .addColumn('claimed_by', 'varchar(64)')
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_run_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scheduled_jobs_due_idx').on('scheduled_jobs').columns(['status', 'run_at']).execute();
    },
  },
];

/** Options for {@link createScheduler}. */
export interface SchedulerOptions {
  db: DbExecutor;
  dialect: SqlDialectName;
  handlers: ReadonlyMap<string, JobHandler>;
  logger: Logger;
  clock?: () => number;
  /** How often due jobs are looked for (default 1 s). */
  pollIntervalMs?: number;
  /** How long a running job stays ours before another instance may take it over (default 10 min). */
  leaseMs?: number;
  /** Attempts before a failing one-off job is given up (default 5). */
  maxAttempts?: number;
  workerId?: string;
}

/** The running scheduler. */
export interface Scheduler {
  start(): void;
  /** Stops looking for jobs and waits for the one running. */
  stop(): Promise<void>;
  /** Runs every due job now (tests; also what each poll does). Returns how many ran. */
  runDue(): Promise<number>;
}

/**
 * Runs due jobs: claims them with a lease (SKIP LOCKED on PostgreSQL, so each runs on one
 * instance), calls the handler registered for their kind, then marks one-off jobs done and
 * moves recurring ones to their next slot after *now*, so a job missed during downtime runs
 * once, not once per missed slot. Failures retry with backoff.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 600_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const workerId = options.workerId ?? `scheduler-${randomBytes(5).toString('hex')}`;
  const log = options.logger.child({ component: 'scheduler' });
  const kinds = [...options.handlers.keys()];
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  const stopSignal = new AbortController();

  const claim = async (nowMs: number): Promise<ScheduledJobRow[]> => {
    if (kinds.length === 0) return [];
    let due = options.db
      .selectFrom('scheduled_jobs')
      .select('id')
      .where('kind', 'in', kinds)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowMs)]),
          // A run whose instance died: its lease has expired.
          eb.and([eb('status', '=', 'running'), eb('claimed_until', '<', nowMs)]),
        ]),
      )
      .orderBy('run_at')
      .limit(10);
    if (options.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await options.db
      .updateTable('scheduled_jobs')
      .set((eb) => ({ status: 'running', claimed_by: workerId, claimed_until: nowMs + leaseMs, attempts: eb('attempts', '+', 1), updated_at: nowMs }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.run_at - b.run_at);
  };

  const finish = async (job: ScheduledJobRow, error: unknown) => {
    const nowMs = clock();
    const recurrence = job.recurrence ? (JSON.parse(job.recurrence) as Recurrence) : undefined;
    const mine = options.db.updateTable('scheduled_jobs').where('id', '=', job.id).where('claimed_by', '=', workerId).where('status', '=', 'running');
    const released = { claimed_by: null, claimed_until: null, updated_at: nowMs };
    if (error === undefined) {
      await mine
        .set(
          recurrence
            ? { ...released, status: 'pending', run_at: nextRunAfter(recurrence, nowMs), attempts: 0, last_error: null, last_run_at: nowMs }
            : { ...released, status: 'done', last_error: null, last_run_at: nowMs },
        )
        .execute();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error, jobId: job.id, kind: job.kind, attempt: job.attempts }, 'scheduled job failed');
    if (job.attempts < maxAttempts) {
      const retryAtMs = nowMs + Math.min(3600_000, 30_000 * 2 ** (job.attempts - 1));
      await mine.set({ ...released, status: 'pending', run_at: retryAtMs, last_error: message.slice(0, 1000) }).execute();
    } else if (recurrence) {
      await mine.set({ ...released, status: 'pending', run_at: nextRunAfter(recurrence, nowMs), attempts: 0, last_error: message.slice(0, 1000) }).execute();
    } else {
      await mine.set({ ...released, status: 'failed', last_error: message.slice(0, 1000) }).execute();
    }
  };

  const runDue = async (): Promise<number> => {
    let ran = 0;
    for (;;) {
      const jobs = await claim(clock());
      if (jobs.length === 0) return ran;
      for (const job of jobs) {
        const handler = options.handlers.get(job.kind);
        let failure: unknown;
        try {
          if (!handler) throw new Error(`no handler for ${job.kind}`);
          await handler(JSON.parse(job.payload) as unknown, { id: job.id, kind: job.kind, dueAt: job.run_at, attempt: job.attempts });
        } catch (error) {
          failure = error ?? new Error('job failed');
        }
        await finish(job, failure);
        ran += 1;
      }
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = (async () => {
        while (running) {
          try {
            await runDue();
          } catch (error) {
            log.error({ err: error }, 'scheduler poll failed');
          }
          await sleepMs(pollIntervalMs, stopSignal.signal);
        }
      })();
    },
    async stop() {
      running = false;
      stopSignal.abort();
      await loopDone;
    },
    runDue,
  };
}
