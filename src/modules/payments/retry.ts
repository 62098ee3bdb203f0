import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** Options of {@link callWithRetry}. */
export interface RetryOptions {
  /** Attempts in total, the first included. */
  attempts: number;
  /** Each attempt is aborted after this long. */
  timeoutMs: number;
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs: number;
  /** Whether a failure is worth another attempt (network, timeout, 5xx); default: always. */
  isRetryable?(error: unknown): boolean;
  sleep?(ms: number): Promise<void>;
}

/** A gateway answered, but with an error that retrying will not fix (4xx, refused request). */
export class GatewayRejectedError extends LavkaError<'payments.gateway_rejected'> {
  override readonly name = 'GatewayRejectedError';
  /** The gateway's HTTP status. */
  readonly gatewayStatus: number;
  constructor(message: string, gatewayStatus: number) {
    super('payments.gateway_rejected', message, { gatewayStatus });
    this.gatewayStatus = gatewayStatus;
  }

  /** The gateway refused this request as it stands: it conflicts with what the gateway accepts. */
  get kind(): ErrorKind {
    return 'conflict';
  }
}

/**
 * Calls `attempt` until it succeeds, with a timeout per attempt and exponential backoff.
 * The caller keeps the request's idempotency key the same across attempts, so a retry after
 * a lost response cannot open a second invoice.
 */
export async function callWithRetry<T>(attempt: (signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryable = options.isRetryable ?? ((error: unknown) => !(error instanceof GatewayRejectedError));
  let delayMs = options.backoffMs;
  let lastError: unknown;
  for (let index = 0; index < Math.max(1, options.attempts); index += 1) {
    try {
      return await attempt(AbortSignal.timeout(options.timeoutMs));
    } catch (error) {
      lastError = error;
      if (!retryable(error) || index === options.attempts - 1) break;
      await sleep(delayMs);
      delayMs *= 2;
    }
  }
  throw lastError;
}
