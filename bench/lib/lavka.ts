// Lavka as the benchmarks run it: `startLavka` exactly as src/main.ts calls it, with the
// replies going to a stub or simulator and the logs at `info` on stdout.

import { startLavka, type LavkaApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { STUB_BOT_TOKEN } from './stub-client.ts';

/** Where Lavka sends its replies and keeps its data. */
export interface LavkaBenchOptions {
  apiRoot: string;
  /** `sqlite:<file>` or `postgres://…`. */
  databaseUrl: string;
  /** Webhook mode listens here; 0 picks a free port. */
  port?: number;
  webhookSecret?: string;
  logLevel?: 'info' | 'silent';
  /** Extra environment (strings, as in a real environment). */
  env?: Record<string, string>;
}

/**
 * Starts Lavka in webhook mode (so that no poller competes with the benchmark's own feeding)
 * with everything on: the shop preset with its demo catalogue, users and sessions in the
 * database, i18n, menus, Prometheus metrics, the outbox sender and the job scheduler, and
 * pino logs at `info` as JSON on stdout, which the parent points at a file. The daily report
 * is off so that it cannot fire in the middle of a measurement, and so is flood control.
 */
export async function startLavkaForBench(options: LavkaBenchOptions): Promise<LavkaApp> {
  const port = options.port ?? 0;
  const env = parseEnv({
    TELEGRAM_BOT_TOKEN: STUB_BOT_TOKEN,
    TELEGRAM_API_ROOT: options.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
    WEBHOOK_SECRET: options.webhookSecret ?? 'bench-secret-0123456789abcdef',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    LAVKA_PRESET: 'shop',
    LAVKA_DEMO_DATA: 'on',
    LOG_LEVEL: options.logLevel ?? 'info',
    ADMIN_IDS: '7000',
    DAILY_REPORT_TIME: 'off',
    ...options.env,
  });
  const logger = createLogger({ level: env.LOG_LEVEL, pretty: false });
  // The load comes from a few dozen scripted users at machine speed, which flood control would
  // rightly mute; real load is many people at human speed, whom it never touches.
  return startLavka({ env, logger, floodControl: false });
}
