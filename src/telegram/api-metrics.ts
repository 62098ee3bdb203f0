import type { Transformer } from 'grammy';
import type { Metrics } from '../observability/metrics.ts';

/**
 * Counts Bot API calls and their failures by method and error code (`network` when no answer
 * came). Used by the bot's own client and the outbox sender's, so both show in one metric.
 */
export function apiMetrics(metrics: Metrics): Transformer {
  return async (prev, method, payload, signal) => {
    metrics.apiCallsTotal.inc({ method });
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) metrics.apiErrorsTotal.inc({ method, code: String(result.error_code) });
      return result;
    } catch (error) {
      metrics.apiErrorsTotal.inc({ method, code: 'network' });
      throw error;
    }
  };
}
