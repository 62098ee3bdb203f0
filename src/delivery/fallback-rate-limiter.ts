import type { SendRateLimiter } from './rate-limiter.ts';

/** What {@link withLocalFallback} needs. */
export interface LocalFallbackOptions {
  /** The shared limiter (Redis). */
  shared: SendRateLimiter;
  /** The in-process limiter used while the shared one cannot be reached. */
  local: SendRateLimiter;
  /** Whether the shared limiter's store is connected now; when false it is not even tried. */
  available(): boolean;
  /** Told when a send is counted locally because the shared limiter failed. */
  onFallback?(error: unknown): void;
}

/**
 * The shared send limiter, with this process's own limiter standing in while Redis is down:
 * sends keep going at this instance's budget instead of stopping (or hanging) the bot, and
 * Telegram's 429, which the sender obeys, covers what several instances counting apart may
 * overshoot. As soon as Redis is back every send is counted there again. A 429 pause is
 * kept in both, so it holds whichever of them the next send asks.
 */
export function withLocalFallback(options: LocalFallbackOptions): SendRateLimiter {
  const { shared, local } = options;
  const attempt = async <T>(useShared: () => Promise<T>, useLocal: () => Promise<T>): Promise<T> => {
    if (!options.available()) return useLocal();
    try {
      return await useShared();
    } catch (error) {
      options.onFallback?.(error);
      return useLocal();
    }
  };
  return {
    limits: shared.limits,
    tryAcquire: (request) => attempt(() => shared.tryAcquire(request), () => local.tryAcquire(request)),
    acquire: (request, signal) => attempt(() => shared.acquire(request, signal), () => local.acquire(request, signal)),
    async pauseUntil(untilMs) {
      await local.pauseUntil(untilMs);
      if (!options.available()) return;
      await shared.pauseUntil(untilMs).catch((error: unknown) => options.onFallback?.(error));
    },
  };
}
