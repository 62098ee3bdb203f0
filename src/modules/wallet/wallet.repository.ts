import { sql } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { LedgerEntry, LedgerKind, WalletAccount, WalletLedgerTable } from './wallet.tables.ts';
import type { Insertable } from 'kysely';

/** Filters of a ledger listing or export. */
export interface LedgerFilter {
  userId?: number;
  /** Inclusive lower bound, epoch ms. */
  fromMs?: number;
  /** Exclusive upper bound, epoch ms. */
  toMs?: number;
  /** Only these kinds of movement. */
  kinds?: readonly LedgerKind[];
}

/** SQL for wallet_accounts and wallet_ledger. */
export function createWalletRepository(db: DbExecutor) {
  const filtered = (filter: LedgerFilter) => {
    let query = db.selectFrom('wallet_ledger');
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.fromMs !== undefined) query = query.where('created_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) query = query.where('created_at', '<', filter.toMs);
    if (filter.kinds !== undefined && filter.kinds.length > 0) query = query.where('kind', 'in', filter.kinds);
    return query;
  };

  return {
    findAccount(userId: number): Promise<WalletAccount | undefined> {
      return db.selectFrom('wallet_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
    },

    async ensureAccount(userId: number, nowMs: number): Promise<void> {
      await db
        .insertInto('wallet_accounts')
        .values({ user_id: userId, balance: 0, created_at: nowMs, updated_at: nowMs })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
    },

    /**
     * Adds `delta` to the balance unless that would make it negative; returns the new balance,
     * or undefined when refused. The row lock this takes orders concurrent postings per user.
     */
    async applyDelta(userId: number, delta: number, nowMs: number): Promise<number | undefined> {
      const row = await db
        .updateTable('wallet_accounts')
        .set({ balance: sql<number>`balance + ${delta}`, updated_at: nowMs })
        .where('user_id', '=', userId)
        .where(sql<boolean>`balance + ${delta} >= 0`)
        .returning('balance')
        .executeTakeFirst();
      return row ? Number(row.balance) : undefined;
    },

    async insertEntry(entry: Insertable<WalletLedgerTable>): Promise<LedgerEntry> {
      return db.insertInto('wallet_ledger').values(entry).returningAll().executeTakeFirstOrThrow();
    },

    findByIdempotencyKey(key: string): Promise<LedgerEntry | undefined> {
      return db.selectFrom('wallet_ledger').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    },

    findEntry(id: number): Promise<LedgerEntry | undefined> {
      return db.selectFrom('wallet_ledger').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Newest first. */
    listEntries(filter: LedgerFilter, limit: number, offset: number): Promise<LedgerEntry[]> {
      return filtered(filter).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },

    /** Newest first, from before the row `beforeId` (a cursor): pages that hold while rows are posted. */
    listEntriesBefore(filter: LedgerFilter, beforeId: number | undefined, limit: number): Promise<LedgerEntry[]> {
      let query = filtered(filter).selectAll();
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },

    /** Oldest first, for exports. */
    listEntriesAscending(filter: LedgerFilter): Promise<LedgerEntry[]> {
      return filtered(filter).selectAll().orderBy('id', 'asc').execute();
    },

    async countEntries(filter: LedgerFilter): Promise<number> {
      const row = await filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Accounts by balance, largest first (the staff list). */
    listAccounts(limit: number, offset: number): Promise<WalletAccount[]> {
      return db.selectFrom('wallet_accounts').selectAll().orderBy('balance', 'desc').orderBy('user_id').limit(limit).offset(offset).execute();
    },

    async countAccounts(): Promise<number> {
      const row = await db.selectFrom('wallet_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async totalBalance(): Promise<number> {
      const row = await db
        .selectFrom('wallet_accounts')
        .select(sql<number | string | null>`sum(balance)`.as('total'))
        .executeTakeFirstOrThrow();
      return Number(row.total ?? 0);
    },

    /** The sum of a user's ledger rows: equals the account balance when the books are straight. */
    async ledgerSum(userId: number): Promise<number> {
      const row = await db
        .selectFrom('wallet_ledger')
        .select(sql<number | string | null>`sum(amount)`.as('total'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.total ?? 0);
    },

    /** Ids of users whose balance is at least `minimum` (a broadcast segment). */
    async userIdsWithBalanceAtLeast(minimum: number): Promise<number[]> {
      const rows = await db.selectFrom('wallet_accounts').select('user_id').where('balance', '>=', minimum).execute();
      return rows.map((row) => Number(row.user_id));
    },
  };
}

/** The wallet repository's shape. */
export type WalletRepository = ReturnType<typeof createWalletRepository>;
