/**
 * A circuit breaker for calls to an outside system: after `failures` failed calls in a row
 * it stops calling for `pauseMs` (callers get an immediate refusal instead of waiting for a
 * time-out each), then lets one call through; that call's success closes it again, its
 * failure starts another pause. Counted per instance: each instance finds out for itself.
 * Why not a library: see docs/decisions/0015-back-end-connectors.md.
 */

/** The breaker's state: calling, paused, or trying one call after a pause. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** What a breaker is told and tells. */
export interface BreakerOptions {
  failures: number;
  pauseMs: number;
  now(): number;
  /** Which errors are the other system failing (a "no" it answered is not). */
  isFailure(error: unknown): boolean;
  /** Called once when calls stop, with the last failure. */
  onOpen?(lastFailure: unknown): void;
  /** Called once when a call succeeds after a pause. */
  onClose?(): void;
}

/** Thrown instead of calling while the breaker is open. */
export class BreakerOpen extends Error {
  override readonly name = 'BreakerOpen';
  readonly lastFailure: unknown;
  constructor(lastFailure: unknown) {
    super('calls are paused after repeated failures');
    this.lastFailure = lastFailure;
  }
}

/** A breaker guarding one outside system. */
export function createBreaker(options: BreakerOptions) {
  let failuresInRow = 0;
  let openedAtMs: number | undefined;
  let trial = false;
  let lastFailure: unknown;

  const state = (): BreakerState => {
    if (openedAtMs === undefined) return 'closed';
    return options.now() - openedAtMs >= options.pauseMs ? 'half_open' : 'open';
  };

  return {
    state,
    lastFailure: () => lastFailure,

    /** Runs `call` unless paused; counts its outcome. */
    async run<T>(call: () => Promise<T>): Promise<T> {
      const now = state();
      // While paused, and while the one trial call after a pause is out, nothing else goes.
      if (now === 'open' || (now === 'half_open' && trial)) throw new BreakerOpen(lastFailure);
      if (now === 'half_open') trial = true;
      try {
        const result = await call();
        const wasOpen = openedAtMs !== undefined;
        failuresInRow = 0;
        openedAtMs = undefined;
        trial = false;
        if (wasOpen) options.onClose?.();
        return result;
      } catch (error) {
        if (!options.isFailure(error)) {
          // An answer, if a refusal: the system works.
          if (trial) {
            trial = false;
            openedAtMs = undefined;
            failuresInRow = 0;
            options.onClose?.();
          } else failuresInRow = 0;
          throw error;
        }
        lastFailure = error;
        failuresInRow += 1;
        if (trial) {
          trial = false;
          openedAtMs = options.now();
        } else if (openedAtMs === undefined && failuresInRow >= options.failures) {
          openedAtMs = options.now();
          options.onOpen?.(error);
        }
        throw error;
      }
    },
  };
}

/** A circuit breaker. */
export type Breaker = ReturnType<typeof createBreaker>;
