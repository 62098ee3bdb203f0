import type { Migration } from '../../db/migrator.ts';

/** The users module's tables. Never edit a migration that has shipped: add one. */
export const usersMigrations: readonly Migration[] = [
  {
    name: '0001_users',
    async up(db) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('username', 'varchar(64)')
        .addColumn('first_name', 'varchar(128)', (c) => c.notNull())
        .addColumn('last_name', 'varchar(128)')
        .addColumn('language_code', 'varchar(16)')
        .addColumn('locale', 'varchar(8)')
        .addColumn('phone', 'varchar(32)')
        .addColumn('is_blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('blocked_at', 'bigint')
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_first_seen_idx').on('users').column('first_seen_at').execute();
      await db.schema.createIndex('users_last_seen_idx').on('users').column('last_seen_at').execute();
      await db.schema
        .createTable('user_tags')
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('tag', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_tags_pk', ['user_id', 'tag'])
        .execute();
      await db.schema.createIndex('user_tags_tag_idx').on('user_tags').column('tag').execute();
    },
  },
  {
    name: '0002_user_external_ids',
    async up(db) {
      // The customer's id in the business's own system (its CRM's), set through the
      // integration API: one customer per id. NULLs do not collide.
      await db.schema.alterTable('users').addColumn('external_id', 'varchar(64)').execute();
      await db.schema.createIndex('users_external_id_uq').on('users').column('external_id').unique().execute();
    },
  },
];
