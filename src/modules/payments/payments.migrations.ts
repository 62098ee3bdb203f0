import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The payments module's tables. Never edit a migration that has shipped: add one. */
export const paymentsMigrations: readonly Migration[] = [
  {
    name: '0001_payments',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('payments'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('variant', 'varchar(32)')
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('purpose_ref', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('units', 'bigint')
        .addColumn('external_id', 'varchar(200)')
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('pay_url', 'text')
        .addColumn('receipt_file_id', 'varchar(256)')
        .addColumn('decline_reason', 'varchar(500)')
        .addColumn('decided_by', 'varchar(64)')
        .addColumn('details', col.json)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('paid_at', 'bigint')
        .addColumn('refunded_at', 'bigint')
        .addCheckConstraint('payments_amount_positive', sql`amount_minor > 0`)
        // A provider's charge is recorded once, whatever the number of deliveries.
        .addUniqueConstraint('payments_provider_external_uq', ['provider', 'external_id'])
        .execute();
      await db.schema.createIndex('payments_user_idx').on('payments').columns(['user_id', 'created_at']).execute();
      await db.schema.createIndex('payments_status_idx').on('payments').columns(['status', 'provider', 'created_at']).execute();
      await db.schema.createIndex('payments_purpose_idx').on('payments').columns(['purpose', 'purpose_ref']).execute();
      await db.schema.createIndex('payments_paid_idx').on('payments').column('paid_at').execute();

      await col
        .id(db.schema.createTable('payment_events'))
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('event_key', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('payment_id', 'bigint')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('error', 'varchar(500)')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('processed_at', 'bigint')
        .execute();
      await db.schema.createIndex('payment_events_status_idx').on('payment_events').columns(['status', 'received_at']).execute();
    },
  },
  {
    name: '0002_payment_backend_refs',
    async up(db) {
      // The business's own id of a payment (its accounting system's), set through the
      // integration API, where it is called external_id. The column is not named so:
      // `external_id` here has always been the provider's charge id. One payment per id.
      await db.schema.alterTable('payments').addColumn('backend_ref', 'varchar(64)').execute();
      await db.schema.createIndex('payments_backend_ref_uq').on('payments').column('backend_ref').unique().execute();
    },
  },
];
