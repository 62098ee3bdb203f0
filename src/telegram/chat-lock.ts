import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisReady } from '../db/redis.ts';

/**
 * Runs a chat's updates one at a time and in `update_id` order, on one instance or across
 * several behind one webhook. Design and limits: docs/decisions/0017-order-across-instances.md.
 */
export interface ChatLock {
  /** Runs `work` once every earlier update of the chat (by `updateId`) has been handled, then lets the next one go. */
  withLock<T>(key: string, updateId: number, work: () => Promise<T>): Promise<T>;
}

/** What the per-chat order tells its owner; every field is optional. */
export interface ChatOrderEvents {
  /** An update ran without the cross-instance order because Redis could not be reached. */
  onUnavailable?(error: unknown): void;
  /** An update waited `waitMs` and ran anyway: an earlier one of its chat was still not done. */
  onWaitedTooLong?(info: { key: string; updateId: number; waitMs: number }): void;
  /** An earlier update id never arrived within the gap wait: the updates after it went on without it. */
  onGapSkipped?(info: { updateId: number; waitMs: number }): void;
}

/** Options for {@link createRedisChatLock}. */
export interface RedisChatLockOptions extends ChatOrderEvents {
  /**
   * How long an entry stays in its chat's queue without its instance renewing it (a killed
   * instance's update then blocks the chat at most this long). Default 5 s.
   */
  leaseMs?: number;
  /** How long an update waits for its turn before it runs anyway and the wait is reported. Default 20 s. */
  waitMs?: number;
  /**
   * How long an update waits for a smaller update id that has not arrived at any instance
   * yet (it may be for the same chat, still on the wire) before going on without it. Default 500 ms.
   */
  gapWaitMs?: number;
  /** Key prefix; the instances of one bot share it, different bots must not. */
  prefix?: string;
}

// Keys live for a day without traffic; everything in them is recent by nature.
const KEY_TTL_MS = 86_400_000;

const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// Registers an arrival (idempotent: called again while waiting, it renews the lease) and says
// whether it may run. KEYS: seen ids above the mark, the mark, the chat's queue, the chat's
// leases. ARGV: update id, member, lease ms, skip the gap (1/0).
// The mark is the highest update id below which every id has arrived somewhere: Telegram
// numbers a bot's updates one after another, so an update above mark + 1 may have an earlier
// one of its own chat still on the wire. Returns {1} to run, {0, 1} while an earlier update
// of the chat is queued, {0, 2} while an earlier update id has not arrived.
const ENTER_SCRIPT = `${CLOCK}
local id = tonumber(ARGV[1])
local member = ARGV[2]
redis.call('ZADD', KEYS[3], id, member)
redis.call('HSET', KEYS[4], member, now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[3], ${KEY_TTL_MS})
redis.call('PEXPIRE', KEYS[4], ${KEY_TTL_MS})
local mark = tonumber(redis.call('GET', KEYS[2]) or '')
if not mark then mark = id - 1 end
if ARGV[4] == '1' and mark < id - 1 then mark = id - 1 end
if id > mark then redis.call('ZADD', KEYS[1], id, ARGV[1]) end
while redis.call('ZSCORE', KEYS[1], string.format('%d', mark + 1)) do mark = mark + 1 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', mark)
redis.call('SET', KEYS[2], string.format('%d', mark), 'PX', ${KEY_TTL_MS})
redis.call('PEXPIRE', KEYS[1], ${KEY_TTL_MS})
while true do
  local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  if head == member then break end
  local expires = tonumber(redis.call('HGET', KEYS[4], head) or '0')
  if expires > now then return {0, 1} end
  -- Its instance stopped renewing it (killed): it no longer holds the chat.
  redis.call('ZREM', KEYS[3], head)
  redis.call('HDEL', KEYS[4], head)
end
if id > mark then return {0, 2} end
return {1, 0}
`;

// Keeps a running entry's lease alive; an entry already removed (its lease ran out while this
// instance was frozen) is not brought back. KEYS: the chat's leases. ARGV: member, lease ms.
const RENEW_SCRIPT = `${CLOCK}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
end
return 1
`;

// The update is done: the chat's next one may go. KEYS: the chat's queue and leases. ARGV: member.
const LEAVE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

interface ChatOrderCommands {
  lavkaOrderEnter(k1: string, k2: string, k3: string, k4: string, id: number, member: string, leaseMs: number, skipGap: string): Promise<[number, number]>;
  lavkaOrderRenew(k1: string, member: string, leaseMs: number): Promise<number>;
  lavkaOrderLeave(k1: string, k2: string, member: string): Promise<number>;
}

/**
 * A per-chat FIFO in Redis, ordered by `update_id`. Each arrival is added to its chat's queue
 * (a sorted set scored by update id) with a lease its instance renews while it waits and runs;
 * it runs once it is the head of the queue and every smaller update id has arrived at some
 * instance (or a short gap wait ran out). Done, it leaves the queue and the next one goes.
 * An instance killed mid-update stops renewing: its entry is dropped after the lease.
 *
 * This replaces the runner's in-process `sequentialize`: the queue orders this instance's
 * updates of a chat too, by update id rather than by arrival. While Redis is down the update
 * runs in this instance's own arrival order per chat: answering is worth more than an
 * ordering guarantee between instances that holds again as soon as Redis is back.
 */
export function createRedisChatLock(redis: Redis, options: RedisChatLockOptions = {}): ChatLock {
  const leaseMs = options.leaseMs ?? 5_000;
  const waitMs = options.waitMs ?? 20_000;
  const gapWaitMs = options.gapWaitMs ?? 500;
  const prefix = options.prefix ?? 'lavka:{order}:';
  const client = redis as Redis & ChatOrderCommands;
  if (typeof client.lavkaOrderEnter !== 'function') {
    redis.defineCommand('lavkaOrderEnter', { numberOfKeys: 4, lua: ENTER_SCRIPT });
    redis.defineCommand('lavkaOrderRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    redis.defineCommand('lavkaOrderLeave', { numberOfKeys: 2, lua: LEAVE_SCRIPT });
  }
  // Members are unique per arrival: a duplicate delivery of one update id queues behind the
  // first instead of sharing (and later removing) its entry.
  const instance = randomBytes(6).toString('hex');
  let counter = 0;
  const local = createLocalChatOrder();
  // A waiter of this instance is woken at once when an update of its chat ends here.
  const wakers = new Map<string, Set<() => void>>();
  const wakeChat = (key: string) => {
    for (const wake of wakers.get(key) ?? []) wake();
  };
  const pause = (key: string, ms: number) =>
    new Promise<void>((resolve) => {
      const set = wakers.get(key) ?? new Set();
      wakers.set(key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && wakers.get(key) === set) wakers.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });

  return {
    async withLock(key, updateId, work) {
      if (!redisReady(redis)) {
        options.onUnavailable?.(new Error(`Redis is ${redis.status}`));
        return local.withLock(key, updateId, work);
      }
      const queueKey = `${prefix}q:${key}`;
      const leaseKey = `${prefix}lease:${key}`;
      const member = `${updateId}:${instance}:${(counter += 1)}`;
      const startedMs = Date.now();
      let pollMs = 2;
      let skipGap = false;
      let gapSinceMs: number | undefined;
      try {
        for (;;) {
          const [go, reason] = await client.lavkaOrderEnter(`${prefix}seen`, `${prefix}mark`, queueKey, leaseKey, updateId, member, leaseMs, skipGap ? '1' : '0');
          if (go === 1) {
            if (skipGap && gapSinceMs !== undefined) options.onGapSkipped?.({ updateId, waitMs: Date.now() - gapSinceMs });
            break;
          }
          const nowMs = Date.now();
          if (nowMs - startedMs >= waitMs) {
            options.onWaitedTooLong?.({ key, updateId, waitMs: nowMs - startedMs });
            break;
          }
          if (reason === 2) {
            gapSinceMs ??= nowMs;
            skipGap = nowMs - gapSinceMs >= gapWaitMs;
          } else {
            gapSinceMs = undefined;
            skipGap = false;
          }
          await pause(key, pollMs);
          pollMs = Math.min(25, pollMs * 2);
        }
      } catch (error) {
        // Redis failed while this update waited: it runs now, and leaves the queue if it can.
        options.onUnavailable?.(error);
        void client.lavkaOrderLeave(queueKey, leaseKey, member).catch(() => {});
        return local.withLock(key, updateId, work);
      }
      // The entry's lease is renewed while the handler runs, however long it takes.
      const renew = setInterval(() => void client.lavkaOrderRenew(leaseKey, member, leaseMs).catch(() => {}), Math.max(50, Math.floor(leaseMs / 3)));
      renew.unref();
      try {
        return await work();
      } finally {
        clearInterval(renew);
        // An entry that cannot be removed (Redis went away meanwhile) is dropped after its lease.
        await client.lavkaOrderLeave(queueKey, leaseKey, member).catch((error: unknown) => options.onUnavailable?.(error));
        wakeChat(key);
      }
    },
  };
}

/**
 * The in-process order: a chat's updates run one after another in the order they arrived
 * (what the runner's `sequentialize` does). Used while Redis cannot be reached.
 */
export function createLocalChatOrder(): ChatLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock(key, _updateId, work) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      try {
        await previous;
        return await work();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
