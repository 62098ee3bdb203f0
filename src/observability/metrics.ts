import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Lavka's Prometheus metrics, in a registry of their own (no global state). */
export interface Metrics {
  registry: Registry;
  updatesTotal: Counter<'type'>;
  updateErrorsTotal: Counter<'type'>;
  updatesRefusedTotal: Counter<'type'>;
  updatesLimitedTotal: Counter<'type'>;
  updateDurationSeconds: Histogram<'type'>;
  apiCallsTotal: Counter<'method'>;
  apiErrorsTotal: Counter<'method' | 'code'>;
  outboxDepth: Gauge<'status'>;
}

/** Creates the metrics registry, with Node's process metrics included. */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'lavka_' });
  return {
    registry,
    updatesTotal: new Counter({
      name: 'lavka_updates_total',
      help: 'Telegram updates handled, by update type',
      labelNames: ['type'],
      registers: [registry],
    }),
    updateErrorsTotal: new Counter({
      name: 'lavka_update_errors_total',
      help: 'Updates whose handler threw, by update type',
      labelNames: ['type'],
      registers: [registry],
    }),
    updatesRefusedTotal: new Counter({
      name: 'lavka_updates_refused_total',
      help: 'Updates refused before handling because they do not fit the Bot API, by update type',
      labelNames: ['type'],
      registers: [registry],
    }),
    updatesLimitedTotal: new Counter({
      name: 'lavka_updates_limited_total',
      help: 'Updates of users over the flood-control limit (answered with one "slow down", then dropped), by update type',
      labelNames: ['type'],
      registers: [registry],
    }),
    updateDurationSeconds: new Histogram({
      name: 'lavka_update_duration_seconds',
      help: 'Time to handle one update, by update type',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    apiCallsTotal: new Counter({
      name: 'lavka_bot_api_calls_total',
      help: 'Bot API calls made, by method',
      labelNames: ['method'],
      registers: [registry],
    }),
    apiErrorsTotal: new Counter({
      name: 'lavka_bot_api_errors_total',
      help: 'Bot API calls that failed, by method and error code (network = no answer)',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    outboxDepth: new Gauge({
      name: 'lavka_outbox_depth',
      help: 'Messages waiting in the outbox, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
  };
}
