import type { Migration } from '../../db/migrator.ts';

/** The integrations module's tables. Never edit a migration that has shipped: add one. */
export const integrationsMigrations: readonly Migration[] = [
  {
    name: '0001_api_keys',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('api_keys'))
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
        .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('last_used_ip', 'varchar(64)')
        .execute();
      await db.schema
        .createTable('api_idempotency')
        .addColumn('key_id', 'bigint', (c) => c.notNull())
        .addColumn('idempotency_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('api_idempotency_pk', ['key_id', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('api_idempotency_created_idx').on('api_idempotency').column('created_at').execute();
      await db.schema
        .createTable('integration_secrets')
        .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
