import type { Logger } from 'pino';
import { parseEnv, type Env } from '../../src/config/env.ts';
import { startLavka, type LavkaApp } from '../../src/app.ts';
import type { LavkaModule } from '../../src/modules/module.ts';
import { createLogger, silentLogger } from '../../src/observability/logger.ts';
import { createSimulator, startSimulatorServer, type TelegramSimulator } from '../../src/sim/index.ts';
import { sqliteTestDatabase, type TestDatabase } from './services.ts';

/** The bot token tests use; the simulator accepts only this one. */
export const TEST_BOT_TOKEN = '123456:TEST-TOKEN-FOR-LAVKA';

/** Options for {@link startTestLavka}. */
export interface TestLavkaOptions {
  preset?: string;
  /** Defaults to a fresh SQLite file. */
  database?: TestDatabase;
  adminIds?: number[];
  /** Extra environment variables (strings, as in a real environment). */
  env?: Record<string, string>;
  /** Simulator rate limits: off by default so functional tests stay fast. */
  rateLimits?: Parameters<typeof createSimulator>[0] extends infer O ? (O extends { rateLimits?: infer R } ? R : never) : never;
  now?: () => number;
  /** Modules defined in the test itself (always enabled). */
  extraModules?: readonly LavkaModule[];
  /**
   * Flood control as the config says: off by default, since simulated users send far faster
   * than people and functional tests would be muted.
   */
  floodControl?: boolean;
  /** Where the app logs (tests that check what is logged); silent by default. */
  logger?: Logger;
}

/** Lavka running against the Telegram simulator over real HTTP, as in production. */
export interface TestLavka {
  app: LavkaApp;
  sim: TelegramSimulator;
  env: Env;
  database: TestDatabase;
  /** Stops Lavka and starts it again on the same database (a deploy or a crash-restart). */
  restart(): Promise<void>;
  /** Stops everything and deletes the test database. */
  stop(): Promise<void>;
}

/**
 * Starts the simulator as an HTTP server and Lavka polling it, with a fresh database.
 * The bot knows the simulator only through TELEGRAM_API_ROOT, exactly like Telegram.
 */
export async function startTestLavka(options: TestLavkaOptions = {}): Promise<TestLavka> {
  const sim = createSimulator({ token: TEST_BOT_TOKEN, rateLimits: options.rateLimits ?? false });
  const server = await startSimulatorServer({ sim });
  const database = options.database ?? sqliteTestDatabase();
  const env = parseEnv({
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_API_ROOT: server.apiRoot,
    BOT_MODE: 'polling',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    LAVKA_PRESET: options.preset ?? 'shop',
    ADMIN_IDS: (options.adminIds ?? []).join(','),
    LOG_LEVEL: 'silent',
    LAVKA_DEMO_DATA: 'on',
    ...options.env,
  });
  // LAVKA_TEST_LOG=debug shows the app's logs while debugging a test.
  const logLevel = process.env.LAVKA_TEST_LOG as 'debug' | 'info' | 'error' | undefined;
  const logger = options.logger ?? (logLevel ? createLogger({ level: logLevel, pretty: true }) : silentLogger());
  const start = () => startLavka({ env, logger, now: options.now, extraModules: options.extraModules, ...(options.floodControl ? {} : { floodControl: false as const }) });
  const handle: TestLavka = {
    app: await start(),
    sim,
    env,
    database,
    async restart() {
      await handle.app.stop();
      handle.app = await start();
    },
    async stop() {
      await handle.app.stop();
      await server.close();
      await database.drop();
    },
  };
  return handle;
}

/** A free TCP port on 127.0.0.1, for servers whose URL must be known before they start. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
