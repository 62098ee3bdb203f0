// Injected faults let tests and benchmarks see how the bot copes with a flaky Telegram:
// 5xx answers, slow answers, connections that die without any answer, and a 400 refusal
// (Telegram saying no to a call that looked valid, e.g. an invoice its payment provider rejects).

/** One fault to inject; it fires on the next `count` matching calls. */
export interface FaultSpec {
  /** Only calls of this method (case-insensitive); all methods when omitted. */
  method?: string;
  kind: 'server_error' | 'slow' | 'drop' | 'bad_request';
  /** How many calls it affects (default 1). */
  count?: number;
  /** For `slow`: how long to stall (default 2000 ms). */
  delayMs?: number;
  /** For `server_error`: the HTTP status (500 or 502, default 500). */
  status?: 500 | 502;
  /** For `server_error` and `drop`: whether the call still takes effect first (default false). */
  afterEffect?: boolean;
  /** For `bad_request`: Telegram's description (default `Bad Request: rejected by an injected fault`). */
  description?: string;
}

/** A queue of faults consulted on every call. */
export interface FaultInjector {
  inject(fault: FaultSpec): void;
  clear(): void;
  /** Takes the first fault matching `method`, decrementing its count. */
  take(method: string): FaultSpec | undefined;
  pending(): FaultSpec[];
}

/** Creates an empty fault queue. */
export function createFaultInjector(): FaultInjector {
  let faults: Array<FaultSpec & { remaining: number }> = [];
  return {
    inject(fault) {
      if (!['server_error', 'slow', 'drop', 'bad_request'].includes(fault.kind)) throw new Error(`unknown fault kind ${String(fault.kind)}`);
      faults.push({ ...fault, remaining: Math.max(1, fault.count ?? 1) });
    },
    clear() {
      faults = [];
    },
    take(method) {
      const lower = method.toLowerCase();
      const fault = faults.find((f) => f.method === undefined || f.method.toLowerCase() === lower);
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
      const { remaining: _remaining, ...spec } = fault;
      return spec;
    },
    pending() {
      return faults.map(({ remaining, ...spec }) => ({ ...spec, count: remaining }));
    },
  };
}
