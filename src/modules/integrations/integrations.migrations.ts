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
  {
    name: '0002_webhooks',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('webhook_endpoints'))
        .addColumn('url', 'varchar(2000)', (c) => c.notNull())
        .addColumn('description', 'varchar(200)', (c) => c.notNull())
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('secret', 'varchar(100)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('disabled_reason', 'varchar(16)')
        .addColumn('disabled_at', 'bigint')
        .addColumn('failing_since', 'bigint')
        .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await col
        .id(db.schema.createTable('webhook_events'))
        .addColumn('event_id', 'varchar(40)', (c) => c.notNull().unique())
        .addColumn('type', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_events_resource_uq').on('webhook_events').columns(['resource_type', 'resource_id', 'sequence']).unique().execute();
      await db.schema.createIndex('webhook_events_created_idx').on('webhook_events').column('created_at').execute();
      await db.schema
        .createTable('webhook_sequences')
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_sequences_pk', ['resource_type', 'resource_id'])
        .execute();
      await col
        .id(db.schema.createTable('webhook_deliveries'))
        .addColumn('endpoint_id', 'bigint', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('event_row_id', 'bigint', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
        .addColumn('resource_key', 'varchar(100)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'varchar(300)')
        .addColumn('delivered_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_deliveries_queue_idx').on('webhook_deliveries').columns(['endpoint_id', 'resource_key', 'status', 'id']).execute();
      await db.schema.createIndex('webhook_deliveries_event_idx').on('webhook_deliveries').column('event_row_id').execute();
    },
  },
  {
    name: '0003_managed_webhook_endpoints',
    async up(db) {
      // Endpoints the config file manages (the order back end): named here, kept in step with the file at start-up.
      await db.schema.alterTable('webhook_endpoints').addColumn('managed_by', 'varchar(32)').execute();
      // One endpoint per connector, however many instances start at once (NULLs, the owner's, never clash).
      await db.schema.createIndex('webhook_endpoints_managed_uq').on('webhook_endpoints').column('managed_by').unique().execute();
    },
  },
];
