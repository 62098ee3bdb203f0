import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The wallet module's tables. Never edit a migration that has shipped: add one. */
export const walletMigrations: readonly Migration[] = [
  {
    name: '0001_wallet',
    async up(db, { col, dialect }) {
      await db.schema
        .createTable('wallet_accounts')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // The database, not only the code, refuses an overdraft.
        .addCheckConstraint('wallet_accounts_balance_nonnegative', sql`balance >= 0`)
        .execute();
      await col
        .id(db.schema.createTable('wallet_ledger'))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('balance_after', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'varchar(500)', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('external_id', 'varchar(200)')
        .addColumn('reverses_id', 'bigint')
        .addColumn('idempotency_key', 'varchar(200)', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('wallet_ledger_amount_nonzero', sql`amount <> 0`)
        .addCheckConstraint('wallet_ledger_balance_nonnegative', sql`balance_after >= 0`)
        .execute();
      await db.schema.createIndex('wallet_ledger_user_idx').on('wallet_ledger').columns(['user_id', 'id']).execute();
      await db.schema.createIndex('wallet_ledger_created_idx').on('wallet_ledger').column('created_at').execute();
      // Append-only: a correction is a new reversal row, never an edit.
      if (dialect === 'sqlite') {
        await sql`create trigger wallet_ledger_no_update before update on wallet_ledger begin select raise(abort, 'wallet_ledger is append-only'); end`.execute(db);
        await sql`create trigger wallet_ledger_no_delete before delete on wallet_ledger begin select raise(abort, 'wallet_ledger is append-only'); end`.execute(db);
      } else {
        await sql`create function wallet_ledger_append_only() returns trigger language plpgsql as $$ begin raise exception 'wallet_ledger is append-only'; end $$`.execute(db);
        await sql`create trigger wallet_ledger_no_change before update or delete on wallet_ledger for each row execute function wallet_ledger_append_only()`.execute(db);
      }
    },
  },
];
