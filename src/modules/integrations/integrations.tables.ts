import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * An API key the owner gave one of the business's systems. The secret itself is never stored:
 * only its HMAC-SHA-256 under the server's secret (a slow password hash would cost every
 * request milliseconds; a long random secret needs none).
 */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  /** The start of the secret (`lvk_live_AbCd1234`): shown in the panel and logs, and found by secret scanners. */
  prefix: string;
  /** UNIQUE: hex HMAC-SHA-256 of the whole secret. */
  secret_hash: string;
  /** JSON array of scopes (`["orders:read","orders:write"]`). */
  scopes: string;
  expires_at: EpochMs | null;
  revoked_at: EpochMs | null;
  /** Who made it (`staff:<id>`). */
  created_by: string;
  created_at: EpochMs;
  /** Recorded at most once a minute per key: every request would otherwise be a write. */
  last_used_at: EpochMs | null;
  last_used_ip: string | null;
}

/**
 * The first answer to each idempotency key of each API key, so that a retried request is not
 * done twice (kept a day). `status` is null while the first request runs.
 */
export interface ApiIdempotencyTable {
  key_id: number;
  idempotency_key: string;
  /** SHA-256 of method, path and body: another request with the same key is refused. */
  fingerprint: string;
  status: number | null;
  body: string | null;
  created_at: EpochMs;
}

/** Secrets Lavka generated for itself (the API keys' HMAC secret) when the environment gives none. */
export interface IntegrationSecretsTable {
  name: string;
  value: string;
  created_at: EpochMs;
}

/** An API key as read. */
export type ApiKeyRecord = Selectable<ApiKeysTable>;

declare module '../../db/schema.ts' {
  interface Database {
    api_keys: ApiKeysTable;
    api_idempotency: ApiIdempotencyTable;
    integration_secrets: IntegrationSecretsTable;
  }
}
