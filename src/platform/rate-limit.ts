import type { Redis } from 'ioredis';

/** What a request learns from the rate limiter. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts requests per caller in one-second windows. */
export interface RequestRateLimiter {
  /** Counts one request of `caller`; refused when `limit` were already counted this second. */
  take(caller: string, limit: number): Promise<RateDecision>;
}

/**
 * One instance's limiter: a counter per caller and second. Enough for a single instance; with
 * several, each would allow the limit, so {@link createRedisRequestLimiter} is used when Redis is.
 */
export function createMemoryRequestLimiter(now: () => number): RequestRateLimiter {
  const counters = new Map<string, { second: number; count: number }>();
  return {
    async take(caller, limit) {
      const second = Math.floor(now() / 1000);
      const counter = counters.get(caller);
      if (!counter || counter.second !== second) {
        // Old seconds are dropped as callers come back; a map of idle callers stays small (one per key).
        counters.set(caller, { second, count: 1 });
        return { allowed: true };
      }
      if (counter.count >= limit) return { allowed: false, retryAfterSeconds: 1 };
      counter.count += 1;
      return { allowed: true };
    },
  };
}

// One counter per caller and second, shared by every instance; it expires on its own.
const TAKE_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return count
`;

/**
 * The limiter shared by every instance through Redis. When Redis cannot be reached the
 * request is counted by this instance alone (`fallback`): an outage of the cache must not
 * lock the business's systems out of its API.
 */
export function createRedisRequestLimiter(redis: Redis, options: { now: () => number; fallback: RequestRateLimiter; onUnavailable?: (error: unknown) => void }): RequestRateLimiter {
  return {
    async take(caller, limit) {
      const second = Math.floor(options.now() / 1000);
      try {
        const count = Number(await redis.eval(TAKE_SCRIPT, 1, `lavka:api-rate:${caller}:${second}`));
        return count > limit ? { allowed: false, retryAfterSeconds: 1 } : { allowed: true };
      } catch (error) {
        options.onUnavailable?.(error);
        return options.fallback.take(caller, limit);
      }
    },
  };
}
