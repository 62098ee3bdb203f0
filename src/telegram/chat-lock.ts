import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisReady } from '../db/redis.ts';

/** Runs work for one chat at a time across every Lavka instance. */
export interface ChatLock {
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

// Deletes the lock only if this holder still owns it; a holder whose lock expired must not
// release the next holder's lock.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Options for {@link createRedisChatLock}. */
export interface RedisChatLockOptions {
  /** How long a lock lives if its holder dies without releasing it. */
  ttlMs?: number;
  /** How long to wait for a busy chat before handling the update anyway (and logging it). */
  waitMs?: number;
  prefix?: string;
  /** Told when an update runs without the cross-instance lock because Redis cannot be reached. */
  onUnavailable?(error: unknown): void;
}

/**
 * A per-chat mutex in Redis (SET NX PX + compare-and-delete). Within one process the
 * runner's `sequentialize` already orders a chat's updates; this extends that guarantee to
 * several instances behind one webhook or sharing a polling offset.
 *
 * While Redis is down the update runs without the cross-instance lock: this instance still
 * orders its own updates of the chat, and answering is worth more than an ordering guarantee
 * between instances that holds again as soon as Redis is back.
 */
export function createRedisChatLock(redis: Redis, options: RedisChatLockOptions = {}): ChatLock {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 30_000;
  const prefix = options.prefix ?? 'lavka:chat-lock:';
  return {
    async withLock(key, work) {
      const lockKey = prefix + key;
      const token = randomUUID();
      const deadline = Date.now() + waitMs;
      let delayMs = 5;
      try {
        if (!redisReady(redis)) throw new Error(`Redis is ${redis.status}`);
        while ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') {
          if (Date.now() > deadline) throw new ChatStayedLockedError(key, waitMs);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          delayMs = Math.min(delayMs * 2, 100);
        }
      } catch (error) {
        if (error instanceof ChatStayedLockedError) throw error;
        options.onUnavailable?.(error);
        return work();
      }
      try {
        return await work();
      } finally {
        // A lock that cannot be released (Redis went away meanwhile) expires after ttlMs.
        await redis.eval(RELEASE_SCRIPT, 1, lockKey, token).catch((error: unknown) => options.onUnavailable?.(error));
      }
    },
  };
}

/** Another instance held the chat's lock for longer than the wait allows. */
class ChatStayedLockedError extends Error {
  readonly code = 'chat_lock.timeout';
  constructor(key: string, waitMs: number) {
    super(`chat ${key} stayed locked for ${waitMs} ms`);
    this.name = 'ChatStayedLockedError';
  }
}
