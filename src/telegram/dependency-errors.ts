import { localeOr, type Locale } from '../config/business.ts';
import { sqliteStorageFailure } from '../db/sqlite.ts';
import type { Translator } from './i18n.ts';

/**
 * What an outage error shows is down: the database, Redis, or some server a socket could
 * not reach (a pg or ioredis connection, a connector's HTTP call).
 */
export type DependencyName = 'database' | 'redis' | 'network';

// PostgreSQL SQLSTATEs of a server that is going away, starting or refusing connections:
// class 08 (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now) and
// 53300 (too many connections).
const PG_OUTAGE_STATES = /^(08...|57P0[123]|53300)$/;
// Socket errors of a server that is not there.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// pg's own messages for a connection that broke or never opened.
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/i;
// ioredis's messages while it reconnects.
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Reached the max retries per request/i;
// node:sqlite SQLITE_BUSY / SQLITE_LOCKED after the busy timeout, and the transaction SQLite aborted.
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

/**
 * Names the dependency whose outage `error` shows — PostgreSQL unreachable or restarting, the
 * SQLite disk full or failing, Redis disconnected, a refused or reset socket — or undefined
 * for any other error (a bug, bad data, Telegram refusing a call). Follows `cause` chains.
 */
export function dependencyOutage(error: unknown): DependencyName | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (typeof current !== 'object') return undefined;
    const { code, errcode, name } = current as { code?: unknown; errcode?: unknown; name?: unknown };
    const message = (current as { message?: unknown }).message;
    const text = typeof message === 'string' ? message : '';
    if (name === 'SqliteTransactionLostError' || sqliteStorageFailure(current)) return 'database';
    if (typeof errcode === 'number' && [SQLITE_BUSY, SQLITE_LOCKED].includes(errcode & 0xff)) return 'database';
    if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(text)) return 'redis';
    if (typeof code === 'string' && PG_OUTAGE_STATES.test(code)) return 'database';
    if (PG_MESSAGES.test(text)) return 'database';
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'network';
    // AggregateError: a host with both IPv4 and IPv6 addresses refused on both.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const item of errors) {
        const found = dependencyOutage(item);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * True when `error` shows a lost or refused connection to a server (PostgreSQL going away or
 * starting, a socket refused or reset) — an outage that ends by itself, typically in seconds —
 * as opposed to a full disk or a bug. Follows `cause` chains.
 */
export function isConnectionLoss(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (typeof current !== 'object') return false;
    const { code } = current as { code?: unknown };
    const message = (current as { message?: unknown }).message;
    if (typeof code === 'string' && (PG_OUTAGE_STATES.test(code) || NETWORK_CODES.has(code))) return true;
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((item) => isConnectionLoss(item))) return true;
  }
  return false;
}

/**
 * The message id the user is shown for a failed update: the error's own when it names one (a
 * connector's outage: "the clinic's system is not answering, nothing was changed"), "try
 * again in a minute" for an outage, else the generic apology.
 */
export function apologyKey(error: unknown): string {
  const own = typeof error === 'object' && error !== null ? (error as { apologyKey?: unknown }).apologyKey : undefined;
  if (typeof own === 'string') return own;
  return dependencyOutage(error) ? 'error-unavailable' : 'error-generic';
}

/**
 * The apology for a failed update in the user's language. When the database is what failed,
 * the user's stored language could not be read: the language Telegram reports for them
 * (`from.language_code`) is used, else the business's default.
 */
export function apologyText(
  ctx: { locale?: Locale; from?: { language_code?: string } },
  error: unknown,
  i18n: Pick<Translator, 't' | 'defaultLocale'>,
): string {
  const locale = ctx.locale ?? localeOr(ctx.from?.language_code?.slice(0, 2), i18n.defaultLocale);
  return i18n.t(locale, apologyKey(error));
}
