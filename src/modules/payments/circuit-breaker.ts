import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** Where a breaker stands: calls flow, calls are refused, or one probe call is let through. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  name: string;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe is allowed. */
  openMs: number;
  now?: () => number;
}

/** Raised instead of calling a gateway whose circuit is open. */
export class CircuitOpenError extends LavkaError<'payments.gateway_unavailable'> {
  override readonly name = 'CircuitOpenError';
  readonly retryInMs: number;
  constructor(name: string, retryInMs: number) {
    super('payments.gateway_unavailable', `${name} is unavailable (circuit open, next probe in ${Math.ceil(retryInMs / 1000)} s)`, { retryInMs });
    this.retryInMs = retryInMs;
  }

  /** The staff API has always answered a paused gateway as a conflict with the moment, not an outage of Lavka. */
  get kind(): ErrorKind {
    return 'conflict';
  }
}

/** A snapshot for `/health/ready` and the admins' `/health`. */
export interface CircuitSnapshot {
  name: string;
  state: CircuitState;
  consecutiveFailures: number;
  /** When the next probe is allowed (open state only). */
  retryAtMs?: number;
  lastError?: string;
}

/** Stops calling a failing gateway for a while, so users get another method at once instead of a timeout. */
export interface CircuitBreaker {
  readonly name: string;
  state(): CircuitState;
  /** True when a call would be let through now (closed, or half-open with no probe in flight). */
  allows(): boolean;
  /** Runs `call` unless the circuit is open; its outcome moves the circuit. */
  execute<T>(call: () => Promise<T>): Promise<T>;
  snapshot(): CircuitSnapshot;
}

/**
 * A classic three-state breaker: `failureThreshold` consecutive failures open it; after
 * `openMs` one probe is let through (half-open); the probe's success closes it, its failure
 * opens it again for another `openMs`. Only one probe runs at a time.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let probing = false;
  let lastError: string | undefined;

  const state = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= options.openMs ? 'half_open' : 'open';
  };

  return {
    name: options.name,
    state,
    allows() {
      const current = state();
      return current === 'closed' || (current === 'half_open' && !probing);
    },
    async execute(call) {
      const current = state();
      if (current === 'open' || (current === 'half_open' && probing)) {
        throw new CircuitOpenError(options.name, Math.max(0, (openedAt ?? now()) + options.openMs - now()));
      }
      const isProbe = current === 'half_open';
      if (isProbe) probing = true;
      try {
        const result = await call();
        failures = 0;
        openedAt = undefined;
        lastError = undefined;
        return result;
      } catch (error) {
        failures += 1;
        lastError = (error as Error).message?.slice(0, 200);
        if (isProbe || failures >= options.failureThreshold) openedAt = now();
        throw error;
      } finally {
        if (isProbe) probing = false;
      }
    },
    snapshot() {
      const current = state();
      return {
        name: options.name,
        state: current,
        consecutiveFailures: failures,
        ...(current !== 'closed' && openedAt !== undefined ? { retryAtMs: openedAt + options.openMs } : {}),
        ...(lastError ? { lastError } : {}),
      };
    },
  };
}
