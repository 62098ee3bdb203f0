import type { RunnerOptions } from '@grammyjs/runner';
import type { Transformer } from 'grammy';
import type { Logger } from 'pino';

/**
 * How the runner keeps polling while Telegram cannot be reached: every second, for as long
 * as the outage lasts. The runner's own default doubles the wait without a cap (after a
 * five-minute outage the next try would come minutes after Telegram is back) and gives up
 * after 15 hours, which would end the update loop for good. It prints each failure to the
 * console; {@link pollingOutageLog} logs the outage instead.
 */
export const POLLING_RETRY: Pick<RunnerOptions, 'retryInterval' | 'maxRetryTime' | 'silent'> = {
  retryInterval: 1000,
  maxRetryTime: Number.POSITIVE_INFINITY,
  silent: true,
};

/** Options of {@link pollingOutageLog}. */
export interface PollingOutageLogOptions {
  /** Least time between two "still unreachable" lines during one outage (default 60 s). */
  repeatMs?: number;
  clock?: () => number;
}

/**
 * Logs when polling stops reaching Telegram (a warning, repeated once a minute while it
 * lasts) and when it gets through again (with how long it was down), instead of one console
 * line per failed `getUpdates`.
 */
export function pollingOutageLog(logger: Pick<Logger, 'warn' | 'info'>, options: PollingOutageLogOptions = {}): Transformer {
  const clock = options.clock ?? Date.now;
  const repeatMs = options.repeatMs ?? 60_000;
  let downSinceMs: number | undefined;
  let lastWarnMs = 0;
  const failed = (detail: unknown) => {
    const nowMs = clock();
    downSinceMs ??= nowMs;
    if (nowMs - lastWarnMs < repeatMs) return;
    lastWarnMs = nowMs;
    logger.warn({ err: detail, downForMs: nowMs - downSinceMs }, 'cannot reach the Telegram Bot API; polling retries every second');
  };
  return async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    let result: Awaited<ReturnType<typeof prev>>;
    try {
      result = await prev(method, payload, signal);
    } catch (error) {
      if (!signal?.aborted) failed(error);
      throw error;
    }
    if (!result.ok) {
      failed(new Error(`${result.error_code}: ${result.description}`));
    } else if (downSinceMs !== undefined) {
      logger.info({ downForMs: clock() - downSinceMs }, 'the Telegram Bot API answers again; polling resumed');
      downSinceMs = undefined;
      lastWarnMs = 0;
    }
    return result;
  };
}

/**
 * Tells when a new poller's first `getUpdates` has been answered (or has failed): installed on
 * the bot's API before polling starts, it watches that one call and then steps aside.
 */
export function firstPollSignal(): { transformer: Transformer; answered: Promise<void> } {
  let resolve: () => void = () => undefined;
  const answered = new Promise<void>((done) => {
    resolve = done;
  });
  let seen = false;
  const transformer: Transformer = async (prev, method, payload, signal) => {
    if (seen || method !== 'getUpdates') return prev(method, payload, signal);
    try {
      return await prev(method, payload, signal);
    } finally {
      seen = true;
      resolve();
    }
  };
  return { transformer, answered };
}

/**
 * Resolves once the updates that waited for a restarted bot are handled — its first
 * `getUpdates` answered and no update in flight — or after `capMs`, whichever comes first.
 * A polling Lavka builds its HTTP server then: on the same thread, building it while those
 * updates are handled would delay their answers.
 */
export async function untilBacklogHandled(options: { answered: Promise<void>; inFlight(): number; capMs: number }): Promise<void> {
  const deadline = Date.now() + options.capMs;
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.capMs);
  });
  await Promise.race([options.answered, cap]);
  clearTimeout(timer);
  // The runner hands the batch to its handlers right after the call returns.
  await new Promise((resolve) => setImmediate(resolve));
  while (options.inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
