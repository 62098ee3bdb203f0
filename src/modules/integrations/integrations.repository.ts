import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { ApiKeyRecord, ApiKeysTable } from './integrations.tables.ts';

/** The integrations module's queries: API keys, kept idempotent answers, its own secrets. */
export function createIntegrationsRepository(db: DbExecutor) {
  return {
    async insertKey(values: Insertable<ApiKeysTable>): Promise<ApiKeyRecord> {
      const { id } = await db.insertInto('api_keys').values(values).returning('id').executeTakeFirstOrThrow();
      return db.selectFrom('api_keys').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    },

    keys(): Promise<ApiKeyRecord[]> {
      return db.selectFrom('api_keys').selectAll().orderBy('id', 'desc').execute();
    },

    key(id: number): Promise<ApiKeyRecord | undefined> {
      return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    },

    keyByHash(secretHash: string): Promise<ApiKeyRecord | undefined> {
      return db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    },

    /** Revokes a key still active; false when it was revoked already. */
    async revoke(id: number, atMs: number): Promise<boolean> {
      const result = await db.updateTable('api_keys').set({ revoked_at: atMs }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async touch(id: number, atMs: number, ip: string): Promise<void> {
      await db.updateTable('api_keys').set({ last_used_at: atMs, last_used_ip: ip.slice(0, 64) }).where('id', '=', id).execute();
    },

    /** Keeps the first request of an idempotency key; false when the key was used already. */
    async claimIdempotency(keyId: number, idempotencyKey: string, fingerprint: string, atMs: number): Promise<boolean> {
      const result = await db
        .insertInto('api_idempotency')
        .values({ key_id: keyId, idempotency_key: idempotencyKey, fingerprint, status: null, body: null, created_at: atMs })
        .onConflict((oc) => oc.columns(['key_id', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    idempotency(keyId: number, idempotencyKey: string) {
      return db.selectFrom('api_idempotency').select(['fingerprint', 'status', 'body']).where('key_id', '=', keyId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    },

    async finishIdempotency(keyId: number, idempotencyKey: string, status: number, body: string): Promise<void> {
      await db.updateTable('api_idempotency').set({ status, body }).where('key_id', '=', keyId).where('idempotency_key', '=', idempotencyKey).execute();
    },

    async dropIdempotency(keyId: number, idempotencyKey: string): Promise<void> {
      await db.deleteFrom('api_idempotency').where('key_id', '=', keyId).where('idempotency_key', '=', idempotencyKey).execute();
    },

    async pruneIdempotency(olderThanMs: number): Promise<number> {
      const result = await db.deleteFrom('api_idempotency').where('created_at', '<', olderThanMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** A secret by name, created with `value` when there is none yet (the first instance's wins). */
    async secret(name: string, value: string, atMs: number): Promise<string> {
      await db
        .insertInto('integration_secrets')
        .values({ name, value, created_at: atMs })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db.selectFrom('integration_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return row.value;
    },
  };
}

/** The integrations module's queries. */
export type IntegrationsRepository = ReturnType<typeof createIntegrationsRepository>;
