import { GrammyError, HttpError, type Transformer } from 'grammy';
import type { Logger } from 'pino';
import type { OutboxMessage, OutboxMethod } from './outbox.ts';
import { sleepMs, type SendRateLimiter } from './rate-limiter.ts';

/** Makes one Bot API call without retrying anything itself; throws grammY's GrammyError / HttpError. */
export type RawApiCall = (method: string, payload: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>;

/** What {@link paceReplies} needs. */
export interface ReplyPacingDeps {
  limiter: SendRateLimiter;
  /** The Bot API without auto-retry: every attempt, retries included, takes its own place. */
  call: RawApiCall;
  /** Hands a reply that waited too long to the outbox (priority `high`). */
  handOver(message: OutboxMessage): Promise<void>;
  logger: Pick<Logger, 'warn'>;
  /** Which methods post a message (and so take a place). */
  isSendMethod(method: string): boolean;
  /** How long a reply waits for its place before it goes to the outbox (default 10 s). */
  waitMs?: number;
  /** Attempts of a reply whose call failed in transit or with a 5xx (default 3). */
  transientAttempts?: number;
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Methods a reply can be handed to the outbox with: the outbox knows how to send them. */
const OUTBOX_METHODS: ReadonlySet<string> = new Set<OutboxMethod>(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'copyMessage']);

/**
 * Direct replies on the shared send budget: each message a reply posts waits for its place in
 * the bot-wide window and in its chat's window (the same windows, in Redis, as the outbox and
 * every other instance), then goes out; a 429 pauses every instance and the reply tries
 * again in a new place. Replies may use the places the outbox leaves free for them.
 *
 * A reply never waits without bound and is never dropped: after `waitMs` it is handed to the
 * outbox with the highest priority (it then goes out before notifications and broadcasts,
 * still within the budget) and the handler gets a stand-in result with `message_id` 0, since
 * the message does not exist yet. A reply the outbox cannot carry (a file upload, an invoice)
 * keeps waiting for its place.
 *
 * Send methods bypass the transformers installed before this one (auto-retry would wait out
 * a 429 inside one call and resend without a place); every other method passes through.
 */
export function paceReplies(deps: ReplyPacingDeps): Transformer {
  const waitMs = deps.waitMs ?? 10_000;
  const transientAttempts = deps.transientAttempts ?? 3;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? sleepMs;
  return async (prev, method, payload, signal) => {
    if (!deps.isSendMethod(method)) return prev(method, payload, signal);
    const params = (payload ?? {}) as Record<string, unknown>;
    const chatId = typeof params.chat_id === 'number' ? params.chat_id : undefined;
    const paid = params.allow_paid_broadcast === true;
    const abort = signal as AbortSignal | undefined;
    const deadlineMs = clock() + waitMs;
    let failures = 0;
    let waitedTooLong = false;
    for (;;) {
      if (abort?.aborted) throw abort.reason ?? new Error('the reply was aborted');
      const permit = await deps.limiter.tryAcquire({ chatId, paid, reply: true });
      if (!permit.ok) {
        const leftMs = deadlineMs - clock();
        if (leftMs <= 0 && !waitedTooLong) {
          waitedTooLong = true;
          const message = chatId === undefined ? undefined : outboxMessageOf(method, chatId, params);
          if (message) {
            await deps.handOver(message);
            deps.logger.warn({ method, chatId, waitedMs: waitMs }, 'a reply waited too long for its place in the send budget: handed to the outbox');
            return { ok: true, result: standIn(method, chatId as number, clock()) } as never;
          }
          deps.logger.warn({ method, chatId, waitedMs: waitMs }, 'a reply waits long for its place in the send budget (it cannot go through the outbox)');
        }
        // A little spread, so that replies waiting on several instances do not all ask at the same instant.
        await sleep(Math.max(1, Math.min(permit.waitMs, leftMs > 0 ? leftMs : permit.waitMs)) + Math.random() * 5, abort);
        continue;
      }
      try {
        // A transformer answers with the Bot API's envelope; the client unwraps it.
        return { ok: true, result: await deps.call(method, params, abort) } as never;
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 429) {
          // Someone else shares the token, or Telegram counts differently: every instance pauses.
          const retryAfterMs = Math.max(1, error.parameters.retry_after ?? 1) * 1000;
          await deps.limiter.pauseUntil(clock() + retryAfterMs);
          continue;
        }
        const transient = error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);
        if (!transient || (failures += 1) >= transientAttempts) throw error;
        await sleep(500 * 2 ** (failures - 1), abort);
      } finally {
        void permit.settle();
      }
    }
  };
}

/** The outbox message a reply becomes, or undefined when the outbox cannot carry it (files to upload, other methods). */
function outboxMessageOf(method: string, chatId: number, params: Record<string, unknown>): OutboxMessage | undefined {
  if (!OUTBOX_METHODS.has(method) || !isPlainJson(params)) return undefined;
  const { chat_id: _chatId, ...rest } = params;
  return { chatId, method: method as OutboxMethod, payload: rest, priority: 'high' };
}

/** Whether a value is made of plain objects, arrays and primitives only (no InputFile, no stream). */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint';
  if (Array.isArray(value)) return value.every(isPlainJson);
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value as Record<string, unknown>).every(isPlainJson);
}

/** What the handler gets for a reply handed to the outbox: the message is not sent yet, so it has no id. */
function standIn(method: string, chatId: number, nowMs: number): unknown {
  if (method === 'sendMediaGroup') return [];
  if (method === 'copyMessage') return { message_id: 0 };
  return { message_id: 0, date: Math.floor(nowMs / 1000), chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: '' } : { id: chatId, type: 'private', first_name: '' } };
}
