import { isIP } from 'node:net';
import { z } from 'zod';
import { resolveEnvAliases } from './env-aliases.ts';

/** Telegram's public Bot API server, used when no other root is configured. */
export const TELEGRAM_DEFAULT_API_ROOT = 'https://api.telegram.org';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Comma-separated Telegram user ids, e.g. `123,456`. */
const idList = z
  .string()
  .trim()
  .refine((value) => value === '' || value.split(',').every((part) => /^\s*-?\d{1,16}\s*$/.test(part)), {
    message: 'expected comma-separated Telegram ids, e.g. 123456789,987654321',
  })
  .transform((value) => (value === '' ? [] : value.split(',').map((part) => Number(part.trim()))));

/** Names proxy-addr (Fastify's trustProxy) gives to the private ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(part: string): boolean {
  if (PROXY_RANGE_NAMES.has(part)) return true;
  const [address = '', prefix, ...rest] = part.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The reverse proxies allowed to tell Lavka the client's address (`X-Forwarded-For`): how many
 * hops stand in front of it (`1` behind one nginx), or their addresses and CIDR ranges. The
 * client address is then the entry the nearest untrusted hop wrote, never the leftmost one,
 * which the client itself controls. `0` (the default): the socket's peer address.
 */
const trustProxy = z
  .string()
  .trim()
  .refine((value) => /^\d{1,2}$/.test(value) || value.split(',').every((part) => isProxyAddress(part.trim())), {
    message: 'expected a number of proxy hops (e.g. 1) or comma-separated proxy addresses / CIDR ranges (e.g. 10.0.0.0/8,loopback)',
  })
  .transform((value): number | string[] => (/^\d{1,2}$/.test(value) ? Number(value) : value.split(',').map((part) => part.trim())));

const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^sqlite:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value), {
    message: 'expected sqlite:<path> or postgres://user@host:port/database',
  });

/**
 * The process environment Lavka reads, with defaults. Every variable is listed in
 * `.env.example` and in the README's configuration reference.
 */
export const envSchema = z
  .object({
    TELEGRAM_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^\d+:[\w-]{10,}$/, 'expected a token from @BotFather, e.g. 123456:ABC-DEF…')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    TELEGRAM_API_ROOT: z.url({ message: 'expected an http(s) URL' }).default(TELEGRAM_DEFAULT_API_ROOT),
    BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
    WEBHOOK_URL: z.url({ message: 'expected the public https URL Telegram should call' }).optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16–256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: trustProxy.default(0),
    // Unset: ./data/lavka.db for a real bot, one file per preset in the sandbox (see parseEnv).
    DATABASE_URL: databaseUrl.optional(),
    // SQLite: `group` commits without waiting for the disk and syncs once, off the event loop,
    // before anything is acknowledged; `full` syncs inside every commit (docs/decisions/0020).
    SQLITE_SYNC: z.enum(['group', 'full']).default('group'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, 'expected redis://host:port')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    ADMIN_IDS: idList.default([]),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FILE: z.string().optional(),
    LAVKA_PRESET: z.string().regex(/^[a-z0-9-]+$/, 'expected a preset name such as shop').default('shop'),
    LAVKA_CONFIG: z.string().optional(),
    // Read at start-up (before this file is parsed) and written by the panel's "Go live";
    // unset means .env, and naming it says that Lavka may write it wherever it runs.
    LAVKA_ENV_FILE: z.string().min(1).optional(),
    // Read by main.ts before anything else (so set in the real environment, not in the file):
    // `off` starts the sources even when the start-up bundle matches them.
    LAVKA_BUNDLE: z.enum(['on', 'off']).default('on'),
    LAVKA_DEMO_DATA: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe('seed the preset demo data: auto = only in the sandbox'),
    // Delivery: the outbox sender, broadcasts and the scheduler (src/delivery/README.md).
    SEND_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(30),
    PAID_BROADCAST: z.enum(['on', 'off']).default('off'),
    PAID_BROADCAST_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(1000),
    DELIVERY_UNCERTAIN_RESEND: z.enum(['transactional', 'all', 'none']).default('transactional'),
    // Renewed every third of it while the instance lives: a killed instance's messages are taken over after it.
    DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(6),
    // Direct replies wait for their place in the bot-wide and the chat's send windows (on), or
    // are counted without waiting (off); auto: on with REDIS_URL (several instances), off without.
    REPLY_PACING: z.enum(['auto', 'on', 'off']).default('auto'),
    DAILY_REPORT_TIME: z
      .string()
      .regex(/^(off|([01]?\d|2[0-3]):[0-5]\d)$/, 'expected HH:MM in the business time zone, or off')
      .default('09:00'),
    // Payments and the wallet (src/modules/payments, src/modules/wallet).
    PAYMENTS_PROVIDER_TOKEN: z.string().trim().min(8, 'expected the provider token from @BotFather → Payments').optional(),
    HELEKET_MERCHANT_ID: z.string().trim().min(1).optional(),
    HELEKET_API_KEY: z.string().trim().min(8).optional(),
    HELEKET_API_URL: z.url({ message: 'expected an http(s) URL' }).default('https://api.heleket.com'),
    QR_WEBHOOK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
    STARS_PACKS: z
      .string()
      .regex(/^\s*\d+:\d+\s*(,\s*\d+:\d+\s*)*$/, 'expected tokens:stars pairs, e.g. 100:50,500:225')
      .optional(),
    PRICE_BUY_RUB: z.coerce.number().positive().max(1_000_000).optional(),
    PRICE_SELL_RUB: z.coerce.number().positive().max(1_000_000).optional(),
    STARS_FULFILMENT_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
    // The integration API (src/modules/integrations): the secret API keys are hashed with.
    // Unset, Lavka generates one and keeps it in the database (every instance shares it).
    API_KEYS_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    // The order back end (connectors.orders in the config file): the token both sides send as
    // `Authorization: Bearer …`, which also keys the Standard Webhooks signatures both ways.
    ORDERS_BACKEND_TOKEN: z.string().trim().min(32, 'expected at least 32 characters').optional(),
    // The clinic's ERP (connectors.clinic in the config file): the Bearer token Lavka sends.
    CLINIC_ERP_TOKEN: z.string().trim().min(16, 'expected at least 16 characters').optional(),
    // The clinic's ERP base URL: sets connectors.clinic.url (and so turns the connector on)
    // without a config file, as the old clinic bot's DJANGO_API_URL / API_BASE_URL did.
    CLINIC_ERP_URL: z.url({ message: 'expected the ERP\'s http(s) base URL' }).optional(),
    // `demo` runs the reference clinic ERP inside Lavka and connects the clinic to it (sandbox).
    LAVKA_CLINIC_BACKEND: z.enum(['local', 'demo']).default('local'),
  });

/** Validated environment; DATABASE_URL is always resolved (see {@link defaultDatabaseUrl}). */
export type Env = Omit<z.infer<typeof envSchema>, 'DATABASE_URL'> & { DATABASE_URL: string };

/**
 * Where the data lives when DATABASE_URL is not set: `./data/lavka.db` for a real bot, and
 * one file per preset in the sandbox (`./data/sandbox-shop.db`), so that trying the clinic
 * after the shop never mixes the users and ids of two businesses.
 */
export function defaultDatabaseUrl(env: { TELEGRAM_BOT_TOKEN?: string | undefined; LAVKA_PRESET: string }): string {
  return env.TELEGRAM_BOT_TOKEN ? 'sqlite:./data/lavka.db' : `sqlite:./data/sandbox-${env.LAVKA_PRESET}.db`;
}

/** The address Lavka answers on this machine (the panel link printed by the command line tools). */
export function localUrl(env: { HOST: string; PORT: number }): string {
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`;
}

/** Thrown when the environment is invalid; its message lists every bad variable. */
export class ConfigError extends Error {
  readonly code = 'config.invalid';
  readonly problems: string[];
  constructor(title: string, problems: string[]) {
    super(`${title}\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment. Empty strings count as "not set", so a `.env` copied from
 * `.env.example` with blank values behaves like an empty environment.
 */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.keys(envSchema.shape);
  // The old bots' names (ADMIN_CHAT_IDS, USE_WEBHOOK, …) fill in what Lavka's own leave unset.
  const aliases = resolveEnvAliases(source);
  const input: Record<string, string> = { ...aliases.values };
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  // A bad value is reported under the name its owner wrote: `WEBHOOK_URL (from TELEGRAM_WEBHOOK_URL)`.
  const aliasedFrom = new Map(aliases.used.map((use) => [use.target, use.names.join(', ')]));
  const result = envSchema.safeParse(input);
  const problems = result.success
    ? [...aliases.problems]
    : result.error.issues.map((problem) => {
        const key = String(problem.path[0] ?? '');
        const name = (problem.path.join('.') || '(environment)') + (aliasedFrom.has(key) ? ` (from ${aliasedFrom.get(key)})` : '');
        const given = typeof problem.path[0] === 'string' ? input[problem.path[0]] : undefined;
        const shown = given === undefined ? '' : ` (got ${JSON.stringify(redact(String(problem.path[0]), given))})`;
        return `${name}: ${problem.message}${shown}`;
      });
  if (!result.success) problems.push(...aliases.problems);
  // Checked on the raw input, so they are reported together with any other bad value.
  if (input.BOT_MODE === 'webhook') {
    for (const name of ['TELEGRAM_BOT_TOKEN', 'WEBHOOK_URL', 'WEBHOOK_SECRET'] as const) {
      if (input[name] === undefined) problems.push(`${name}: required when BOT_MODE=webhook${aliasedFrom.has('BOT_MODE') ? ` (USE_WEBHOOK is true)` : ''}`);
    }
  }
  if (!result.success || problems.length > 0) {
    throw new ConfigError('Lavka cannot start: the environment has invalid values.', problems);
  }
  return { ...result.data, DATABASE_URL: result.data.DATABASE_URL ?? defaultDatabaseUrl(result.data) };
}

/** Keeps secrets out of error messages and logs. */
function redact(name: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD|API_KEY/.test(name)) return value.length > 4 ? `${value.slice(0, 4)}…` : '…';
  if (/URL/.test(name)) return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
  return value;
}
