import type { Migration } from '../../db/migrator.ts';

/** The broadcasts module's tables. Never edit a migration that has shipped: add one. */
export const broadcastsMigrations: readonly Migration[] = [
  {
    name: '0001_broadcasts',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('broadcasts'))
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('entities', 'text')
        .addColumn('parse_mode', 'varchar(16)')
        .addColumn('photo', 'text')
        .addColumn('buttons', 'text', (c) => c.notNull())
        .addColumn('unsubscribe_button', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('paid', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('audience_size', 'integer')
        .addColumn('scheduled_at', 'bigint')
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('created_by', 'bigint')
        .addColumn('progress_chat_id', 'bigint')
        .addColumn('progress_updated_at', 'bigint')
        .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('broadcasts_status_idx').on('broadcasts').column('status').execute();
      await db.schema
        .createTable('broadcast_clicks')
        .addColumn('broadcast_id', 'bigint', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
        .addColumn('button_index', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('broadcast_clicks_pk', ['broadcast_id', 'button_index', 'user_id'])
        .execute();
      await db.schema
        .createTable('broadcast_unsubscribes')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('broadcast_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('broadcast_unsubscribes_broadcast_idx').on('broadcast_unsubscribes').column('broadcast_id').execute();
    },
  },
  {
    name: '0002_broadcast_external_ids',
    // The business's own id of a broadcast sent through the integration API, unique.
    async up(db) {
      await db.schema.alterTable('broadcasts').addColumn('external_id', 'varchar(64)').execute();
      await db.schema.createIndex('broadcasts_external_id_uq').on('broadcasts').column('external_id').unique().execute();
    },
  },
];
