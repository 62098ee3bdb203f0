import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The support module's tables. Never edit a migration that has shipped: add one. */
export const supportMigrations: readonly Migration[] = [
  {
    name: '0001_support_messages',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('support_messages'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('chat_id', 'bigint', (c) => c.notNull())
        .addColumn('message_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('support_messages_user_idx').on('support_messages').columns(['user_id', 'created_at']).execute();
    },
  },
  {
    // The admin panel's inbox: a conversation per customer with a status, and staff replies.
    name: '0002_support_threads',
    async up(db, { col }) {
      await db.schema
        .createTable('support_threads')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('last_message_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .execute();
      await db.schema.createIndex('support_threads_status_idx').on('support_threads').columns(['status', 'last_message_at']).execute();
      await col
        .id(db.schema.createTable('support_replies'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('staff_name', 'varchar(128)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('support_replies_user_idx').on('support_replies').columns(['user_id', 'created_at']).execute();
      // Messages that arrived before the inbox existed wait for an answer.
      await sql`insert into support_threads (user_id, status, last_message_at, updated_at, closed_at)
        select user_id, 'open', max(created_at), max(created_at), null from support_messages group by user_id`.execute(db);
    },
  },
];
