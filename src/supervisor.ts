import type { Logger } from 'pino';
import { startLavka, type LavkaApp, type StartOptions } from './app.ts';
import type { Env } from './config/env.ts';

/** What the supervisor needs: how to read the environment, and how to start Lavka. */
export interface SupervisorOptions {
  /** Reads the environment afresh (the env file may have changed since the last start). */
  readEnv(): Promise<Env> | Env;
  logger: Logger;
  /** Called after every start, the first and each restart (the banner, the log line). */
  onStarted?(app: LavkaApp): void;
  /** Further start options (tests). */
  startOptions?: Omit<StartOptions, 'env' | 'logger' | 'requestRestart'>;
}

/** A Lavka that can restart itself with a new environment (the panel's "Go live"). */
export interface Supervisor {
  /** The Lavka running now. */
  app(): LavkaApp;
  /** Resolves after the next restart finished (successfully or back on the old environment). */
  nextStart(): Promise<LavkaApp>;
  /** Stops Lavka for good. */
  stop(): Promise<void>;
}

/**
 * Starts Lavka and restarts it in place when asked: the runtime stops as on SIGTERM (updates
 * in flight finish, the database closes), the environment is read again, and Lavka starts
 * with it. If the new environment cannot start, Lavka comes back with the previous one, so
 * the owner is never left without a bot or a panel.
 */
export async function superviseLavka(options: SupervisorOptions): Promise<Supervisor> {
  const { logger } = options;
  let env = await options.readEnv();
  let restarting: Promise<void> | undefined;
  let stopped = false;
  const waiting: ((app: LavkaApp) => void)[] = [];

  const start = async (startEnv: Env): Promise<LavkaApp> => {
    const app = await startLavka({ ...options.startOptions, env: startEnv, logger, requestRestart });
    options.onStarted?.(app);
    return app;
  };

  const restart = async () => {
    await current.stop();
    const previous = env;
    try {
      env = await options.readEnv();
      current = await start(env);
      logger.info({ mode: current.mode }, 'Lavka restarted with the new environment');
    } catch (error) {
      logger.error({ err: error }, 'Lavka could not start with the new environment; starting again with the previous one');
      env = previous;
      current = await start(env);
    }
    for (const resolve of waiting.splice(0)) resolve(current);
  };

  function requestRestart(): void {
    if (restarting || stopped) return;
    // After the current request's answer has gone out.
    restarting = new Promise<void>((resolve) => setTimeout(resolve, 100))
      .then(restart)
      .catch((error: unknown) => logger.fatal({ err: error }, 'Lavka could not restart'))
      .finally(() => {
        restarting = undefined;
      });
  }

  let current = await start(env);
  return {
    app: () => current,
    nextStart: () => new Promise<LavkaApp>((resolve) => waiting.push(resolve)),
    async stop() {
      stopped = true;
      if (restarting) await restarting;
      await current.stop();
    },
  };
}
