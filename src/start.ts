import type { LavkaApp } from './app.ts';
import { ConfigError, parseEnv, type Env } from './config/env.ts';
import { describeAliasUse, resolveEnvAliases } from './config/env-aliases.ts';
import { environmentWithFile } from './config/env-file.ts';
import { DatabaseLockedError } from './db/sqlite.ts';
import { sandboxBanner } from './http/sandbox.routes.ts';
import { startedFrom } from './bundle/bundle.freshness.ts';
import { createLogger } from './observability/logger.ts';
import { superviseLavka } from './supervisor.ts';

// Start-up: env file → validated env → logger → Lavka (restartable); then wait for SIGINT/SIGTERM.
// Loaded by main.ts once the compile cache is on.

// The file is read again at each restart: the panel's "Go live" writes the bot token into it.
const bootEnv = { ...process.env };
const readEnv = (): Env => parseEnv(environmentWithFile(bootEnv));

let env: Env;
try {
  env = readEnv();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const pretty = process.argv.includes('--dev') || (process.stdout.isTTY && process.env.NODE_ENV !== 'production');
const logger = createLogger({ level: env.LOG_LEVEL, pretty, file: env.LOG_FILE });
// Once per process, not at each restart: the old bots' variable names this deployment still uses.
const aliasesUsed = resolveEnvAliases(environmentWithFile(bootEnv)).used;
if (aliasesUsed.length > 0) {
  logger.info({ aliases: aliasesUsed }, `reading old variable names as Lavka's: ${describeAliasUse(aliasesUsed)} (the README's "Coming from the old bots" lists them)`);
}

/** Says where to look, after the first start and after each restart. */
function announce(app: LavkaApp): void {
  if (app.mode === 'sandbox') {
    const facts = { url: `${app.url}/sandbox`, admin: `${app.url}/admin/`, preset: app.env.LAVKA_PRESET, database: app.database.location, startedFrom: startedFrom() };
    // A person at a terminal gets a short banner; a service manager or a container gets one
    // JSON line it can parse.
    if (process.stdout.isTTY) process.stdout.write(sandboxBanner(facts));
    else logger.info(facts, `Sandbox ready. Open ${facts.url} to chat with your bot (preset ${facts.preset})`);
  } else {
    logger.info({ mode: app.mode, bot: app.bot.botInfo.username, url: app.url, startedFrom: startedFrom() }, `Lavka is running as @${app.bot.botInfo.username}`);
  }
}

try {
  const supervisor = await superviseLavka({ readEnv, logger, onStarted: announce });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight updates');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    await supervisor.stop();
    logger.info('stopped');
    logger.flush();
    process.exitCode = 0;
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) {
    console.error(error.message);
  } else {
    logger.fatal({ err: error }, 'Lavka could not start');
    console.error(`Lavka could not start: ${(error as Error).message}`);
  }
  logger.flush();
  process.exit(1);
}
