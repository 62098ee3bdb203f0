import { randomBytes } from 'node:crypto';
import { GrammyError, HttpError } from 'grammy';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { FailedOutcome, OutboxRepository, RetryOutcome, SentOutcome } from './outbox.repository.ts';
import type { OutboxRow } from './outbox.tables.ts';
import { isGroupChat, sleepMs, type SendBudget, type SendRateLimiter, type SendSlot } from './rate-limiter.ts';

/** Makes one Bot API call and returns its result; throws grammY's GrammyError / HttpError. */
export type ApiCall = (method: string, payload: Record<string, unknown>) => Promise<unknown>;

/**
 * Which rows are sent again when a crash (or a dropped connection) leaves it unknown whether
 * Telegram received them: `transactional` resends high and normal priority rows but not
 * broadcasts; `all` resends everything (no loss, rare duplicates); `none` resends nothing.
 */
export type UncertainResendPolicy = 'transactional' | 'all' | 'none';

/** Tunables of the sender; every one has a default. */
export interface SenderOptions {
  /** Names this sender in `claimed_by`; unique per process. */
  workerId?: string;
  /** How long claimed rows stay ours without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** Rows claimed at once (default: a third of a second of sending, 5–200). */
  batchSize?: number;
  /** How often an idle sender looks for new rows (default 250 ms). */
  pollIntervalMs?: number;
  /** Calls in flight at once (default: a tenth of a second of sending, 8–100). */
  maxInFlight?: number;
  /** Honour `allow_paid_broadcast` in payloads (the owner pays Stars for it); otherwise it is removed. */
  paidBroadcast?: boolean;
  uncertainResend?: UncertainResendPolicy;
  /**
   * A message that keeps failing transiently (Telegram unreachable, 5xx) is given up once it
   * has had `maxAttempts` attempts (default 6) and is older than `retryWindowMs` (default
   * 24 h): an outage of minutes or hours delays messages but loses none.
   */
  maxAttempts?: number;
  retryWindowMs?: number;
  /**
   * A notification or staff alert (not a broadcast) to a private chat Telegram will not write
   * to yet — the user never pressed Start — is kept and tried again every
   * `unreachableRetryMs` (default 15 min) until it is `unreachableKeepMs` old (default
   * {@link DEFAULT_UNREACHABLE_KEEP_MS}); then it fails with Telegram's reason. When the user
   * presses Start it goes at once (see {@link OutboxSender.chatReachable}).
   */
  unreachableKeepMs?: number;
  unreachableRetryMs?: number;
  /** Real milliseconds between ticks while busy (default 10). */
  tickMs?: number;
  /** How long a graceful stop waits for calls in flight (default 10 s). */
  stopTimeoutMs?: number;
}

/** What the sender needs, passed in explicitly. */
export interface SenderDeps {
  repository: OutboxRepository;
  limiter: SendRateLimiter;
  /** Bot API calls for outbox rows; must not retry 429 itself (the sender pauses for it). */
  call: ApiCall;
  logger: Logger;
  metrics?: Metrics;
  /** Records that a user blocked the bot (403), so future broadcasts leave them out. */
  onBlocked?(chatId: number): Promise<void>;
  /** Of these private chats, the ones whose users are known to have blocked the bot. */
  blockedChats?(chatIds: readonly number[]): Promise<ReadonlySet<number>>;
  /** A group became a supergroup: its waiting messages now go to `toChatId`; whoever keeps the old id should update it. */
  onChatMigrated?(fromChatId: number, toChatId: number): Promise<void>;
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  options?: SenderOptions;
}

/** Counters since start, for logs, tests and the benchmark. */
export interface SenderStats {
  sent: number;
  failed: number;
  blocked: number;
  retried: number;
  tooManyRequests: number;
  deferred: number;
  /** Refusals of a chat whose user has not pressed Start, kept for a later try. */
  kept: number;
}

/** The running sender. */
export interface OutboxSender {
  readonly workerId: string;
  start(): void;
  /** Stops claiming, waits for calls in flight, records them and gives back unsent claims. */
  stop(): Promise<void>;
  /**
   * Stops at once and records nothing more, as a killed process would: calls in flight go
   * on, but their outcome is never written and the claims are left to expire. Tests use it
   * to check crash recovery.
   */
  stopAbruptly(): void;
  /** Makes an idle sender look for rows now. */
  wake(): void;
  /**
   * The user of this private chat just pressed Start: forgets the chat's wait here (its
   * kept rows were made due in the table by the caller) and looks for rows now.
   */
  chatReachable(chatId: number): void;
  stats(): SenderStats;
}

const PRIORITY_HIGH = 0;
const PRIORITY_NORMAL = 1;
const PRIORITY_BULK = 2;

/** How long a message to a user who has not pressed Start is kept by default: 3 days. */
export const DEFAULT_UNREACHABLE_KEEP_MS = 3 * 86_400_000;

/**
 * Telegram's answers to a send to a user who never started the bot: 400 "chat not found"
 * (most often) or 403 "bot can't initiate conversation with a user".
 */
function isNotStartedRefusal(error: GrammyError): boolean {
  if (error.error_code === 403) return /can't initiate conversation/i.test(error.description);
  return error.error_code === 400 && /chat not found/i.test(error.description);
}

/**
 * Creates the outbox sender: claims due rows in small batches (highest priority first),
 * takes a place per message in the rate limiter's windows, marks the row `sending`, calls the Bot
 * API and records the outcome. 429 pauses everything for `retry_after`; 403 marks the user
 * blocked and skips their waiting messages; transient errors retry with backoff; permanent
 * errors fail with the reason stored. Messages to one chat go out one at a time, in order.
 */
export function createOutboxSender(deps: SenderDeps): OutboxSender {
  const options = deps.options ?? {};
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? sleepMs;
  const workerId = options.workerId ?? `sender-${randomBytes(5).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const limits = deps.limiter.limits;
  const sendRate = options.paidBroadcast ? Math.max(limits.globalPerSecond, limits.paidPerSecond) : limits.globalPerSecond;
  const batchSize = options.batchSize ?? Math.min(200, Math.max(5, Math.ceil(sendRate / 3)));
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  // Enough calls in flight to reach the rate over a slow link (1000/s × 80 ms ≈ 80), and no
  // more: every call in flight is a message whose outcome a crash would leave unknown.
  const maxInFlight = options.maxInFlight ?? Math.min(100, Math.max(8, Math.ceil(sendRate / 10)));
  /** Real milliseconds between ticks while sending: outcomes and the next group share a commit. */
  const tickMs = options.tickMs ?? 10;
  const maxAttempts = options.maxAttempts ?? 6;
  const retryWindowMs = options.retryWindowMs ?? 24 * 3600_000;
  const unreachableKeepMs = options.unreachableKeepMs ?? DEFAULT_UNREACHABLE_KEEP_MS;
  const unreachableRetryMs = options.unreachableRetryMs ?? 15 * 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const policy = options.uncertainResend ?? 'transactional';
  const resendPriorities = policy === 'all' ? [0, 1, 2] : policy === 'transactional' ? [PRIORITY_HIGH, PRIORITY_NORMAL] : [];
  const log = deps.logger.child({ component: 'sender', workerId });

  let state: 'idle' | 'running' | 'stopping' | 'stopped' | 'aborted' = 'idle';
  let loopDone: Promise<void> = Promise.resolve();
  let wakeController = new AbortController();
  const buffer: OutboxRow[] = [];
  const inFlight = new Map<number, OutboxRow>();
  const busyChats = new Set<number>();
  const sent: SentOutcome[] = [];
  const failed: FailedOutcome[] = [];
  const retries: RetryOutcome[] = [];
  // Chats that answered 403 since the last flush, and whether the user blocked the bot.
  const blockedNow = new Map<number, 'blocked' | 'forbidden'>();
  // Groups that answered "upgraded to a supergroup" since the last flush: old id → new id,
  // and the refused rows, still ours, to send again to the new id.
  const migratedNow = new Map<number, number>();
  const requeued: { id: number; chatId: number }[] = [];
  // Chats whose earliest waiting message failed transiently: their later messages wait for
  // its retry (chat id → retry time), so a chat still gets its messages in order.
  const heldChats = new Map<number, number>();
  // Of the held chats, those held because their user has not pressed Start yet.
  const unreachableChats = new Set<number>();
  let nextClaimMs = 0;
  // Set by a 429 seen here: calls not yet started wait it out even if they took their places in the windows.
  let pausedUntilMs = 0;
  let nextMaintenanceMs = 0;
  let nextHeartbeatMs = 0;
  const stats: SenderStats = { sent: 0, failed: 0, blocked: 0, retried: 0, tooManyRequests: 0, deferred: 0, kept: 0 };

  const unflushed = () => sent.length + failed.length + retries.length + blockedNow.size + migratedNow.size + requeued.length;
  const wake = () => wakeController.abort();
  /** Sleeps `ms` (on the sender's clock unless another sleeper is given) or until {@link wake}. */
  const waitForWake = async (ms: number, sleeper: typeof sleep = sleep) => {
    if (wakeController.signal.aborted) {
      wakeController = new AbortController();
      return;
    }
    await sleeper(ms, wakeController.signal);
    if (wakeController.signal.aborted) wakeController = new AbortController();
  };

  const budgetOf = (row: OutboxRow): SendBudget => (options.paidBroadcast && row.payload.includes('"allow_paid_broadcast":true') ? 'paid' : 'global');

  const payloadOf = (row: OutboxRow): Record<string, unknown> => {
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (!options.paidBroadcast) delete payload.allow_paid_broadcast;
    return { chat_id: row.chat_id, ...payload };
  };

  /** Retry delay after `attempts` failed attempts: 1 s, 2 s, 4 s … up to 5 min, ±20 %. */
  const backoffMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1)) * (0.8 + Math.random() * 0.4);

  const record = (row: OutboxRow, error: unknown, nowMs: number): void => {
    if (error instanceof GrammyError) {
      const description = `${error.error_code}: ${error.description}`;
      // A staff member or customer who has not pressed Start yet: not the message's fault,
      // and broadcasts aside, worth keeping until they do (within a bound).
      if (isNotStartedRefusal(error) && !isGroupChat(row.chat_id) && row.priority !== PRIORITY_BULK) {
        if (nowMs - row.created_at < unreachableKeepMs) {
          keepForStart(row, description, nowMs);
          return;
        }
        // Kept long enough: this one fails with its reason; the chat's younger messages keep their own time.
        failed.push({ id: row.id, status: 'failed', code: error.error_code === 403 ? 'forbidden' : 'bad_request', error: description });
        stats.failed += 1;
        return;
      }
      if (error.error_code === 429) {
        const retryAfterMs = Math.max(1, error.parameters.retry_after ?? 1) * 1000;
        stats.tooManyRequests += 1;
        pausedUntilMs = Math.max(pausedUntilMs, nowMs + retryAfterMs);
        log.warn({ retryAfterMs, chatId: row.chat_id }, 'Telegram said 429: pausing every send');
        void deps.limiter.pauseUntil(nowMs + retryAfterMs).catch((cause: unknown) => log.error({ err: cause }, 'could not share the 429 pause'));
        retries.push({ id: row.id, notBeforeMs: nowMs + retryAfterMs, error: description, countsAsAttempt: false });
        return;
      }
      if (error.error_code === 403) {
        const blocked = /blocked by the user|user is deactivated/i.test(error.description);
        failed.push({ id: row.id, status: 'failed', code: blocked ? 'blocked' : 'forbidden', error: description });
        if (blocked) stats.blocked += 1;
        else stats.failed += 1;
        blockedNow.set(row.chat_id, blocked ? 'blocked' : 'forbidden');
        return;
      }
      const migratedTo = error.parameters.migrate_to_chat_id;
      if (error.error_code === 400 && migratedTo !== undefined && migratedTo !== row.chat_id) {
        // Not the message's fault: it goes again at once to the supergroup, with the chat's
        // other waiting messages (buffered here and in the table), and no attempt is counted.
        // It stays claimed and goes back to the front of the buffer, so the chat's order holds.
        migratedNow.set(row.chat_id, migratedTo);
        for (const other of buffer) if (other.chat_id === row.chat_id) other.chat_id = migratedTo;
        requeued.push({ id: row.id, chatId: migratedTo });
        buffer.push({ ...row, chat_id: migratedTo });
        buffer.sort((a, b) => a.priority - b.priority || a.not_before - b.not_before || a.id - b.id);
        log.warn({ fromChatId: row.chat_id, toChatId: migratedTo }, 'a group became a supergroup: its messages now go to the new chat');
        return;
      }
      if (error.error_code === 400 && /message is not modified/i.test(error.description)) {
        sent.push({ id: row.id, messageId: null });
        stats.sent += 1;
        return;
      }
      if (error.error_code === 400) {
        failed.push({ id: row.id, status: 'failed', code: 'bad_request', error: description });
        stats.failed += 1;
        return;
      }
      // 5xx and the odd 401/404 of a Bot API server in trouble: try again later.
      retryOrGiveUp(row, description, nowMs);
      return;
    }
    if (error instanceof HttpError) {
      const cause = error.error as { code?: string } | undefined;
      const neverLeft = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'].includes(cause?.code ?? '');
      const description = `network: ${error.message}`;
      if (neverLeft || resendPriorities.includes(row.priority)) {
        retryOrGiveUp(row, description, nowMs);
      } else {
        failed.push({ id: row.id, status: 'failed', code: 'outcome_unknown', error: `delivery.outcome_unknown: ${description}` });
        stats.failed += 1;
      }
      return;
    }
    // Not Telegram's answer: a payload this code cannot send. Retrying would not help.
    failed.push({ id: row.id, status: 'failed', code: 'bad_request', error: `delivery.invalid: ${(error as Error)?.message ?? String(error)}` });
    stats.failed += 1;
  };

  /**
   * Tries the row again after `unreachableRetryMs` (never past its bound) without counting an
   * attempt; the chat's later messages wait behind it, so the chat still gets them in order.
   */
  const keepForStart = (row: OutboxRow, description: string, nowMs: number) => {
    const notBeforeMs = Math.max(nowMs + 1, Math.min(nowMs + unreachableRetryMs, row.created_at + unreachableKeepMs));
    retries.push({
      id: row.id,
      notBeforeMs,
      error: `delivery.chat_unreachable: ${description}`,
      countsAsAttempt: false,
      holdChatId: row.chat_id,
      unreachable: true,
    });
    heldChats.set(row.chat_id, Math.max(heldChats.get(row.chat_id) ?? 0, notBeforeMs));
    unreachableChats.add(row.chat_id);
    stats.kept += 1;
    log.info({ chatId: row.chat_id, retryAtMs: notBeforeMs }, 'the user has not started the bot: the message is kept until they do');
  };

  const retryOrGiveUp = (row: OutboxRow, description: string, nowMs: number) => {
    const attempts = row.attempts + 1;
    if (attempts >= maxAttempts && nowMs - row.created_at >= retryWindowMs) {
      failed.push({ id: row.id, status: 'failed', code: 'transient', error: `gave up after ${attempts} attempts: ${description}` });
      stats.failed += 1;
      return;
    }
    const notBeforeMs = nowMs + backoffMs(attempts);
    retries.push({ id: row.id, notBeforeMs, error: description, countsAsAttempt: true, holdChatId: row.chat_id });
    heldChats.set(row.chat_id, Math.max(heldChats.get(row.chat_id) ?? 0, notBeforeMs));
    stats.retried += 1;
  };

  const fire = (row: OutboxRow, slot: SendSlot | undefined) => {
    // Kept apart: a supergroup upgrade re-points the row while its call is in flight.
    const chatId = row.chat_id;
    inFlight.set(row.id, row);
    busyChats.add(chatId);
    let payload: Record<string, unknown>;
    try {
      payload = payloadOf(row);
    } catch (error) {
      inFlight.delete(row.id);
      busyChats.delete(chatId);
      void slot?.settle();
      record(row, error, clock());
      return;
    }
    deps
      .call(row.method, payload)
      .then(
        (result) => {
          if (state === 'aborted') return;
          const message = Array.isArray(result) ? result[0] : result;
          const messageId = typeof message === 'object' && message !== null && 'message_id' in message ? Number(message.message_id) : null;
          sent.push({ id: row.id, messageId });
          stats.sent += 1;
        },
        (error: unknown) => {
          if (state === 'aborted') return;
          record(row, error, clock());
        },
      )
      .finally(() => {
        inFlight.delete(row.id);
        busyChats.delete(chatId);
        // The message reached Telegram by now (if at all): it leaves the windows a second from here.
        void slot?.settle();
      });
  };

  /**
   * Writes, in one transaction (one fsync on SQLite), the outcomes that came back since the
   * last tick, the rows set aside for their chat's budget, and `sending` for the rows about
   * to be called; returns the ids of those still ours. Then marks users who blocked the bot.
   */
  const commit = async (nowMs: number, group: readonly OutboxRow[], deferred: readonly { id: number; notBeforeMs: number; unreachable?: boolean }[]): Promise<Set<number>> => {
    if (state === 'aborted') return new Set();
    const doneSent = sent.splice(0);
    const doneFailed = failed.splice(0);
    const doneRetries = retries.splice(0);
    const blockedChats = [...blockedNow];
    blockedNow.clear();
    const migratedChats = [...migratedNow];
    migratedNow.clear();
    const doneRequeued = requeued.splice(0);
    if (doneSent.length + doneFailed.length + doneRetries.length + blockedChats.length + migratedChats.length + group.length + deferred.length === 0) return new Set();
    let ours: Set<number>;
    try {
      ours = await deps.repository.transaction(async (repository) => {
        await repository.markSent(doneSent, nowMs);
        await repository.markFailed(doneFailed, nowMs);
        await repository.retryLater(doneRetries, nowMs);
        for (const [chatId, code] of blockedChats) {
          await repository.skipWaitingForChat(chatId, code, 'the chat does not accept messages from the bot', nowMs);
        }
        for (const [fromChatId, toChatId] of migratedChats) await repository.retargetChat(fromChatId, toChatId, nowMs);
        // Before markSending below, which may pick these rows again in this very commit.
        await repository.requeueClaimed(workerId, doneRequeued, nowMs);
        if (deferred.length > 0) await repository.defer({ workerId, rows: deferred, nowMs });
        return repository.markSending({ workerId, ids: group.map((row) => row.id), nowMs, leaseMs });
      });
    } catch (error) {
      // Nothing was written: keep the outcomes for the next tick. The group stays claimed
      // but unsent, and is claimed again when its lease ends.
      sent.unshift(...doneSent);
      failed.unshift(...doneFailed);
      retries.unshift(...doneRetries);
      for (const [chatId, code] of blockedChats) blockedNow.set(chatId, code);
      for (const [fromChatId, toChatId] of migratedChats) migratedNow.set(fromChatId, toChatId);
      requeued.unshift(...doneRequeued);
      throw error;
    }
    for (const [fromChatId, toChatId] of migratedChats) {
      await deps.onChatMigrated?.(fromChatId, toChatId).catch((error: unknown) => log.error({ err: error, fromChatId, toChatId }, 'could not record the supergroup id'));
    }
    for (const [chatId, code] of blockedChats) {
      if (code === 'blocked' && !isGroupChat(chatId) && deps.onBlocked) {
        await deps.onBlocked(chatId).catch((error: unknown) => log.error({ err: error, chatId }, 'could not mark the user as blocked'));
      }
    }
    return ours;
  };

  const refill = async (nowMs: number) => {
    const claimed = await deps.repository.claim({ workerId, nowMs, leaseMs, limit: batchSize });
    if (claimed.length === 0) {
      nextClaimMs = nowMs + pollIntervalMs;
      return;
    }
    let rows = claimed;
    if (deps.blockedChats) {
      const privateChats = [...new Set(rows.filter((row) => !isGroupChat(row.chat_id)).map((row) => row.chat_id))];
      const blocked = privateChats.length > 0 ? await deps.blockedChats(privateChats) : new Set<number>();
      if (blocked.size > 0) {
        const skipped = rows.filter((row) => blocked.has(row.chat_id));
        rows = rows.filter((row) => !blocked.has(row.chat_id));
        await deps.repository.markFailed(
          skipped.map((row) => ({ id: row.id, status: 'skipped', code: 'blocked', error: 'the user has blocked the bot' })),
          nowMs,
        );
      }
    }
    buffer.push(...rows);
    buffer.sort((a, b) => a.priority - b.priority || a.not_before - b.not_before || a.id - b.id);
  };

  /**
   * One tick: takes places for as many buffered rows as the windows allow, commits (see
   * {@link commit}) and starts their calls. Returns how long to wait when no row could go.
   */
  const tick = async (): Promise<{ started: number; waitMs: number }> => {
    const nowMs = clock();
    const chosen: OutboxRow[] = [];
    // The windows' places the chosen rows took; each is given back when its call is answered.
    const slots = new Map<number, SendSlot>();
    const chosenChats = new Set<number>();
    const deferred: { id: number; notBeforeMs: number; unreachable?: boolean }[] = [];
    const exhausted = new Set<SendBudget>();
    let waitMs = Number.POSITIVE_INFINITY;
    const taken = new Set<number>();
    for (const row of buffer) {
      if (inFlight.size + chosen.length >= maxInFlight) break;
      if (taken.has(row.id) || busyChats.has(row.chat_id) || chosenChats.has(row.chat_id)) continue;
      const heldUntilMs = heldChats.get(row.chat_id);
      if (heldUntilMs !== undefined && heldUntilMs <= nowMs) {
        heldChats.delete(row.chat_id);
        unreachableChats.delete(row.chat_id);
      }
      if (heldUntilMs !== undefined && heldUntilMs > nowMs && row.not_before < heldUntilMs) {
        // An earlier message of this chat waits for its retry: this one waits with it.
        const unreachable = unreachableChats.has(row.chat_id);
        for (const other of buffer) {
          if (other.chat_id === row.chat_id && !taken.has(other.id)) {
            deferred.push({ id: other.id, notBeforeMs: heldUntilMs, ...(unreachable ? { unreachable } : {}) });
            taken.add(other.id);
          }
        }
        chosenChats.add(row.chat_id);
        continue;
      }
      const budget = budgetOf(row);
      if (exhausted.has(budget)) continue;
      const permit = await deps.limiter.tryAcquire({ chatId: row.chat_id, paid: budget === 'paid' });
      if (permit.ok) {
        chosen.push(row);
        slots.set(row.id, permit);
        chosenChats.add(row.chat_id);
        taken.add(row.id);
      } else if (permit.scope === 'chat') {
        // Every waiting row of this chat is set aside to the same time, so their order holds.
        for (const other of buffer) {
          if (other.chat_id === row.chat_id && !taken.has(other.id)) {
            deferred.push({ id: other.id, notBeforeMs: nowMs + permit.waitMs });
            taken.add(other.id);
          }
        }
        chosenChats.add(row.chat_id);
      } else {
        exhausted.add(budget);
        waitMs = Math.min(waitMs, permit.waitMs);
        if (exhausted.size === 2) break;
      }
    }
    if (taken.size > 0) {
      for (let index = buffer.length - 1; index >= 0; index--) if (taken.has((buffer[index] as OutboxRow).id)) buffer.splice(index, 1);
    }
    stats.deferred += deferred.length;
    let started = 0;
    try {
      const ours = await commit(clock(), chosen, deferred);
      if (state === 'aborted') return { started: 0, waitMs: 0 };
      for (const row of chosen) {
        if (!ours.has(row.id)) continue;
        if (clock() < pausedUntilMs) {
          // A 429 arrived while this tick committed: back to the queue, not an attempt.
          retries.push({ id: row.id, notBeforeMs: pausedUntilMs, error: null, countsAsAttempt: false });
          continue;
        }
        fire(row, slots.get(row.id));
        slots.delete(row.id);
        started += 1;
      }
    } finally {
      // Rows that were not sent after all give their places back.
      for (const slot of slots.values()) void slot.settle();
    }
    return { started, waitMs: chosen.length > 0 || deferred.length > 0 ? 0 : waitMs };
  };

  const maintenance = async (nowMs: number) => {
    // Often enough that rows abandoned by a dead sender are settled soon after their lease ends.
    nextMaintenanceMs = nowMs + Math.min(5000, leaseMs / 2);
    // Holds of chats whose retry time passed and that had nothing more to send.
    for (const [chatId, untilMs] of heldChats) {
      if (untilMs > nowMs) continue;
      heldChats.delete(chatId);
      unreachableChats.delete(chatId);
    }
    const recovered = await deps.repository.recoverAbandoned(nowMs, resendPriorities);
    if (recovered.resent + recovered.unknown > 0) {
      log.warn(recovered, 'recovered messages a stopped sender left mid-call');
    }
    if (deps.metrics) {
      const depth = await deps.repository.depth();
      for (const status of ['pending', 'held', 'sending'] as const) deps.metrics.outboxDepth.set({ status }, depth[status] ?? 0);
    }
  };

  const heartbeat = async (nowMs: number) => {
    nextHeartbeatMs = nowMs + leaseMs / 3;
    const ids = [...buffer.map((row) => row.id), ...inFlight.keys()];
    if (ids.length > 0) await deps.repository.renewLease(workerId, ids, nowMs + leaseMs);
  };

  const loop = async () => {
    while (state === 'running') {
      try {
        const nowMs = clock();
        if (nowMs >= nextMaintenanceMs) await maintenance(nowMs);
        if (nowMs >= nextHeartbeatMs) await heartbeat(nowMs);
        if (buffer.length <= batchSize / 2 && nowMs >= nextClaimMs) await refill(nowMs);
        const { started, waitMs } = await tick();
        if (state !== 'running') break;
        if (started > 0 || inFlight.size > 0 || unflushed() > 0) {
          // Busy: the next tick comes soon and carries the outcomes of this one's calls, so
          // each transaction covers many messages (SQLite pays one fsync per commit).
          await waitForWake(tickMs, sleepMs);
        } else if (buffer.length > 0) {
          await waitForWake(Math.max(1, Math.min(waitMs, pollIntervalMs)));
        } else {
          await waitForWake(Math.max(1, Math.min(pollIntervalMs, nextClaimMs - clock())));
        }
      } catch (error) {
        if (state !== 'running') break;
        log.error({ err: error }, 'sender step failed; retrying in a second');
        await sleep(1000);
      }
    }
  };

  return {
    workerId,
    start() {
      if (state !== 'idle') return;
      state = 'running';
      log.info({ rate: limits.globalPerSecond, paidBroadcast: Boolean(options.paidBroadcast), batchSize }, 'sender started');
      loopDone = loop();
    },
    async stop() {
      if (state !== 'running') return;
      state = 'stopping';
      wake();
      await loopDone;
      const deadline = Date.now() + stopTimeoutMs;
      while (inFlight.size > 0 && Date.now() < deadline) await sleepMs(10);
      try {
        await commit(clock(), [], []);
        await deps.repository.release(workerId, buffer.splice(0).map((row) => row.id));
      } catch (error) {
        log.error({ err: error }, 'could not record the last outcomes; the lease will expire and recovery settles them');
      }
      state = 'stopped';
      log.info(stats, 'sender stopped');
    },
    stopAbruptly() {
      state = 'aborted';
      wake();
      buffer.length = 0;
    },
    wake,
    chatReachable(chatId) {
      if (unreachableChats.delete(chatId)) heldChats.delete(chatId);
      wake();
    },
    stats: () => ({ ...stats }),
  };
}
