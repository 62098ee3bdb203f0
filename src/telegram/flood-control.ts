import { randomBytes } from 'node:crypto';
import type { MiddlewareFn } from 'grammy';
import type { Redis } from 'ioredis';
import type { FloodControlSettings } from '../config/business.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { BotContext } from './context.ts';
import { updateType } from './error-boundary.ts';

// Flood control: a user who sends more updates than `updates` within `perSeconds` is told
// once to slow down and then ignored until `muteSeconds` have passed. The count is a sliding
// window of the user's own updates, kept in memory or, with several instances, in Redis so
// that a flood spread over instances is counted once. Why not @grammyjs/ratelimiter: see
// docs/decisions/0008-flood-control.md.

/** What flood control decided about one update. */
export type FloodVerdict = 'pass' | 'warn' | 'drop';

/** Counts users' updates; the in-memory and the Redis store behave alike. */
export interface FloodStore {
  /** Counts one update of `userId` and says whether it passes, is the one to warn about, or is dropped. */
  hit(userId: number): Promise<FloodVerdict>;
}

/** The window and mute of flood control, in milliseconds. */
interface FloodLimits {
  updates: number;
  windowMs: number;
  muteMs: number;
}

const limitsOf = (settings: FloodControlSettings): FloodLimits => ({
  updates: settings.updates,
  windowMs: settings.perSeconds * 1000,
  muteMs: settings.muteSeconds * 1000,
});

/** Options of {@link createMemoryFloodStore}. */
export interface MemoryFloodStoreOptions {
  clock?: () => number;
}

/** Flood counts in this process: right for one Lavka instance. */
export function createMemoryFloodStore(settings: FloodControlSettings, options: MemoryFloodStoreOptions = {}): FloodStore {
  const { updates, windowMs, muteMs } = limitsOf(settings);
  const clock = options.clock ?? Date.now;
  const users = new Map<number, { hits: number[]; mutedUntilMs: number }>();
  let lastSweepMs = clock();
  // Users who went quiet carry nothing worth keeping; dropping them keeps memory flat.
  const sweep = (nowMs: number) => {
    if (nowMs - lastSweepMs < 60_000) return;
    lastSweepMs = nowMs;
    for (const [userId, state] of users) {
      if (state.mutedUntilMs <= nowMs && (state.hits.at(-1) ?? 0) <= nowMs - windowMs) users.delete(userId);
    }
  };
  return {
    async hit(userId) {
      const nowMs = clock();
      sweep(nowMs);
      const state = users.get(userId) ?? { hits: [], mutedUntilMs: 0 };
      users.set(userId, state);
      if (state.mutedUntilMs > nowMs) return 'drop';
      while (state.hits.length > 0 && (state.hits[0] as number) <= nowMs - windowMs) state.hits.shift();
      state.hits.push(nowMs);
      if (state.hits.length <= updates) return 'pass';
      state.hits = [];
      state.mutedUntilMs = nowMs + muteMs;
      return 'warn';
    },
  };
}

// One atomic step for one user: a muted user's update is dropped; otherwise it joins the
// window (a sorted set scored by time), and the one that takes the window over the limit
// starts the mute (the key holds when it ends; its expiry only tidies up) and is the one
// the user is warned about. Time comes from Redis (TIME)
// unless the caller passes a clock, so instances on different machines agree on it.
// KEYS: window, mute. ARGV: now ('' for Redis time), member, updates, window ms, mute ms.
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
if tonumber(redis.call('GET', KEYS[2]) or '0') > now then return 2 end
local updates, window, mute = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[2])
if redis.call('ZCARD', KEYS[1]) <= updates then
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], string.format('%d', now + mute), 'PX', mute)
return 1
`;

/** Options of {@link createRedisFloodStore}. */
export interface RedisFloodStoreOptions {
  /** Key prefix; instances of one bot must share it, different bots must not. */
  prefix?: string;
  /** Milliseconds since the epoch; by default Redis's own clock is used. */
  clock?: () => number;
}

interface FloodCommands {
  lavkaFloodHit(windowKey: string, muteKey: string, ...args: (string | number)[]): Promise<number>;
}

/** Flood counts in Redis, shared by every Lavka instance of one bot. */
export function createRedisFloodStore(redis: Redis, settings: FloodControlSettings, options: RedisFloodStoreOptions = {}): FloodStore {
  const { updates, windowMs, muteMs } = limitsOf(settings);
  const prefix = options.prefix ?? 'lavka:flood:';
  const client = redis as Redis & FloodCommands;
  if (typeof client.lavkaFloodHit !== 'function') redis.defineCommand('lavkaFloodHit', { numberOfKeys: 2, lua: HIT_SCRIPT });
  // Members must be unique across instances even within one millisecond.
  const instance = randomBytes(6).toString('hex');
  let counter = 0;
  const verdicts: readonly FloodVerdict[] = ['pass', 'warn', 'drop'];
  return {
    async hit(userId) {
      // While Redis is away, updates are not held up waiting for it: flood control fails open.
      if (redis.status !== 'ready') return 'pass';
      // The user id in braces keeps both keys of a user in one Redis Cluster slot.
      const key = `${prefix}{${userId}}`;
      const now = options.clock ? String(Math.floor(options.clock())) : '';
      const verdict = await client.lavkaFloodHit(`${key}:window`, `${key}:mute`, now, `${instance}:${(counter += 1)}`, updates, windowMs, muteMs);
      return verdicts[verdict] ?? 'pass';
    },
  };
}

/** What {@link floodControl} needs, passed in explicitly. */
export interface FloodControlDeps {
  settings: FloodControlSettings;
  metrics: Pick<Metrics, 'updatesLimitedTotal'>;
  /** Present when REDIS_URL is set: the counts are then shared by every instance. */
  redis?: Redis;
  /** Redis key prefix (see {@link RedisFloodStoreOptions.prefix}). */
  redisPrefix?: string;
  /** Staff are never limited: they answer customers and run broadcasts in bursts. */
  isStaff(ctx: BotContext): boolean;
  /** Milliseconds since the epoch (tests); with Redis, Redis's clock is the default. */
  clock?: () => number;
}

/**
 * Money never waits: a pre-checkout query must be answered within seconds or Telegram cancels
 * the purchase, and a successful (or refunded) payment must be recorded whatever else the
 * user was doing.
 */
export function isPaymentUpdate(update: object): boolean {
  if ('pre_checkout_query' in update) return true;
  const message = (update as { message?: Record<string, unknown> }).message;
  return message !== undefined && ('successful_payment' in message || 'refunded_payment' in message);
}

/**
 * The flood-control middleware: runs after the user, their staff role and their language are
 * known. Updates of a user over the limit are counted in `lavka_updates_limited_total`; the
 * first one gets a polite "slow down" in the user's language (a toast for a button press, a
 * message in a private chat, nothing in a group), the rest of the mute are dropped silently.
 * If the store cannot be reached the update passes: flood control never takes the bot down.
 */
export function floodControl(deps: FloodControlDeps): MiddlewareFn<BotContext> {
  if (!deps.settings.enabled) return (_ctx, next) => next();
  const store = deps.redis
    ? createRedisFloodStore(deps.redis, deps.settings, { prefix: deps.redisPrefix, clock: deps.clock })
    : createMemoryFloodStore(deps.settings, { clock: deps.clock });
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot || isPaymentUpdate(ctx.update) || deps.isStaff(ctx)) return next();
    let verdict: FloodVerdict;
    try {
      verdict = await store.hit(from.id);
    } catch (error) {
      ctx.log.warn({ err: error }, 'flood control could not count the update; letting it through');
      return next();
    }
    if (verdict === 'pass') return next();
    deps.metrics.updatesLimitedTotal.inc({ type: updateType(ctx.update) });
    if (verdict === 'drop') return;
    ctx.log.info({ muteSeconds: deps.settings.muteSeconds }, 'flood control: the user is sending too fast and is ignored for a while');
    const text = ctx.t('flood-slow-down', { seconds: deps.settings.muteSeconds });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: false });
    else if (ctx.chat?.type === 'private') await ctx.reply(text);
  };
}
