import { outsideUnitOfWork } from '../db/unit-of-work.ts';

/**
 * A circuit breaker for calls to an outside system: after `failures` failed calls in a row
 * it stops calling for `pauseMs` (callers get an immediate refusal instead of waiting for a
 * time-out each), then lets calls through again: a success closes it, a failure starts
 * another pause at once. Calls are not held back to a single trial after a pause: a screen
 * that reads several things at once would otherwise fail for the one it let through.
 * Counted per instance: each instance finds out for itself.
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
      if (state() === 'open') throw new BreakerOpen(lastFailure);
      const answered = () => {
        const wasOpen = openedAtMs !== undefined;
        failuresInRow = 0;
        openedAtMs = undefined;
        // Notices about the other system are not part of the update that noticed (it may fail and roll back).
        if (wasOpen) outsideUnitOfWork(() => options.onClose?.());
      };
      try {
        const result = await call();
        answered();
        return result;
      } catch (error) {
        // A refusal is an answer: the system works.
        if (!options.isFailure(error)) {
          answered();
          throw error;
        }
        lastFailure = error;
        failuresInRow += 1;
        if (openedAtMs !== undefined) openedAtMs = options.now();
        else if (failuresInRow >= options.failures) {
          openedAtMs = options.now();
          outsideUnitOfWork(() => options.onOpen?.(error));
        }
        throw error;
      }
    },
  };
}

/** A circuit breaker. */
export type Breaker = ReturnType<typeof createBreaker>;
