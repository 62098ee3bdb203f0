// Telegram's flood limits: about 30 messages a second per bot, one a second per private chat
// (with a small burst) and 20 a minute per group or channel. Paid broadcasts
// (`allow_paid_broadcast`) draw from a 1000/s budget instead of the global one. The bot-wide
// budgets are sliding windows — no one-second span may hold more, even after a quiet spell
// (a bot that sent 31–45 messages in the first second of a broadcast got 429) — and the
// per-chat ones token buckets, since Telegram allows a chat short bursts.

/** Limits, all optional; the defaults follow Telegram's published numbers. */
export interface RateLimitOptions {
  globalPerSecond?: number;
  paidPerSecond?: number;
  privateChatPerSecond?: number;
  privateChatBurst?: number;
  groupPerMinute?: number;
}

/** Decides whether a message may go out now. */
export interface RateLimiter {
  /** Takes a token from every bucket the send touches, or returns the seconds to wait (≥ 1) and takes none. */
  consume(chatId: number, chatKind: 'private' | 'group', paid: boolean): { ok: true } | { ok: false; retryAfterSec: number };
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
  capacity: number;
  refillPerMs: number;
}

/** Creates a limiter; `false` disables all limits. */
export function createRateLimiter(options: RateLimitOptions | false, clock: () => number): RateLimiter {
  if (options === false) return { consume: () => ({ ok: true }) };
  const globalPerSecond = options.globalPerSecond ?? 30;
  const paidPerSecond = options.paidPerSecond ?? 1000;
  const privatePerSecond = options.privateChatPerSecond ?? 1;
  const privateBurst = options.privateChatBurst ?? 3;
  const groupPerMinute = options.groupPerMinute ?? 20;

  const makeBucket = (capacity: number, perSecond: number): Bucket => ({
    tokens: capacity,
    updatedAtMs: clock(),
    capacity,
    refillPerMs: perSecond / 1000,
  });
  // Times of the sends in the last second, oldest first.
  const globalWindow: number[] = [];
  const paidWindow: number[] = [];
  const chatBuckets = new Map<number, Bucket>();
  /** Milliseconds until the window has room for one more send (0: it has room now). */
  const windowWaitMs = (window: number[], limit: number, nowMs: number): number => {
    while (window.length > 0 && (window[0] as number) <= nowMs - 1000) window.shift();
    return window.length < limit ? 0 : (window[window.length - limit] as number) + 1000 - nowMs;
  };

  const refill = (bucket: Bucket, nowMs: number): void => {
    const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsedMs * bucket.refillPerMs);
    bucket.updatedAtMs = nowMs;
  };
  const waitMs = (bucket: Bucket): number => (bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / bucket.refillPerMs);

  return {
    consume(chatId, chatKind, paid) {
      const nowMs = clock();
      let chatBucket = chatBuckets.get(chatId);
      if (!chatBucket) {
        chatBucket = chatKind === 'private' ? makeBucket(privateBurst, privatePerSecond) : makeBucket(groupPerMinute, groupPerMinute / 60);
        chatBuckets.set(chatId, chatBucket);
      }
      const window = paid ? paidWindow : globalWindow;
      refill(chatBucket, nowMs);
      const longestWaitMs = Math.max(waitMs(chatBucket), windowWaitMs(window, paid ? paidPerSecond : globalPerSecond, nowMs));
      if (longestWaitMs > 0) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(longestWaitMs / 1000)) };
      chatBucket.tokens -= 1;
      window.push(nowMs);
      return { ok: true };
    },
  };
}
