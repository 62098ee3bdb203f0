// Counters benchmarks read to find duplicates and losses: calls per method, 429s, messages
// delivered to each chat, webhook deliveries.

/** A snapshot of the counters. */
export interface SimStats {
  calls: Record<string, number>;
  totalCalls: number;
  errors: Record<string, number>;
  tooManyRequests: number;
  messagesSent: number;
  messagesSentByChat: Record<string, number>;
  updatesCreated: number;
  webhookDeliveries: number;
  webhookFailures: number;
  faultsFired: number;
}

/** The mutable side of the counters. */
export interface StatsRecorder {
  call(method: string): void;
  error(code: number): void;
  messageSent(chatId: number): void;
  updateCreated(): void;
  webhookDelivered(): void;
  webhookFailed(): void;
  faultFired(): void;
  snapshot(): SimStats;
  reset(): void;
}

/** Creates zeroed counters. */
export function createStatsRecorder(): StatsRecorder {
  let stats = empty();
  const bump = (record: Record<string, number>, key: string): void => {
    record[key] = (record[key] ?? 0) + 1;
  };
  return {
    call(method) {
      bump(stats.calls, method);
      stats.totalCalls++;
    },
    error(code) {
      bump(stats.errors, String(code));
      if (code === 429) stats.tooManyRequests++;
    },
    messageSent(chatId) {
      bump(stats.messagesSentByChat, String(chatId));
      stats.messagesSent++;
    },
    updateCreated() {
      stats.updatesCreated++;
    },
    webhookDelivered() {
      stats.webhookDeliveries++;
    },
    webhookFailed() {
      stats.webhookFailures++;
    },
    faultFired() {
      stats.faultsFired++;
    },
    snapshot() {
      return structuredClone(stats);
    },
    reset() {
      stats = empty();
    },
  };
}

function empty(): SimStats {
  return {
    calls: {},
    totalCalls: 0,
    errors: {},
    tooManyRequests: 0,
    messagesSent: 0,
    messagesSentByChat: {},
    updatesCreated: 0,
    webhookDeliveries: 0,
    webhookFailures: 0,
    faultsFired: 0,
  };
}
