import type { Migration } from '../../db/migrator.ts';

/** The admin panel's tables. Never edit a landed migration: add one. */
export const adminMigrations: readonly Migration[] = [
  {
    name: '0001_admin_auth',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('admin_staff'))
        .addColumn('telegram_id', 'bigint', (c) => c.unique())
        .addColumn('login', 'varchar(64)', (c) => c.unique())
        .addColumn('display_name', 'varchar(128)', (c) => c.notNull())
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('password_hash', 'varchar(256)')
        .addColumn('is_disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_login_at', 'bigint')
        .execute();
      await col
        .id(db.schema.createTable('admin_sessions'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('staff_id', 'bigint', (c) => c.notNull().references('admin_staff.id').onDelete('cascade'))
        .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('user_agent', 'varchar(256)')
        .addColumn('ip', 'varchar(64)')
        .execute();
      await db.schema.createIndex('admin_sessions_staff_idx').on('admin_sessions').column('staff_id').execute();
      await col
        .id(db.schema.createTable('admin_login_links'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('staff_id', 'bigint', (c) => c.notNull().references('admin_staff.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema
        .createTable('admin_rate_limits')
        .addColumn('key', 'varchar(160)', (c) => c.primaryKey())
        .addColumn('window_started_at', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '0002_admin_content',
    async up(db) {
      await db.schema
        .createTable('admin_text_overrides')
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('message_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'bigint')
        .addPrimaryKeyConstraint('admin_text_overrides_pk', ['locale', 'message_id'])
        .execute();
      await db.schema
        .createTable('admin_settings')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'bigint')
        .execute();
    },
  },
  {
    // Several instances on one database notice each other's settings changes by this column.
    name: '0003_admin_settings_revision',
    async up(db) {
      await db.schema.alterTable('admin_settings').addColumn('revision', 'varchar(32)', (c) => c.notNull().defaultTo('')).execute();
    },
  },
];
