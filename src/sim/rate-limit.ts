// Telegram's flood limits as token buckets: about 30 messages a second per bot, one a second
// per private chat (with a small burst) and 20 a minute per group or channel. Paid broadcasts
// (`allow_paid_broadcast`) draw from a 1000/s budget instead of the global one.

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
  const globalBucket = makeBucket(globalPerSecond, globalPerSecond);
  const paidBucket = makeBucket(paidPerSecond, paidPerSecond);
  const chatBuckets = new Map<number, Bucket>();

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
      const buckets = [paid ? paidBucket : globalBucket, chatBucket];
      for (const bucket of buckets) refill(bucket, nowMs);
      const longestWaitMs = Math.max(...buckets.map(waitMs));
      if (longestWaitMs > 0) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(longestWaitMs / 1000)) };
      for (const bucket of buckets) bucket.tokens -= 1;
      return { ok: true };
    },
  };
}
