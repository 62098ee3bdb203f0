import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  connectTimeoutMs?: number;
  /** How long one command may take before it fails (a hung server must not hang an update). */
  commandTimeoutMs?: number;
  /** Where connection losses and recoveries are reported. */
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Least time between two "Redis is unreachable" log lines while it stays down. */
  errorLogIntervalMs?: number;
}

/**
 * Connects to Redis (`REDIS_URL`) and waits until it answers, so a wrong URL stops start-up
 * with a clear message instead of failing at the first update.
 *
 * Once connected, the client reconnects by itself for as long as it takes. While it is
 * disconnected, commands fail at once instead of queueing (no offline queue), so that the
 * parts built on Redis — the per-chat lock, the shared send limiter, flood control — fall
 * back to their local behaviour immediately rather than holding updates until Redis returns.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  // The client library loads only when Redis is configured (this file's `redisReady` is
  // used by code that runs without it too).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    enableOfflineQueue: false,
    // Reconnect forever, every second at most: an outage of any length ends by itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  const where = url.replace(/\/\/[^@]*@/, '//***@');
  // An 'error' event nobody listens to is printed by ioredis on every reconnect attempt; it
  // is logged here instead, once in a while, with the moment Redis came back.
  let lastErrorLogMs = 0;
  let down = false;
  redis.on('error', (error: Error) => {
    down = true;
    const nowMs = Date.now();
    if (nowMs - lastErrorLogMs < (options.errorLogIntervalMs ?? 30_000)) return;
    lastErrorLogMs = nowMs;
    options.logger?.warn({ err: error, redis: where }, 'Redis is unreachable; reconnecting, local fallbacks in use meanwhile');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    lastErrorLogMs = 0;
    options.logger?.info({ redis: where }, 'Redis is back');
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot connect to Redis at ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return redis;
}

/** Whether the client is connected and ready for commands right now. */
export function redisReady(redis: Redis): boolean {
  return redis.status === 'ready';
}
