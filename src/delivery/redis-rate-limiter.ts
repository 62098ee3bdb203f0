import type { Redis } from 'ioredis';
import {
  DEFAULT_RATE_LIMITS,
  bucketBurst,
  chatBucket,
  sleepMs,
  type RateLimits,
  type SendPermit,
  type SendRateLimiter,
} from './rate-limiter.ts';

// One atomic step over up to three keys: the pause marker a 429 sets, the bot-wide bucket
// (global or paid) and the chat's bucket. Either every bucket gives a token or none does.
// Buckets are hashes {t = tokens, u = updated at ms}; they expire once they would be full
// again, so idle chats cost nothing. Time comes from Redis (TIME) unless the caller passes
// a clock, so instances on different machines agree on it.
const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {0, paused - now, 1} end
local function level(key, per_ms, cap)
  local v = redis.call('HMGET', key, 't', 'u')
  local tokens = tonumber(v[1])
  local updated = tonumber(v[2])
  if not tokens then return cap end
  return math.min(cap, tokens + math.max(0, now - updated) * per_ms)
end
local g_per, g_cap = tonumber(ARGV[2]), tonumber(ARGV[3])
local with_chat = ARGV[4] ~= ''
local c_per, c_cap, c = 0, 0, 0
if with_chat then
  c_per, c_cap = tonumber(ARGV[4]), tonumber(ARGV[5])
  c = level(KEYS[3], c_per, c_cap)
  if c < 1 then return {0, math.ceil((1 - c) / c_per), 2} end
end
local g = level(KEYS[2], g_per, g_cap)
if g < 1 then return {0, math.max(1, math.ceil((1 - g) / g_per)), 1} end
redis.call('HSET', KEYS[2], 't', tostring(g - 1), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[2], math.ceil(g_cap / g_per) + 1000)
if with_chat then
  redis.call('HSET', KEYS[3], 't', tostring(c - 1), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[3], math.ceil(c_cap / c_per) + 1000)
end
return {1, 0, 0}
`;

// A direct reply's token: never refused for an empty bucket (the reply borrows, down to one
// burst of debt, so outbox sends wait instead), only held back by a 429 pause.
const BORROW_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
local per_ms, cap = tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[2], 't', 'u')
local tokens = tonumber(v[1])
local level = cap
if tokens then level = math.min(cap, tokens + math.max(0, now - tonumber(v[2])) * per_ms) end
redis.call('HSET', KEYS[2], 't', tostring(math.max(-cap, level - 1)), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[2], math.ceil(2 * cap / per_ms) + 1000)
return 0
`;

// Only ever moves the pause later: two instances hitting 429 at once keep the longer wait.
const PAUSE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - tonumber(ARGV[2])) + 1000)
end
return 1
`;

/** Options for {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  limits?: Partial<RateLimits>;
  /** Key prefix; instances of one bot must share it, different bots must not. */
  prefix?: string;
  /** Milliseconds since the epoch; by default Redis's own clock is used. */
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface LimiterCommands {
  lavkaAcquire(k1: string, k2: string, k3: string, ...args: (string | number)[]): Promise<[number, number, number]>;
  lavkaPause(k1: string, untilMs: number, nowMs: number): Promise<number>;
  lavkaBorrow(k1: string, k2: string, ...args: (string | number)[]): Promise<number>;
}

/**
 * The shared limiter: the same buckets as the in-process one, kept in Redis and updated by
 * a Lua script, so every Lavka instance draws from one budget: three instances together
 * still send 30 msg/s, not 90. A 429 seen by one instance pauses all of them.
 */
export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions = {}): SendRateLimiter {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.limits };
  const prefix = options.prefix ?? 'lavka:{send}:';
  const sleep = options.sleep ?? sleepMs;
  const client = redis as Redis & LimiterCommands;
  if (typeof client.lavkaAcquire !== 'function') {
    redis.defineCommand('lavkaAcquire', { numberOfKeys: 3, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('lavkaPause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
    redis.defineCommand('lavkaBorrow', { numberOfKeys: 2, lua: BORROW_SCRIPT });
  }
  const pauseKey = `${prefix}pause`;
  const nowArg = () => (options.clock ? String(Math.floor(options.clock())) : '');

  const tryAcquire = async (chatId: number | undefined, paid: boolean): Promise<SendPermit> => {
    const perSecond = paid ? limits.paidPerSecond : limits.globalPerSecond;
    const chat = chatId === undefined ? undefined : chatBucket(limits, chatId);
    const [ok, waitMs, scope] = await client.lavkaAcquire(
      pauseKey,
      `${prefix}${paid ? 'paid' : 'global'}`,
      chatId === undefined ? `${prefix}none` : `${prefix}chat:${chatId}`,
      nowArg(),
      perSecond / 1000,
      bucketBurst(perSecond),
      chat ? chat.perMs : '',
      chat ? chat.capacity : '',
    );
    if (ok === 1) return { ok: true };
    return { ok: false, waitMs: Number(waitMs), scope: scope === 2 ? 'chat' : 'global' };
  };

  return {
    limits,
    tryAcquire: (request) => tryAcquire(request.chatId, request.paid === true),
    async acquire(request, signal) {
      const paid = request.paid === true;
      const perSecond = paid ? limits.paidPerSecond : limits.globalPerSecond;
      for (;;) {
        const pausedMs = await client.lavkaBorrow(pauseKey, `${prefix}${paid ? 'paid' : 'global'}`, nowArg(), perSecond / 1000, bucketBurst(perSecond));
        if (pausedMs <= 0 || signal?.aborted) return;
        await sleep(pausedMs, signal);
      }
    },
    async pauseUntil(untilMs) {
      await client.lavkaPause(pauseKey, Math.ceil(untilMs), options.clock ? options.clock() : Date.now());
    },
  };
}
