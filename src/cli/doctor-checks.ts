import { existsSync } from 'node:fs';
import { statfs, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Api, GrammyError } from 'grammy';
import pg from 'pg';
import { loadBusinessConfig, type BusinessConfig } from '../config/business.ts';
import { describeAliasUse, resolveEnvAliases, withClinicErpUrl } from '../config/env-aliases.ts';
import { ConfigError, parseEnv, type Env } from '../config/env.ts';
import { askRunningLavka } from '../db/backup.ts';
import { DEFAULT_UNREACHABLE_KEEP_MS } from '../delivery/sender.ts';
import { createStaffChatsCheck, staffChatIds } from '../delivery/staff-chats.ts';
import { clinicErpConfigSchema } from '../modules/clinic-erp/clinic-erp.config.ts';
import { createHeleketClient } from '../modules/payments/providers/heleket.client.ts';
import { paymentsSettingsSchema } from '../modules/payments/payments.settings.ts';
import { GatewayRejectedError } from '../modules/payments/retry.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';
import { silentLogger } from '../observability/logger.ts';
import { API_TRANSPORT } from '../telegram/api-transport.ts';

// The checks of `npm run doctor`: each looks at one part of a deployment the way Lavka itself
// would at start-up, and says in plain words what is wrong and what to do about it.

/** One finding: `problem` makes the doctor exit non-zero, `warning` does not. */
export interface Finding {
  area: string;
  level: 'ok' | 'warning' | 'problem';
  message: string;
  /** What to do, for a warning or a problem. */
  fix?: string;
}

/** How long one outside call (Telegram, a gateway, Redis) may take. */
const CALL_TIMEOUT_MS = 10_000;
/** Below this much free disk beside a SQLite file, writes are near to failing. */
const DISK_PROBLEM_BYTES = 100 * 1024 * 1024;

const ok = (area: string, message: string): Finding => ({ area, level: 'ok', message });
const warning = (area: string, message: string, fix?: string): Finding => ({ area, level: 'warning', message, fix });
const problem = (area: string, message: string, fix?: string): Finding => ({ area, level: 'problem', message, fix });

/**
 * Every check, in the order an operator would fix things: configuration first (all of its
 * problems at once; the rest needs a valid configuration and is skipped without one), then
 * Telegram, the webhook, the database, the disk, Redis, the payment gateways, the staff chats.
 */
export async function diagnose(environment: NodeJS.ProcessEnv): Promise<Finding[]> {
  const configuration = await checkConfiguration(environment);
  if (!configuration.env || !configuration.config) return configuration.findings;
  const { env, config } = configuration;
  const findings = [...configuration.findings];
  const api = env.TELEGRAM_BOT_TOKEN ? new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT, timeoutSeconds: CALL_TIMEOUT_MS / 1000, ...API_TRANSPORT }) : undefined;
  const me = api ? await checkToken(api, env, findings) : undefined;
  if (api && me) await checkWebhook(api, env, findings);
  await checkDatabase(env, findings);
  await checkRedis(env, findings);
  await checkPayments(env, config, findings);
  if (api && me) await checkStaffChats(api, me, env, config, findings);
  return findings;
}

async function checkConfiguration(environment: NodeJS.ProcessEnv): Promise<{ findings: Finding[]; env?: Env; config?: BusinessConfig }> {
  const problems: string[] = [];
  let env: Env | undefined;
  try {
    env = parseEnv(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // The business config is checked even when the environment is not, so that one run names
  // everything; with a bad LAVKA_PRESET there is no preset to read.
  let config: BusinessConfig | undefined;
  const preset = env?.LAVKA_PRESET ?? (/^[a-z0-9-]+$/.test(environment.LAVKA_PRESET ?? '') ? (environment.LAVKA_PRESET as string) : environment.LAVKA_PRESET ? undefined : 'shop');
  const configFile = env?.LAVKA_CONFIG ?? (environment.LAVKA_CONFIG || undefined);
  if (preset) {
    try {
      if (configFile && !existsSync(configFile)) throw new ConfigError('', [`LAVKA_CONFIG: there is no file at ${path.resolve(configFile)}`]);
      config = withClinicErpUrl(await loadBusinessConfig({ preset, configFile }), env?.CLINIC_ERP_URL);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const where = error.message.split('\n')[0]?.replace(/^Lavka cannot start: /, '') ?? '';
      problems.push(...(error.problems.length > 0 ? error.problems : [where]).map((line) => (line.startsWith('LAVKA_') ? line : `${where.replace(/\.$/, '')}: ${line}`)));
    }
  }
  if (config && env) {
    // What a module would refuse at start-up, found now.
    if (config.connectors.clinic !== undefined) {
      const clinic = clinicErpConfigSchema.safeParse(config.connectors.clinic);
      if (!clinic.success) problems.push(...clinic.error.issues.map((issue) => `connectors.clinic.${issue.path.join('.')}: ${issue.message}`));
      if (!env.CLINIC_ERP_TOKEN) problems.push('CLINIC_ERP_TOKEN: required with the clinic ERP connector (connectors.clinic or CLINIC_ERP_URL)');
    }
    if (config.connectors.orders !== undefined && !env.ORDERS_BACKEND_TOKEN) problems.push('ORDERS_BACKEND_TOKEN: required with the order back end (connectors.orders)');
  }
  if (problems.length > 0) {
    return {
      findings: [
        ...problems.map((line) => problem('configuration', line)),
        warning('other checks', 'the token, webhook, database, Redis, payment and staff-chat checks need a valid configuration and were not run', 'fix the configuration lines above (in .env or the service environment, and the config file), then run npm run doctor again'),
      ],
    };
  }
  const findings: Finding[] = [];
  const aliases = resolveEnvAliases(environment).used;
  const mode = env?.TELEGRAM_BOT_TOKEN ? `${env.BOT_MODE} mode` : 'the sandbox (no TELEGRAM_BOT_TOKEN)';
  findings.push(ok('configuration', `valid: preset ${env?.LAVKA_PRESET}, ${mode}${aliases.length > 0 ? `; old variable names read as Lavka's: ${describeAliasUse(aliases)}` : ''}`));
  if (env && !env.TELEGRAM_BOT_TOKEN) {
    findings.push(warning('telegram', 'no TELEGRAM_BOT_TOKEN: Lavka runs the local sandbox, not a real bot', 'get a token from @BotFather and set TELEGRAM_BOT_TOKEN'));
  }
  return { findings, env, config };
}

async function checkToken(api: Api, env: Env, findings: Finding[]): Promise<{ id: number; username?: string } | undefined> {
  try {
    const me = await api.getMe();
    findings.push(ok('telegram', `the token belongs to @${me.username} (id ${me.id})`));
    return me;
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      findings.push(problem('telegram', `Telegram rejects the token (${error.error_code} ${error.description})`, 'copy the token again from @BotFather (/mybots → your bot → API Token) into TELEGRAM_BOT_TOKEN; a revoked token stops working at once'));
    } else {
      findings.push(problem('telegram', `cannot reach the Bot API at ${env.TELEGRAM_API_ROOT}: ${(error as Error).message}`, 'check that this machine can make outgoing HTTPS connections (DNS, firewall, a proxy) and that TELEGRAM_API_ROOT is right'));
    }
    return undefined;
  }
}

async function checkWebhook(api: Api, env: Env, findings: Finding[]): Promise<void> {
  const info = await api.getWebhookInfo().catch((error: unknown) => error as Error);
  if (info instanceof Error) {
    findings.push(problem('webhook', `getWebhookInfo failed: ${info.message}`));
    return;
  }
  if (env.BOT_MODE === 'polling') {
    if (info.url) findings.push(warning('webhook', `a webhook is set (${info.url}) although BOT_MODE is polling: Telegram sends updates there, not to this bot`, 'start Lavka (it removes the webhook when it starts polling), or set BOT_MODE=webhook if that URL is this deployment'));
    else findings.push(ok('webhook', 'no webhook set: updates are fetched by long polling'));
    return;
  }
  const wanted = new URL(env.WEBHOOK_URL as string);
  if (wanted.protocol !== 'https:') findings.push(problem('webhook', `WEBHOOK_URL is ${wanted.protocol.slice(0, -1)}: Telegram delivers to https URLs only`, 'put Lavka behind a TLS proxy (deploy/Caddyfile does it with an automatic certificate) and set an https WEBHOOK_URL'));
  const port = wanted.port || '443';
  if (!['443', '80', '88', '8443'].includes(port)) findings.push(problem('webhook', `WEBHOOK_URL uses port ${port}: Telegram delivers to ports 443, 80, 88 and 8443 only`, 'serve the webhook on 443 (the proxy forwards to Lavka\'s PORT)'));
  if (!info.url) {
    findings.push(problem('webhook', 'Telegram has no webhook for this bot: nothing reaches Lavka', 'start Lavka (it calls setWebhook at start-up); if it runs, its log says why setWebhook failed'));
    return;
  }
  if (info.url !== wanted.href) {
    findings.push(problem('webhook', `Telegram delivers to ${info.url}, but WEBHOOK_URL is ${wanted.href}`, 'restart Lavka so that it sets its own URL; if another deployment uses the same token, stop it — one token serves one deployment'));
    return;
  }
  const pending = info.pending_update_count;
  const lastError = info.last_error_date ? { ageSeconds: Math.round(Date.now() / 1000 - info.last_error_date), message: info.last_error_message ?? 'unknown error' } : undefined;
  if (lastError && (pending > 0 || lastError.ageSeconds < 3600)) {
    findings.push(problem('webhook', `Telegram's last delivery to ${info.url} failed ${describeAge(lastError.ageSeconds)} ago: "${lastError.message}" (${pending} update${pending === 1 ? '' : 's'} waiting)`, webhookFix(lastError.message)));
    return;
  }
  if (pending > 100) findings.push(warning('webhook', `${pending} updates are waiting at Telegram: Lavka is falling behind or was down`, 'check that Lavka runs and answers; they are delivered as it catches up'));
  else findings.push(ok('webhook', `Telegram delivers to ${info.url} (${pending} waiting${lastError ? `; the last error, ${describeAge(lastError.ageSeconds)} ago, has passed` : ''})`));
}

/** What Telegram's words for a failed delivery usually mean. */
function webhookFix(message: string): string {
  if (/ssl|certificate/i.test(message)) return 'the TLS certificate is not valid for Telegram: use a certificate from a public CA (Caddy gets one automatically) for the WEBHOOK_URL host';
  if (/401|403/.test(message)) return 'the secret does not match: WEBHOOK_SECRET changed since the webhook was set — restart Lavka so it sets the webhook with the current secret';
  if (/502|503|504|refused|timed out|timeout|resolve|unreachable/i.test(message)) return 'the proxy cannot reach Lavka, or Lavka is down: check that Lavka runs and that the proxy forwards the WEBHOOK_URL path to its PORT';
  if (/404/.test(message)) return 'nothing answers on that path: the proxy must forward the WEBHOOK_URL path to Lavka unchanged';
  return 'check the proxy and Lavka logs at that time';
}

function describeAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

async function checkDatabase(env: Env, findings: Finding[]): Promise<void> {
  const expected = migrationGroups(await discoverModules()).flatMap((group) => group.migrations.map((migration) => `${group.module}/${migration.name}`));
  const reportMigrations = (applied: readonly string[], where: string) => {
    const known = new Set(expected);
    const done = new Set(applied);
    const unknown = applied.filter((name) => !known.has(name));
    const pending = expected.filter((name) => !done.has(name));
    if (unknown.length > 0) {
      findings.push(problem('migrations', `${where} has ${unknown.length} migration(s) this version of Lavka does not know (${unknown.slice(0, 3).join(', ')}…): a newer Lavka ran on it`, 'run the newer version again, or restore a backup taken before the upgrade'));
    } else if (applied.length === 0) {
      findings.push(warning('migrations', `${where} is empty: Lavka creates its tables at the first start`));
    } else if (pending.length > 0) {
      findings.push(warning('migrations', `${pending.length} migration(s) not applied yet (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', …' : ''})`, 'they are applied when Lavka next starts (or run npm run migrate); a running Lavka older than this code should be restarted'));
    } else {
      findings.push(ok('migrations', `all ${applied.length} migrations applied`));
    }
  };

  if (!env.DATABASE_URL.startsWith('sqlite:')) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: CALL_TIMEOUT_MS });
    try {
      await client.connect();
      const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
      const hasTable = (await client.query("select 1 from information_schema.tables where table_name = 'lavka_migrations' and table_schema = any (current_schemas(false))")).rowCount! > 0;
      const applied = hasTable ? (await client.query<{ name: string }>('select name from lavka_migrations')).rows.map((row) => row.name) : [];
      findings.push(ok('database', `PostgreSQL ${version} answers`));
      reportMigrations(applied, 'the database');
    } catch (error) {
      findings.push(problem('database', `cannot connect to PostgreSQL (${redactUrl(env.DATABASE_URL)}): ${(error as Error).message}`, 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL runs (systemctl status postgresql, or docker compose ps)'));
    } finally {
      await client.end().catch(() => undefined);
    }
    return;
  }

  const file = path.resolve(env.DATABASE_URL.slice('sqlite:'.length));
  if (file.endsWith(':memory:')) {
    findings.push(warning('database', 'DATABASE_URL is sqlite::memory:: everything is lost when Lavka stops', 'set DATABASE_URL=sqlite:./data/lavka.db (or PostgreSQL)'));
    return;
  }
  await checkDisk(file, findings);
  if (!existsSync(file)) {
    findings.push(warning('database', `no database at ${file} yet: Lavka creates it at the first start`));
    return;
  }
  const running = await askRunningLavka(file, { command: 'status' }, CALL_TIMEOUT_MS).catch((error: unknown) => ({ ok: false as const, error: (error as Error).message }));
  if (running && running.ok && 'migrations' in running) {
    if (running.database.ok) findings.push(ok('database', `SQLite ${file}, in use by the running Lavka (pid ${running.pid}), which reports it healthy`));
    else findings.push(problem('database', `SQLite ${file}: the running Lavka reports ${running.database.detail ?? 'a failure'}`, 'free disk space or fix the disk; Lavka recovers by itself once writes succeed'));
    reportMigrations(running.migrations, 'the database');
    return;
  }
  if (running && !running.ok) {
    findings.push(problem('database', `the running Lavka on ${file} did not answer: ${running.error}`, 'look at its log; restart it if it hangs'));
    return;
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true, timeout: 0 });
    const integrity = (db.prepare('PRAGMA quick_check').all() as { quick_check: string }[]).map((row) => row.quick_check).join('; ');
    const hasTable = Number((db.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'lavka_migrations'").get() as { n: number }).n) > 0;
    const applied = hasTable ? (db.prepare('select name from lavka_migrations').all() as { name: string }[]).map((row) => row.name) : [];
    if (integrity === 'ok') findings.push(ok('database', `SQLite ${file} (Lavka is not running): the file passes SQLite's quick check`));
    else findings.push(problem('database', `SQLite ${file} is damaged: ${integrity}`, 'restore the latest backup (npm run restore -- <file>)'));
    reportMigrations(applied, 'the database');
  } catch (error) {
    if (/locked|busy/i.test((error as Error).message)) {
      findings.push(warning('database', `SQLite ${file} is held by a running Lavka that has no control socket (an older version)`, 'upgrade and restart it to have it checked'));
    } else {
      findings.push(problem('database', `cannot open SQLite ${file}: ${(error as Error).message}`, 'check DATABASE_URL and the file\'s owner and permissions (the service user must read and write it and its folder)'));
    }
  } finally {
    db?.close();
  }
}

async function checkDisk(file: string, findings: Finding[]): Promise<void> {
  const dir = path.dirname(file);
  const disk = await statfs(existsSync(dir) ? dir : path.dirname(dir)).catch(() => undefined);
  if (!disk) {
    findings.push(problem('disk', `the folder ${dir} does not exist and its parent cannot be read`, 'create the data folder, owned by the user Lavka runs as'));
    return;
  }
  const free = disk.bavail * disk.bsize;
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  const line = `${formatBytes(free)} free beside ${file}${size > 0 ? ` (the database is ${formatBytes(size)})` : ''}`;
  if (free < DISK_PROBLEM_BYTES) findings.push(problem('disk', `only ${line}: writes will soon fail`, 'free disk space (old logs, old backups) or move the data to a larger disk'));
  // A backup beside the file needs as much room again.
  else if (free < 2 * size + DISK_PROBLEM_BYTES) findings.push(warning('disk', `${line}: not enough for a backup beside it`, 'free disk space, or write backups elsewhere (npm run backup -- --dir <folder>)'));
  else findings.push(ok('disk', line));
}

async function checkRedis(env: Env, findings: Finding[]): Promise<void> {
  if (!env.REDIS_URL) {
    findings.push(ok('redis', 'not used (REDIS_URL unset): fine for one instance; several instances need it'));
    return;
  }
  const { Redis } = await import('ioredis');
  const client = new Redis(env.REDIS_URL, { lazyConnect: true, connectTimeout: CALL_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pong = await client.ping();
    const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1];
    findings.push(pong === 'PONG' ? ok('redis', `Redis ${version ?? ''} answers at ${redactUrl(env.REDIS_URL)}`) : problem('redis', `Redis answered ${pong} to PING`));
  } catch (error) {
    findings.push(problem('redis', `cannot reach Redis at ${redactUrl(env.REDIS_URL)}: ${(error as Error).message}`, 'check REDIS_URL (host, port, password) and that Redis runs (systemctl status redis-server, or docker compose ps)'));
  } finally {
    client.disconnect();
  }
}

async function checkPayments(env: Env, config: BusinessConfig, findings: Finding[]): Promise<void> {
  if (!config.modules.includes('payments')) return;
  const settings = paymentsSettingsSchema.safeParse(config.settings.payments);
  if (!settings.success) return;
  const offered = settings.data.methods.filter((method) => settings.data[method].enabled);
  if (offered.includes('card') && env.TELEGRAM_BOT_TOKEN && !env.PAYMENTS_PROVIDER_TOKEN) {
    findings.push(warning('payments', 'card payments are switched on but PAYMENTS_PROVIDER_TOKEN is not set: cards are not offered', 'get a provider token from @BotFather → Payments and set PAYMENTS_PROVIDER_TOKEN, or turn cards off in the panel'));
  }
  if (offered.includes('heleket')) {
    if (!env.HELEKET_MERCHANT_ID || !env.HELEKET_API_KEY) {
      if (env.HELEKET_MERCHANT_ID || env.HELEKET_API_KEY) findings.push(problem('payments', `Heleket needs both HELEKET_MERCHANT_ID and HELEKET_API_KEY; only ${env.HELEKET_MERCHANT_ID ? 'HELEKET_MERCHANT_ID' : 'HELEKET_API_KEY'} is set`, 'set the other one from the Heleket merchant panel'));
    } else {
      await checkHeleket(env, findings);
      if (!env.PUBLIC_URL) findings.push(warning('payments', 'PUBLIC_URL is not set: Heleket cannot send its webhooks, payments are confirmed by polling only (up to a minute late)', 'set PUBLIC_URL to the https address of this deployment'));
    }
  }
  if (offered.includes('qr') && !env.QR_WEBHOOK_SECRET) findings.push(ok('payments', 'QR payments are confirmed by staff (no QR_WEBHOOK_SECRET for signed confirmations)'));
  if (!findings.some((finding) => finding.area === 'payments')) findings.push(ok('payments', `methods offered: ${offered.join(', ') || 'none'}`));
}

async function checkHeleket(env: Env, findings: Finding[]): Promise<void> {
  const client = createHeleketClient({ apiUrl: env.HELEKET_API_URL, merchantId: env.HELEKET_MERCHANT_ID as string, apiKey: env.HELEKET_API_KEY as string });
  try {
    // An invoice that cannot exist: a signed question that changes nothing. "Not found" means
    // the gateway read the signature and accepted the keys.
    await client.invoiceInfo('00000000-0000-0000-0000-000000000000', AbortSignal.timeout(CALL_TIMEOUT_MS));
    findings.push(ok('payments', `Heleket answers at ${env.HELEKET_API_URL} and accepts the keys`));
  } catch (error) {
    if (error instanceof GatewayRejectedError && (error.gatewayStatus === 401 || error.gatewayStatus === 403)) {
      findings.push(problem('payments', `Heleket rejects the merchant id or API key: ${error.message}`, 'copy HELEKET_MERCHANT_ID and the payment API key (HELEKET_API_KEY) again from the Heleket merchant panel'));
    } else if (error instanceof GatewayRejectedError) {
      findings.push(ok('payments', `Heleket answers at ${env.HELEKET_API_URL} and accepts the keys`));
    } else {
      findings.push(problem('payments', `cannot reach Heleket at ${env.HELEKET_API_URL}: ${(error as Error).message}`, 'check outgoing HTTPS from this machine and HELEKET_API_URL; crypto payments wait meanwhile'));
    }
  }
}

async function checkStaffChats(api: Api, me: { id: number; username?: string }, env: Env, config: BusinessConfig, findings: Finding[]): Promise<void> {
  const chatIds = staffChatIds(config, env.ADMIN_IDS);
  if (chatIds.length === 0) {
    findings.push(warning('staff chats', 'no staff chat: nobody gets new orders and alerts', 'set ADMIN_IDS to your Telegram id (or adminChatIds in the config file to a group)'));
    return;
  }
  const check = createStaffChatsCheck({ api, chatIds: () => chatIds, me: async () => me, logger: silentLogger(), keptForMs: DEFAULT_UNREACHABLE_KEEP_MS });
  for (const state of await check.check()) {
    if (state.state === 'reachable') findings.push(ok('staff chats', `chat ${state.chatId} is reachable`));
    else findings.push(problem('staff chats', state.reason ?? `chat ${state.chatId}: ${state.state}`));
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]+)@/, '//$1:***@');
}
