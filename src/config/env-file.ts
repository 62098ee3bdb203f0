import { existsSync, readFileSync } from 'node:fs';
import { parseEnv as parseDotenv } from 'node:util';

/** The env file Lavka reads: `LAVKA_ENV_FILE` from the real environment, else `.env`. */
export function envFilePath(processEnv: NodeJS.ProcessEnv = process.env): string {
  return processEnv.LAVKA_ENV_FILE || '.env';
}

/**
 * The environment Lavka starts with: the env file's values under the real environment's (a
 * variable set in the shell or the service manager wins, as with `process.loadEnvFile`).
 * Read afresh each time: the panel's "Go live" writes the bot token into the file.
 */
export function environmentWithFile(processEnv: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = envFilePath(processEnv);
  const values = existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
  return { ...values, ...processEnv };
}
