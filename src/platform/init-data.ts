// Telegram Mini App launch data (`initData`): the query string Telegram hands a Mini App, signed
// with the bot's token. Why Lavka checks it itself rather than with a library:
// docs/decisions/0019-mini-app.md.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** The Telegram user a Mini App was opened by, as initData names them. */
export interface InitDataUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
}

/** What a valid initData says. */
export interface InitData {
  user: InitDataUser;
  /** When Telegram signed it, in seconds since the epoch. */
  authDateSec: number;
  /** Present when the app was opened from an inline button or the attachment menu. */
  queryId?: string;
  /** `start_param` of a direct link (`t.me/bot/app?startapp=…`). */
  startParam?: string;
  chatType?: string;
}

/** Why initData was refused; never which byte of a signature was wrong. */
export type InitDataRefusal = 'missing' | 'malformed' | 'signature_invalid' | 'expired' | 'from_the_future';

/** The longest initData accepted: Telegram's is well under 1 kB; anything huge is not Telegram's. */
export const MAX_INIT_DATA_LENGTH = 4096;
/** Clock skew tolerated between Telegram's servers and this one. */
const FUTURE_SKEW_SEC = 60;

/** HMAC-SHA-256 of `data` under `key`. */
function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The key Telegram signs a bot's initData with: HMAC-SHA-256 of the token under "WebAppData". */
export function initDataSecret(botToken: string): Buffer {
  return hmac('WebAppData', botToken);
}

/**
 * Checks initData the way Telegram documents it (Bot API, "Validating data received via the
 * Mini App"): every field but `hash` sorted by name as `key=value` lines, HMAC-SHA-256 under
 * the bot's secret, compared in constant time. A valid initData older than `maxAgeSec` is
 * refused; the same initData may be used again within its age (each API call carries it).
 */
export function validateInitData(raw: string | undefined, options: { botToken: string; maxAgeSec: number; nowMs: number }): InitData | InitDataRefusal {
  if (!raw) return 'missing';
  if (raw.length > MAX_INIT_DATA_LENGTH) return 'malformed';
  const params = new URLSearchParams(raw);
  const hash = params.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return 'malformed';
  const lines: string[] = [];
  const names = new Set<string>();
  for (const [name, value] of params) {
    if (name === 'hash') continue;
    // A field twice would let a forger smuggle a second value past the signature's reading.
    if (names.has(name)) return 'malformed';
    names.add(name);
    lines.push(`${name}=${value}`);
  }
  lines.sort();
  const expected = hmac(initDataSecret(options.botToken), lines.join('\n'));
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) return 'signature_invalid';

  const authDateSec = Number(params.get('auth_date'));
  if (!Number.isSafeInteger(authDateSec) || authDateSec <= 0) return 'malformed';
  const nowSec = Math.floor(options.nowMs / 1000);
  if (authDateSec > nowSec + FUTURE_SKEW_SEC) return 'from_the_future';
  if (nowSec - authDateSec > options.maxAgeSec) return 'expired';

  const user = parseUser(params.get('user'));
  if (!user) return 'malformed';
  const queryId = params.get('query_id') ?? undefined;
  const startParam = params.get('start_param') ?? undefined;
  const chatType = params.get('chat_type') ?? undefined;
  return { user, authDateSec, ...(queryId ? { queryId } : {}), ...(startParam ? { startParam } : {}), ...(chatType ? { chatType } : {}) };
}

/** The `user` field: JSON of a Telegram user with an integer id and a first name. */
function parseUser(json: string | null): InitDataUser | undefined {
  if (!json) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.id) || (record.id as number) <= 0 || typeof record.first_name !== 'string') return undefined;
  const text = (field: string, max: number) => (typeof record[field] === 'string' ? { [field]: (record[field] as string).slice(0, max) } : {});
  return {
    id: record.id as number,
    first_name: record.first_name.slice(0, 64),
    ...text('last_name', 64),
    ...text('username', 32),
    ...text('language_code', 35),
    ...(record.is_premium === true ? { is_premium: true } : {}),
  };
}
