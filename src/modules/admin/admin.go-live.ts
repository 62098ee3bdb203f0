import { existsSync, statSync } from 'node:fs';
import { access, constants, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv as parseDotenv } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { defaultDatabaseUrl } from '../../config/env.ts';
import { createDatabase } from '../../db/database.ts';
import { migrate, type MigrationGroup } from '../../db/migrator.ts';
import type { GoLiveTable } from '../module.ts';
import { AdminError } from './admin.errors.ts';

// "Go live": from the sandbox to a real bot without leaving the panel. The owner pastes the
// token from @BotFather; Lavka asks Telegram who that bot is, copies the business data made
// in the sandbox (catalogue, settings, texts, staff) into the real bot's own database, leaves
// the simulated people behind, writes the token to the environment file and restarts its bot
// runtime. Where Lavka may not write its environment (a service unit, a container, several
// instances) it says what to add and how to restart, and writes nothing.

/** A bot token as @BotFather gives it. */
export const BOT_TOKEN_PATTERN = /^\d{1,20}:[\w-]{10,100}$/;

/** Who a token belongs to, as getMe says. */
export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
}

/** What the owner is told after a token was accepted. */
export type GoLiveOutcome =
  | { mode: 'restarting'; bot: BotIdentity; envFile: string; database: string; copied: Record<string, number> }
  | { mode: 'manual'; bot: BotIdentity; reason: string; lines: string[]; restart: string };

/** Everything going live needs, passed in. */
export interface GoLiveDeps {
  /** The running configuration: the sandbox's preset, database and API root. */
  env: { LAVKA_PRESET: string; DATABASE_URL: string; TELEGRAM_API_ROOT: string; TELEGRAM_BOT_TOKEN?: string | undefined; REDIS_URL?: string | undefined };
  /**
   * The environment file the configuration names (`LAVKA_ENV_FILE`); undefined: `.env`, which
   * Lavka writes only where it is not managed by a service manager or a container.
   */
  envFile: string | undefined;
  /** The sandbox's database. */
  db: Kysely<unknown>;
  /** Every module's migrations (the new database gets the same schema) … */
  migrations: readonly MigrationGroup[];
  /** … and the tables each module carries over, in module order. */
  keep: readonly GoLiveTable[];
  /** Restarts the bot runtime with the new environment, after the answer went out. */
  requestRestart(): void;
  fetch?: typeof fetch;
  /** Facts about where Lavka runs (tests set them). */
  host?: { serviceManager: boolean; container: boolean };
}

/** Asks Telegram who the token belongs to; Telegram's own words when it says no. */
export async function checkBotToken(token: string, apiRoot: string, fetchImpl: typeof fetch = fetch): Promise<BotIdentity> {
  if (!BOT_TOKEN_PATTERN.test(token)) {
    throw new AdminError('admin.token_refused', 'This does not look like a bot token. @BotFather gives it as 123456789:AAH… (digits, a colon, 35 letters).');
  }
  let body: { ok?: boolean; description?: string; result?: { id: number; username?: string; first_name: string; is_bot: boolean } };
  try {
    const response = await fetchImpl(`${apiRoot.replace(/\/+$/, '')}/bot${token}/getMe`, { signal: AbortSignal.timeout(10_000) });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new AdminError('admin.telegram_unreachable', `Telegram could not be reached to check the token (${(error as Error).message}). Nothing was changed; try again in a minute.`);
  }
  if (!body.ok || !body.result?.is_bot || !body.result.username) {
    throw new AdminError('admin.token_refused', `Telegram refused the token: ${body.description ?? 'no bot with this token'}. Nothing was changed.`);
  }
  return { id: body.result.id, username: body.result.username, firstName: body.result.first_name };
}

/** Why Lavka should not write its own environment here, if it should not. */
export async function envFileBlocker(deps: Pick<GoLiveDeps, 'envFile' | 'env' | 'host'>): Promise<string | undefined> {
  if (deps.env.REDIS_URL) return 'Several Lavka instances share this deployment (REDIS_URL is set): each needs the token in its environment.';
  // A file named in LAVKA_ENV_FILE is one the operator chose for Lavka to keep (a volume, say).
  if (deps.envFile === undefined) {
    const host = hostFacts(deps.host);
    if (host.serviceManager) return 'Lavka runs under a service manager, which reads its environment from its own unit or file.';
    if (host.container) return 'Lavka runs in a container, whose environment is set where the container is defined.';
  }
  const file = envFileOf(deps);
  const target = existsSync(file) ? file : path.dirname(path.resolve(file));
  try {
    await access(target, constants.W_OK);
  } catch {
    return `Lavka may not write ${file}.`;
  }
  return undefined;
}

/** Where Lavka runs, unless a test says. */
function hostFacts(host: GoLiveDeps['host']): { serviceManager: boolean; container: boolean } {
  return host ?? { serviceManager: Boolean(process.env.INVOCATION_ID), container: existsSync('/.dockerenv') || Boolean(process.env.KUBERNETES_SERVICE_HOST) };
}

/** The env file Lavka reads and writes. */
function envFileOf(deps: Pick<GoLiveDeps, 'envFile'>): string {
  return deps.envFile ?? '.env';
}

/** Sets `KEY=value` lines in an env file, keeping every other line; written whole or not at all. */
export async function writeEnvValues(file: string, values: Record<string, string>): Promise<void> {
  const before = existsSync(file) ? await readFile(file, 'utf8') : '';
  const lines = before.length > 0 ? before.replace(/\n$/, '').split('\n') : [];
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${value}`;
    const index = lines.findIndex((row) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(row));
    if (index >= 0) lines[index] = line;
    else lines.push(line);
  }
  const temporary = `${file}.${process.pid}.tmp`;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  // The file holds secrets: readable by its owner only.
  await writeFile(temporary, `${lines.join('\n')}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** Copies the kept tables row by row, clearing the columns each names; returns rows per table. */
async function copyTables(from: Kysely<unknown>, to: Kysely<unknown>, tables: readonly GoLiveTable[]): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  await to.transaction().execute(async (trx) => {
    // Rows are copied table by table in module order; a category may point at a later one.
    await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
    for (const { table, clear = [] } of tables) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(from)).rows;
      for (let start = 0; start < rows.length; start += 100) {
        const batch = rows.slice(start, start + 100).map((row) => ({ ...row, ...Object.fromEntries(clear.map((column) => [column, null])) }));
        await trx.insertInto(table as never).values(batch as never).execute();
      }
      copied[table] = rows.length;
    }
  });
  return copied;
}

/**
 * Takes the sandbox live with the given token: checks it with Telegram, then either prepares
 * everything and asks for a restart, or says what to change by hand. A refusal changes nothing.
 */
export async function goLive(deps: GoLiveDeps, token: string): Promise<GoLiveOutcome> {
  if (deps.env.TELEGRAM_BOT_TOKEN) throw new AdminError('admin.go_live_unavailable', 'This bot is live already.');
  const bot = await checkBotToken(token.trim(), deps.env.TELEGRAM_API_ROOT, deps.fetch);
  const sandboxDatabase = defaultDatabaseUrl({ LAVKA_PRESET: deps.env.LAVKA_PRESET });
  const liveDatabase = defaultDatabaseUrl({ TELEGRAM_BOT_TOKEN: token, LAVKA_PRESET: deps.env.LAVKA_PRESET });
  const blocker = await envFileBlocker(deps);
  if (blocker) {
    return {
      mode: 'manual',
      bot,
      reason: blocker,
      lines: [`TELEGRAM_BOT_TOKEN=${token.trim()}`],
      restart: restartHint(deps.host),
    };
  }
  if (deps.env.DATABASE_URL !== sandboxDatabase) {
    throw new AdminError(
      'admin.go_live_unavailable',
      `This sandbox keeps its data in DATABASE_URL (${deps.env.DATABASE_URL.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@')}), which the real bot would share with the simulated customers. ` +
        'Set TELEGRAM_BOT_TOKEN and a DATABASE_URL for the real bot by hand (the catalogue moves with its CSV export and import).',
    );
  }
  const liveFile = liveDatabase.slice('sqlite:'.length);
  if (existsSync(liveFile) && statSync(liveFile).size > 0) {
    throw new AdminError('admin.go_live_unavailable', `${liveFile} exists already and may hold a live bot's data. Move it away first; nothing was changed.`);
  }
  // The business data goes into the real bot's own database: the sandbox's stays as it was.
  const target = await createDatabase({ url: liveDatabase });
  let copied: Record<string, number>;
  try {
    await migrate(target, deps.migrations);
    copied = await copyTables(deps.db, target.db as unknown as Kysely<unknown>, deps.keep);
  } catch (error) {
    await target.close();
    await removeQuietly(liveFile);
    throw error;
  }
  await target.close();
  try {
    await writeEnvValues(envFileOf(deps), { TELEGRAM_BOT_TOKEN: token.trim() });
  } catch (error) {
    await removeQuietly(liveFile);
    throw new AdminError('admin.go_live_unavailable', `Lavka could not write ${envFileOf(deps)} (${(error as Error).message}); nothing was changed.`);
  }
  deps.requestRestart();
  return { mode: 'restarting', bot, envFile: envFileOf(deps), database: liveFile, copied };
}

/** How the owner restarts Lavka where Lavka cannot restart itself. */
function restartHint(host: GoLiveDeps['host']): string {
  const facts = hostFacts(host);
  if (facts.serviceManager) return 'sudo systemctl restart lavka';
  if (facts.container) return 'docker compose up -d lavka';
  return 'Stop Lavka (Ctrl+C) and run npm start again';
}

async function removeQuietly(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
}

/** The values an env file sets, without touching the process's environment. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  if (!existsSync(file)) return {};
  return parseDotenv(await readFile(file, 'utf8')) as Record<string, string>;
}
