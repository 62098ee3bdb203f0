import { chatMigrationMigrations } from '../../delivery/chat-migrations.ts';
import { outboxMigrations } from '../../delivery/outbox.ts';
import { schedulerMigrations } from '../../delivery/scheduler.ts';
import { dedupeMigrations } from '../../telegram/dedupe.ts';
import type { Migration } from '../migrator.ts';

/** The runtime's own schema: update de-duplication, sessions and the outbox. Never edit a landed migration: add one. */
export const coreMigrations: readonly Migration[] = [
  {
    name: '0001_processed_updates',
    async up(db) {
      await db.schema
        .createTable('processed_updates')
        .addColumn('update_id', 'bigint', (c) => c.primaryKey())
        .addColumn('processed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('processed_updates_at_idx').on('processed_updates').column('processed_at').execute();
    },
  },
  {
    name: '0002_sessions',
    async up(db) {
      await db.schema
        .createTable('sessions')
        .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  ...outboxMigrations,
  ...schedulerMigrations,
  ...chatMigrationMigrations,
  ...dedupeMigrations,
];
