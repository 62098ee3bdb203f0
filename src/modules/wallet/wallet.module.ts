import { sql } from 'kysely';
import { defineModule } from '../module.ts';
import { createWalletComposer } from './wallet.bot.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createTopupPurpose } from './wallet.purpose.ts';
import { createWalletRoutes } from './wallet.routes.ts';
import { createWalletService, type WalletService } from './wallet.service.ts';
import { resolveWalletSettings } from './wallet.settings.ts';

declare module '../module.ts' {
  interface ModuleServices {
    wallet: WalletService;
  }
}

/**
 * The token wallet: an append-only ledger and a balance the database keeps non-negative,
 * token packs sold through payments, and the staff tools (adjustments, export, health).
 */
export const module = defineModule({
  name: 'wallet',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'payments', label: 'nav.payments', icon: 'wallet', group: 'business', order: 80 }],
  dependsOn: ['users', 'audit', 'payments'],
  migrations: [
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
  ],
  setup(deps) {
    const { users, payments, audit } = deps.services;
    if (!users || !payments) throw new Error('the wallet module needs the users and payments modules');
    const settings = resolveWalletSettings(deps.config.settings.wallet, deps.env, deps.config.business.currency);
    const wallet = createWalletService({
      db: deps.database.db,
      now: deps.now,
      audit,
      users,
      notifyAdjustment: (trx, user, entry) => {
        const locale = users.localeOf(user, deps.config.business.defaultLocale);
        const text = deps.i18n.t(locale, entry.amount > 0 ? 'wallet-adjusted-credit' : 'wallet-adjusted-debit', {
          amount: Math.abs(entry.amount),
          reason: entry.reason,
          balance: entry.balance_after,
        });
        // A staff action, not a reply to the user: it goes through the outbox, once per ledger row.
        return enqueueOutbox(trx, { chatId: user.id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `wallet:adjustment:${entry.id}` }, deps.now()).then(() => undefined);
      },
    });
    payments.registerPurpose(createTopupPurpose({ wallet, settings, i18n: deps.i18n, businessName: deps.config.business.name }));
    const { composer, flows } = createWalletComposer({ wallet, payments, users, settings, config: deps.config, i18n: deps.i18n, now: deps.now });
    return {
      service: wallet,
      composer,
      flows,
      commands: [
        { command: 'balance', description: 'command-balance' },
        { command: 'buy', description: 'command-buy' },
        { command: 'pricing', description: 'command-pricing' },
        { command: 'history', description: 'command-history' },
        { command: 'adjust', description: 'command-adjust', audience: 'admin' },
        { command: 'wallet_users', description: 'command-wallet-users', audience: 'admin' },
        { command: 'transactions', description: 'command-transactions', audience: 'admin' },
        { command: 'health', description: 'command-health', audience: 'admin' },
      ],
      routes: createWalletRoutes({ wallet, timeZone: () => deps.config.business.timeZone }),
      staffRoles: ['manager', 'accountant'],
      segments: [
        {
          name: 'wallet.balance_at_least',
          label: 'wallet-segment-balance',
          parameter: 'amount',
          userIds: (parameter) => wallet.userIdsWithBalanceAtLeast(Number(parameter ?? 1)),
        },
      ],
    };
  },
});
