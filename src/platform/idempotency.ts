import { createHash } from 'node:crypto';

/** What a request with an `Idempotency-Key` finds when it starts. */
export type IdempotencyStart =
  /** The first request with this key: it runs, and its answer is kept. */
  | { state: 'new' }
  /** The key was used before with the same request: its first answer is sent again. */
  | { state: 'replay'; status: number; body: string }
  /** The key was used before with another request. */
  | { state: 'mismatch' }
  /** The first request with this key has not answered yet (or was cut off while running). */
  | { state: 'in_progress' };

/**
 * Where the first answer to each idempotency key is kept, shared by every instance and kept
 * across restarts (the integrations module keeps it in the database).
 */
export interface IdempotencyStore {
  begin(keyId: number, idempotencyKey: string, fingerprint: string): Promise<IdempotencyStart>;
  /** Keeps the answer of a request that ran. */
  finish(keyId: number, idempotencyKey: string, answer: { status: number; body: string }): Promise<void>;
  /** Forgets a key whose request failed inside Lavka (a 5xx): a retry runs it again. */
  abandon(keyId: number, idempotencyKey: string): Promise<void>;
}

/** An idempotency key as callers send them: printable ASCII, 1–255 characters (UUIDs, order numbers). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so that the same request reads the same however its keys were ordered. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same" for an idempotency key: method, path and body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${canonicalJson(body)}`).digest('hex');
}
