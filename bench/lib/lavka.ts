// Lavka as the benchmarks run it: `startLavka` exactly as src/main.ts calls it, from the code
// `npm start` runs (the start-up bundle), with the replies going to a stub or simulator and
// the logs at `info` on stdout.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LavkaApp } from '../../src/app.ts';
import { BUNDLE_DIR, BUNDLE_EMBED, checkBundle } from '../../src/bundle/bundle.freshness.ts';
import type * as Embed from '../../src/bundle/embed.ts';
import { STUB_BOT_TOKEN } from './stub-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Lavka's code as `npm start` runs it: the start-up bundle (docs/decisions/0021), which
 * `npm run bench` rebuilds first when the sources have changed. The sources through Node's
 * TypeScript stripping load differently: about 1,250 files, each a module record and a text
 * with its comments (13 MB more live heap after start, slower collections).
 * `BENCH_LAVKA=sources` runs them anyway, e.g. for a profile that names source lines.
 */
export async function lavkaCode(env: NodeJS.ProcessEnv = process.env): Promise<typeof Embed> {
  if (env.BENCH_LAVKA === 'sources') return import('../../src/bundle/embed.ts');
  const bundle = checkBundle(ROOT);
  if (!bundle.fresh) throw new Error(`the start-up bundle does not match the sources (${bundle.reason}): run npm run build:server, or BENCH_LAVKA=sources`);
  return (await import(pathToFileURL(path.join(ROOT, BUNDLE_DIR, BUNDLE_EMBED)).href)) as typeof Embed;
}

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
  const { startLavka, parseEnv, createLogger } = await lavkaCode();
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
