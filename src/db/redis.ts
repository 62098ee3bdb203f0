import { Redis } from 'ioredis';

/**
 * Connects to Redis (`REDIS_URL`) and waits until it answers, so a wrong URL stops start-up
 * with a clear message instead of failing at the first update.
 */
export async function connectRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot connect to Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return redis;
}
