import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseEnv as parseDotenv } from 'node:util';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createSimulator, startSimulatorServer, type TelegramSimulator } from '../../src/sim/index.ts';
import { superviseLavka, type Supervisor } from '../../src/supervisor.ts';
import { TEST_BOT_TOKEN } from './harness.ts';

/** A sandbox Lavka that can go live, and the Telegram it would go live on. */
export interface SupervisedSandbox {
  supervisor: Supervisor;
  /** "Real" Telegram: a simulator on its own port that knows the bot with {@link TEST_BOT_TOKEN}. */
  telegram: TelegramSimulator;
  envFile: string;
  workDir: string;
  /** Stops Lavka and the simulator, goes back to the previous working folder, removes the files. */
  stop(): Promise<void>;
}

/**
 * Starts the sandbox as `npm start` does (restartable, reading its env file at each start) in
 * a fresh working folder of its own: the sandbox's default database lives under ./data there.
 */
export async function startSupervisedSandbox(envFileContent: string): Promise<SupervisedSandbox> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-go-live-'));
  const envFile = path.join(workDir, '.env');
  const startDir = process.cwd();
  process.chdir(workDir);
  const telegram = createSimulator({ token: TEST_BOT_TOKEN, rateLimits: false });
  const server = await startSimulatorServer({ sim: telegram });
  writeFileSync(envFile, envFileContent);
  const boot = { PORT: '0', HOST: '127.0.0.1', TELEGRAM_API_ROOT: server.apiRoot, LOG_LEVEL: 'silent', LAVKA_ENV_FILE: envFile };
  const supervisor = await superviseLavka({
    readEnv: () => parseEnv({ ...parseDotenv(readFileSync(envFile, 'utf8')), ...boot }),
    logger: silentLogger(),
    startOptions: { sandbox: { rateLimits: false } },
  });
  return {
    supervisor,
    telegram,
    envFile,
    workDir,
    async stop() {
      await supervisor.stop();
      await server.close();
      process.chdir(startDir);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
