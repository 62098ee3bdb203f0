import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { IdempotencyStore } from '../../platform/idempotency.ts';
import type { ApiKeyAuthenticator } from '../../platform/principal.ts';
import { isApiScope, type ApiScope } from '../../platform/scopes.ts';
import { IntegrationsError } from './integrations.errors.ts';
import { generateSecret, hashSecret, looksLikeKey, shownPrefixOf } from './integrations.keys.ts';
import { createIntegrationsRepository } from './integrations.repository.ts';
import type { ApiKeyRecord } from './integrations.tables.ts';

/** How long the first answer to an idempotency key is kept: a day, as payment platforms keep it. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** "Last used" is written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

/** An API key as the panel and the audit log show it (never its secret). */
export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  state: 'active' | 'revoked' | 'expired';
  expiresAt: number | null;
  revokedAt: number | null;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

/** What the integrations service needs. */
export interface IntegrationsServiceDeps {
  db: Db;
  now(): number;
  /** `API_KEYS_SECRET`; unset, one is generated and kept in the database. */
  configuredSecret?: string | undefined;
}

/** The scopes stored for a key; anything unknown (a scope from a later version) is dropped. */
function scopesOf(row: ApiKeyRecord): ApiScope[] {
  try {
    const parsed: unknown = JSON.parse(row.scopes);
    return Array.isArray(parsed) ? parsed.filter((item): item is ApiScope => typeof item === 'string' && isApiScope(item)) : [];
  } catch {
    return [];
  }
}

function stateOf(row: ApiKeyRecord, nowMs: number): ApiKeyView['state'] {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && row.expires_at <= nowMs) return 'expired';
  return 'active';
}

function viewOf(row: ApiKeyRecord, nowMs: number): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row),
    state: stateOf(row, nowMs),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  };
}

/**
 * API keys and what the integration API keeps of its requests: the owner creates keys (the
 * secret is shown once and stored only as an HMAC), revokes them at once; the platform's
 * access check asks who a secret is (`authenticator`) and keeps first answers to idempotency
 * keys (`idempotency`).
 */
export async function createIntegrationsService(deps: IntegrationsServiceDeps) {
  const repository = createIntegrationsRepository(deps.db);
  const serverSecret = deps.configuredSecret ?? (await repository.secret('api_keys', randomBytes(32).toString('base64url'), deps.now()));
  const lastTouched = new Map<number, number>();

  const keys = {
    async list(): Promise<ApiKeyView[]> {
      const nowMs = deps.now();
      return (await repository.keys()).map((row) => viewOf(row, nowMs));
    },

    async get(id: number): Promise<ApiKeyView | undefined> {
      const row = await repository.key(id);
      return row ? viewOf(row, deps.now()) : undefined;
    },

    /** Creates a key; its secret is in the answer and nowhere else, ever. */
    async create(input: { name: string; scopes: readonly ApiScope[]; expiresAt?: number | null; createdBy: string }): Promise<{ key: ApiKeyView; secret: string }> {
      const nowMs = deps.now();
      if (input.expiresAt != null && input.expiresAt <= nowMs) throw new IntegrationsError('integrations.expiry_past', 'The expiry date has already passed.');
      const scopes = [...new Set(input.scopes)];
      if (scopes.length === 0) throw new IntegrationsError('integrations.invalid_input', 'Choose at least one scope.');
      const secret = generateSecret();
      const row = await repository.insertKey({
        name: input.name,
        prefix: shownPrefixOf(secret),
        secret_hash: hashSecret(serverSecret, secret),
        scopes: JSON.stringify(scopes),
        expires_at: input.expiresAt ?? null,
        revoked_at: null,
        created_by: input.createdBy,
        created_at: nowMs,
        last_used_at: null,
        last_used_ip: null,
      });
      return { key: viewOf(row, nowMs), secret };
    },

    /** Revokes a key: the next request with it, on any instance, is refused. */
    async revoke(id: number): Promise<ApiKeyView> {
      const row = await repository.key(id);
      if (!row) throw new IntegrationsError('integrations.not_found', 'There is no such API key.');
      if (!(await repository.revoke(id, deps.now()))) throw new IntegrationsError('integrations.already_revoked', 'This key is already revoked.');
      return viewOf((await repository.key(id)) ?? row, deps.now());
    },

    /** Names of keys by id, for the audit log. */
    async names(): Promise<Map<number, string>> {
      return new Map((await repository.keys()).map((row) => [row.id, `${row.name} (${row.prefix}…)`]));
    },
  };

  const authenticator: ApiKeyAuthenticator = {
    async authenticate(secret, seen) {
      if (!looksLikeKey(secret)) return 'unknown';
      const row = await repository.keyByHash(hashSecret(serverSecret, secret));
      if (!row) return 'unknown';
      const nowMs = deps.now();
      const state = stateOf(row, nowMs);
      if (state === 'revoked') return 'revoked';
      if (state === 'expired') return 'expired';
      if (nowMs - (lastTouched.get(row.id) ?? 0) >= TOUCH_EVERY_MS) {
        lastTouched.set(row.id, nowMs);
        await repository.touch(row.id, nowMs, seen.ip);
      }
      return { type: 'api_key', keyId: row.id, name: row.name, prefix: row.prefix, scopes: scopesOf(row) };
    },
  };

  const idempotency: IdempotencyStore = {
    async begin(keyId, idempotencyKey, fingerprint) {
      if (await repository.claimIdempotency(keyId, idempotencyKey, fingerprint, deps.now())) return { state: 'new' };
      const kept = await repository.idempotency(keyId, idempotencyKey);
      // Pruned between the two statements: a day-old key is as good as new.
      if (!kept) return (await repository.claimIdempotency(keyId, idempotencyKey, fingerprint, deps.now())) ? { state: 'new' } : { state: 'in_progress' };
      if (kept.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (kept.status === null) return { state: 'in_progress' };
      return { state: 'replay', status: kept.status, body: kept.body ?? '' };
    },
    finish: (keyId, idempotencyKey, answer) => repository.finishIdempotency(keyId, idempotencyKey, answer.status, answer.body),
    abandon: (keyId, idempotencyKey) => repository.dropIdempotency(keyId, idempotencyKey),
  };

  return {
    keys,
    authenticator,
    idempotency,
    /**
     * A key for signing something else than API keys (expiring download links), derived from
     * the server's secret: the same on every instance, and different for each `purpose`.
     */
    signingKey: (purpose: string): Buffer => createHmac('sha256', serverSecret).update(`lavka:${purpose}`).digest(),
    /** Forgets idempotent answers older than a day. */
    prune: () => repository.pruneIdempotency(deps.now() - IDEMPOTENCY_TTL_MS),
  };
}

/** The integrations module's service. */
export type IntegrationsService = Awaited<ReturnType<typeof createIntegrationsService>>;
