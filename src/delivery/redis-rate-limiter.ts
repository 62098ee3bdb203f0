import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  IN_FLIGHT_HOLD_MS,
  REPLY_MEMORY_MS,
  budgetWindow,
  chatWindow,
  resolveRateLimits,
  sleepMs,
  type RateLimits,
  type SendPermit,
  type SendRateLimiter,
  type SendSlot,
} from './rate-limiter.ts';

// The windows are sorted sets: one member per send, scored with the moment it leaves the
// window. A send in flight is scored as if its answer never came (held IN_FLIGHT_HOLD_MS);
// its answer rescores it to one window after the answer. Replies are also kept, scored with
// when they went, in a set of their own for the reply reserve. Time comes from Redis (TIME)
// unless the caller passes a clock, so instances on different machines agree on it.
const CLOCK = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// Sends still held in a window at `now`, after forgetting those that left.
const OCCUPANCY = `
local function occupancy(key)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  return redis.call('ZCARD', key)
end
-- Milliseconds until \`count\` more sends have left: sends in flight leave a window after
-- their answer at the earliest, so never later than now + window counts as the estimate.
local function wait_for(key, count, window)
  local ranked = redis.call('ZRANGE', key, count - 1, count - 1, 'WITHSCORES')
  local at = now + window
  if ranked[2] then at = math.min(at, tonumber(ranked[2])) end
  return math.max(1, math.ceil(at - now))
end
`;

// One atomic step over up to four keys: the pause marker a 429 sets, the bot-wide window
// (global or paid), the chat's window and the bot-wide replies. Either the message gets a
// place in every window or in none.
// ARGV: now, member, budget limit, reserve floor, hold ms, chat limit ('' for none), chat window ms, budget window ms,
// reply ('1': a direct reply, which may use the reserve and is remembered for it).
const ACQUIRE_SCRIPT = `${CLOCK}${OCCUPANCY}
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {0, paused - now, 1} end
local member, limit, floor, hold = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local window = tonumber(ARGV[8])
local with_chat = ARGV[6] ~= ''
local c_limit, c_window = 0, 0
if with_chat then
  c_limit, c_window = tonumber(ARGV[6]), tonumber(ARGV[7])
  local used = occupancy(KEYS[3])
  if used >= c_limit then return {0, wait_for(KEYS[3], used - c_limit + 1, c_window), 2} end
end
local used = occupancy(KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - ${REPLY_MEMORY_MS})
local times = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
local peak, left = 0, 1
for right = 1, #times / 2 do
  local t = tonumber(times[right * 2])
  while tonumber(times[left * 2]) <= t - window do left = left + 1 end
  if right - left + 1 > peak then peak = right - left + 1 end
end
local reply = ARGV[9] == '1'
local reserve = math.min(limit - 1, math.max(floor, peak))
if reply then reserve = 0 end
if used + reserve >= limit then return {0, wait_for(KEYS[2], used + reserve - limit + 1, window), 1} end
redis.call('ZADD', KEYS[2], now + hold + window, member)
redis.call('PEXPIRE', KEYS[2], hold + window + 1000)
if with_chat then
  redis.call('ZADD', KEYS[3], now + hold + c_window, member)
  redis.call('PEXPIRE', KEYS[3], hold + c_window + 1000)
end
if reply then
  redis.call('ZADD', KEYS[4], now, member)
  redis.call('PEXPIRE', KEYS[4], ${REPLY_MEMORY_MS} + 1000)
end
return {1, 0, 0}
`;

// A direct reply's place: never refused for a full window, only held back by a 429 pause.
// ARGV: now, member, hold ms, budget window ms.
const REPLY_SCRIPT = `${CLOCK}
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
local hold, window = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], now + hold + window, ARGV[2])
redis.call('PEXPIRE', KEYS[2], hold + window + 1000)
redis.call('ZADD', KEYS[3], now, ARGV[2])
redis.call('PEXPIRE', KEYS[3], ${REPLY_MEMORY_MS} + 1000)
return 0
`;

// The answer came back: the send leaves each of its windows one window from now (XX: a send
// whose place already expired is not brought back). ARGV: now, member, then one window ms per key.
const SETTLE_SCRIPT = `${CLOCK}
for index, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[index + 2]), ARGV[2])
end
return 1
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
  /** Called when an answer could not be recorded in Redis (the place then frees after its hold). */
  onError?: (error: unknown) => void;
}

interface LimiterCommands {
  lavkaWindowAcquire(k1: string, k2: string, k3: string, k4: string, ...args: (string | number)[]): Promise<[number, number, number]>;
  lavkaWindowReply(k1: string, k2: string, k3: string, ...args: (string | number)[]): Promise<number>;
  lavkaWindowSettle(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  lavkaWindowPause(k1: string, untilMs: number, nowMs: number): Promise<number>;
}

/**
 * The shared limiter: the same windows as the in-process one, kept in Redis and updated by
 * Lua scripts, so every Lavka instance draws from one budget: three instances together
 * still send 30 msg/s, not 90. A 429 seen by one instance pauses all of them.
 */
export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions = {}): SendRateLimiter {
  const limits = resolveRateLimits(options.limits);
  const prefix = options.prefix ?? 'lavka:{send}:';
  const sleep = options.sleep ?? sleepMs;
  const client = redis as Redis & LimiterCommands;
  if (typeof client.lavkaWindowAcquire !== 'function') {
    redis.defineCommand('lavkaWindowAcquire', { numberOfKeys: 4, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('lavkaWindowReply', { numberOfKeys: 3, lua: REPLY_SCRIPT });
    redis.defineCommand('lavkaWindowSettle', { lua: SETTLE_SCRIPT });
    redis.defineCommand('lavkaWindowPause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
  }
  const pauseKey = `${prefix}pause`;
  const budgetKey = (paid: boolean) => `${prefix}${paid ? 'paid' : 'global'}`;
  const repliesKey = (paid: boolean) => `${budgetKey(paid)}:replies`;
  const nowArg = () => (options.clock ? String(Math.floor(options.clock())) : '');
  // Members must be unique across instances: this limiter's id and a counter.
  const instance = randomBytes(6).toString('hex');
  let counter = 0;

  const slot = (member: string, windows: readonly [key: string, windowMs: number][]): SendSlot => ({
    async settle() {
      try {
        await client.lavkaWindowSettle(windows.length, ...windows.map(([key]) => key), nowArg(), member, ...windows.map(([, windowMs]) => windowMs));
      } catch (error) {
        options.onError?.(error);
      }
    },
  });

  return {
    limits,
    async tryAcquire(request): Promise<SendPermit> {
      const paid = request.paid === true;
      const chat = request.chatId === undefined ? undefined : chatWindow(limits, request.chatId);
      const chatKey = request.chatId === undefined ? `${prefix}none` : `${prefix}chat:${request.chatId}`;
      const member = `${instance}:${(counter += 1)}`;
      const budget = budgetWindow(limits, paid);
      const [ok, waitMs, scope] = await client.lavkaWindowAcquire(
        pauseKey,
        budgetKey(paid),
        chatKey,
        repliesKey(paid),
        nowArg(),
        member,
        budget.limit,
        paid ? 0 : limits.replyReserve,
        IN_FLIGHT_HOLD_MS,
        chat ? chat.limit : '',
        chat ? chat.windowMs : '',
        budget.windowMs,
        request.reply ? '1' : '0',
      );
      if (ok !== 1) return { ok: false, waitMs: Number(waitMs), scope: scope === 2 ? 'chat' : 'global' };
      const windows: [string, number][] = [[budgetKey(paid), budget.windowMs]];
      if (chat) windows.push([chatKey, chat.windowMs]);
      return { ok: true, ...slot(member, windows) };
    },
    async acquire(request, signal) {
      const paid = request.paid === true;
      const member = `${instance}:${(counter += 1)}`;
      const { windowMs } = budgetWindow(limits, paid);
      for (;;) {
        const pausedMs = await client.lavkaWindowReply(pauseKey, budgetKey(paid), repliesKey(paid), nowArg(), member, IN_FLIGHT_HOLD_MS, windowMs);
        if (pausedMs <= 0) break;
        // Aborted while paused: the reply is not sent, so it takes no place.
        if (signal?.aborted) return { settle: async () => {} };
        await sleep(pausedMs, signal);
      }
      return slot(member, [[budgetKey(paid), windowMs]]);
    },
    async pauseUntil(untilMs) {
      await client.lavkaWindowPause(pauseKey, Math.ceil(untilMs), options.clock ? options.clock() : Date.now());
    },
  };
}
