// Telegram's flood limits, as token buckets the sender draws from before every message:
// one budget for the whole bot (about 30 msg/s), a separate one for paid broadcasts
// (`allow_paid_broadcast`, up to 1000 msg/s), and one per chat (1 msg/s with a small burst
// in private chats, 20 msg/min in groups and channels).

/** Which bot-wide budget a message draws from. */
export type SendBudget = 'global' | 'paid';

/** One message that wants to go out. */
export interface SendRequest {
  /** The target chat; omitted for calls that only take a bot-wide token (direct replies). */
  chatId?: number;
  /** Paid broadcasts draw from the paid budget instead of the global one. */
  paid?: boolean;
}

/**
 * The limiter's answer: a token was taken from every bucket the message touches, or none was
 * and `waitMs` says how long until one would be. `scope` says which bucket was empty: a
 * `chat` wait concerns only that chat (the sender sets the message aside and sends others),
 * a `global` wait concerns every message on that budget (the sender waits).
 */
export type SendPermit = { ok: true } | { ok: false; waitMs: number; scope: 'global' | 'chat' };

/** Limits as configured; every field has Telegram's default. */
export interface RateLimits {
  /** Messages per second for the whole bot (default 30). */
  globalPerSecond: number;
  /** Messages per second with `allow_paid_broadcast` (default 1000). */
  paidPerSecond: number;
  /** Messages per second to one private chat (default 1). */
  privatePerSecond: number;
  /** Messages one private chat may receive at once before the per-second rate applies (default 2). */
  privateBurst: number;
  /** Messages per minute to one group or channel (default 20). */
  groupPerMinute: number;
}

/** Telegram's published limits, with bursts kept below Telegram's own so that timing jitter never trips them. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  globalPerSecond: 30,
  paidPerSecond: 1000,
  privatePerSecond: 1,
  privateBurst: 2,
  groupPerMinute: 20,
};

/** Decides whether a message may go out now; shared by the sender and direct replies. */
export interface SendRateLimiter {
  readonly limits: RateLimits;
  /** Takes one token from each bucket the message touches, or none (see {@link SendPermit}). */
  tryAcquire(request: SendRequest): Promise<SendPermit>;
  /**
   * Takes a bot-wide token for a direct reply without waiting for one: a customer is waiting
   * for the answer. When the bucket is empty the reply borrows — the bucket goes negative (at
   * most one burst deep) — so the sender's next outbox messages wait instead, and replies and
   * broadcasts together stay within the budget. Only a 429 pause makes a reply wait.
   */
  acquire(request: SendRequest, signal?: AbortSignal): Promise<void>;
  /** Stops every send on every budget until `untilMs` (epoch ms): Telegram answered 429. */
  pauseUntil(untilMs: number): Promise<void>;
}

/**
 * A bucket's burst on the bot-wide budgets: half a second of sending. Telegram's own bucket
 * holds about a second, so the other half absorbs network jitter between the moment a token
 * is taken here and the moment the request reaches Telegram; the half-second lets the sender
 * batch its database writes (one commit per tick) without its bucket overflowing.
 */
export function bucketBurst(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / 2));
}

/** Which chats are groups or channels: Telegram gives them negative ids. */
export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}

/** Bucket parameters for one chat. */
export function chatBucket(limits: RateLimits, chatId: number): { perMs: number; capacity: number } {
  return isGroupChat(chatId)
    ? // Groups get a burst of a quarter of their minute so a few alerts in a row go out at once.
      { perMs: limits.groupPerMinute / 60_000, capacity: Math.max(1, Math.floor(limits.groupPerMinute / 4)) }
    : { perMs: limits.privatePerSecond / 1000, capacity: Math.max(1, limits.privateBurst) };
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  limits?: Partial<RateLimits>;
  /** Milliseconds since the epoch (tests and the benchmark run a faster clock). */
  clock?: () => number;
  /** Sleeps for the clock's milliseconds (matches `clock`). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The in-process limiter: exact token buckets in memory. Right for one Lavka instance; with
 * several instances use the Redis limiter, or three instances would send three times the rate.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): SendRateLimiter {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.limits };
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  // The bot-wide buckets start empty: a process restarted right after a crash does not know
  // what its predecessor just sent, and a fresh burst on top of that could trip Telegram's
  // limit. Filling from empty costs the first message 1/rate of a second.
  const budgets: Record<SendBudget, { bucket: Bucket; perMs: number; capacity: number }> = {
    global: { bucket: { tokens: 0, updatedAtMs: clock() }, perMs: limits.globalPerSecond / 1000, capacity: bucketBurst(limits.globalPerSecond) },
    paid: { bucket: { tokens: 0, updatedAtMs: clock() }, perMs: limits.paidPerSecond / 1000, capacity: bucketBurst(limits.paidPerSecond) },
  };
  const chats = new Map<number, Bucket>();
  let pausedUntilMs = 0;
  let lastSweepMs = clock();

  const level = (bucket: Bucket, perMs: number, capacity: number, nowMs: number): number =>
    Math.min(capacity, bucket.tokens + Math.max(0, nowMs - bucket.updatedAtMs) * perMs);

  // A chat bucket that has refilled completely carries no information; dropping it keeps
  // memory flat through a 100 000-recipient broadcast.
  const sweep = (nowMs: number) => {
    if (nowMs - lastSweepMs < 10_000) return;
    lastSweepMs = nowMs;
    for (const [chatId, bucket] of chats) {
      const { perMs, capacity } = chatBucket(limits, chatId);
      if (level(bucket, perMs, capacity, nowMs) >= capacity) chats.delete(chatId);
    }
  };

  const tryAcquireNow = (request: SendRequest): SendPermit => {
    const nowMs = clock();
    if (pausedUntilMs > nowMs) return { ok: false, waitMs: pausedUntilMs - nowMs, scope: 'global' };
    sweep(nowMs);
    if (request.chatId !== undefined) {
      const { perMs, capacity } = chatBucket(limits, request.chatId);
      const bucket = chats.get(request.chatId) ?? { tokens: capacity, updatedAtMs: nowMs };
      const tokens = level(bucket, perMs, capacity, nowMs);
      if (tokens < 1) return { ok: false, waitMs: Math.ceil((1 - tokens) / perMs), scope: 'chat' };
    }
    const budget = budgets[request.paid ? 'paid' : 'global'];
    const globalTokens = level(budget.bucket, budget.perMs, budget.capacity, nowMs);
    if (globalTokens < 1) return { ok: false, waitMs: Math.max(1, Math.ceil((1 - globalTokens) / budget.perMs)), scope: 'global' };
    budget.bucket.tokens = globalTokens - 1;
    budget.bucket.updatedAtMs = nowMs;
    if (request.chatId !== undefined) {
      const { perMs, capacity } = chatBucket(limits, request.chatId);
      const bucket = chats.get(request.chatId) ?? { tokens: capacity, updatedAtMs: nowMs };
      bucket.tokens = level(bucket, perMs, capacity, nowMs) - 1;
      bucket.updatedAtMs = nowMs;
      chats.set(request.chatId, bucket);
    }
    return { ok: true };
  };

  return {
    limits,
    async tryAcquire(request) {
      return tryAcquireNow(request);
    },
    async acquire(request, signal) {
      for (let nowMs = clock(); pausedUntilMs > nowMs && !signal?.aborted; nowMs = clock()) {
        await sleep(pausedUntilMs - nowMs, signal);
      }
      const nowMs = clock();
      const budget = budgets[request.paid ? 'paid' : 'global'];
      budget.bucket.tokens = Math.max(-budget.capacity, level(budget.bucket, budget.perMs, budget.capacity, nowMs) - 1);
      budget.bucket.updatedAtMs = nowMs;
    },
    async pauseUntil(untilMs) {
      pausedUntilMs = Math.max(pausedUntilMs, untilMs);
    },
  };
}

/** A cancellable sleep on the real clock. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
