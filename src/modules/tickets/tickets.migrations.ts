import type { Migration } from '../../db/migrator.ts';

/** The tickets module's tables. Never edit a migration that has shipped: add one. */
export const ticketsMigrations: readonly Migration[] = [
  {
    name: '0001_tickets',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('tickets'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('subject', 'varchar(120)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .execute();
      await db.schema.createIndex('tickets_user_idx').on('tickets').columns(['user_id', 'updated_at']).execute();
      await db.schema.createIndex('tickets_status_idx').on('tickets').columns(['status', 'updated_at']).execute();
      await col
        .id(db.schema.createTable('ticket_messages'))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('author', 'varchar(16)', (c) => c.notNull())
        .addColumn('author_id', 'varchar(64)')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ticket_messages_ticket_idx').on('ticket_messages').columns(['ticket_id', 'created_at']).execute();
    },
  },
  {
    name: '0002_tickets_external_id',
    async up(db) {
      await db.schema.alterTable('tickets').addColumn('external_id', 'varchar(64)').execute();
    },
  },
];
