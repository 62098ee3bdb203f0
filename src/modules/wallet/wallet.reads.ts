import type { DbExecutor } from '../../db/database.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import { buildCsv } from '../../export/csv.ts';
import { createWalletRepository, type LedgerFilter } from './wallet.repository.ts';
import type { LedgerEntry } from './wallet.tables.ts';
import type { WalletCore } from './wallet.core.ts';

/** Reading the wallet: balances, a user's history, the staff ledger and account lists, totals and the CSV export. */
export function createWalletReads(core: WalletCore) {
  const { deps, repository } = core;
  return {
    /** The user's balance in whole tokens (0 without an account). */
    async balance(userId: number): Promise<number> {
      return Number((await repository.findAccount(userId))?.balance ?? 0);
    },

    /** A page of the user's ledger, newest first. */
    async history(userId: number, page: number, pageSize: number): Promise<{ window: PageWindow; entries: LedgerEntry[] }> {
      const total = await repository.countEntries({ userId });
      const window = pageWindow(total, page, pageSize);
      const entries = await repository.listEntries({ userId }, window.limit, window.offset);
      return { window, entries };
    },

    /** The user's ledger rows, `limit` at a time, newest first after the row `startingAfter`, and whether more follow. */
    async historyPage(userId: number, cursor: { limit: number; startingAfter?: number | undefined }): Promise<{ entries: LedgerEntry[]; hasMore: boolean }> {
      const rows = await repository.listEntriesBefore({ userId }, cursor.startingAfter, cursor.limit + 1);
      return { entries: rows.slice(0, cursor.limit), hasMore: rows.length > cursor.limit };
    },

    /** A page of the whole ledger (or a user's, a period's, some kinds'), newest first, for staff. */
    async ledger(filter: LedgerFilter, page: number, pageSize: number): Promise<{ window: PageWindow; entries: LedgerEntry[] }> {
      const window = pageWindow(await repository.countEntries(filter), page, pageSize);
      return { window, entries: await repository.listEntries(filter, window.limit, window.offset) };
    },

    /** A page of accounts, richest first, for the staff list. */
    async accounts(page: number, pageSize: number) {
      const total = await repository.countAccounts();
      const window = pageWindow(total, page, pageSize);
      return { window, accounts: await repository.listAccounts(window.limit, window.offset) };
    },

    /** The row a key posted, if any; pass the transaction when inside one (SQLite has one connection). */
    findByIdempotencyKey(key: string, executor: DbExecutor = deps.db): Promise<LedgerEntry | undefined> {
      return createWalletRepository(executor).findByIdempotencyKey(key);
    },
    totalBalance: repository.totalBalance,
    countAccounts: repository.countAccounts,
    ledgerSum: repository.ledgerSum,
    userIdsWithBalanceAtLeast: repository.userIdsWithBalanceAtLeast,
    listEntries: (filter: LedgerFilter, limit: number) => repository.listEntries(filter, limit, 0),

    /** The ledger as `transactions.csv` (UTF-8 with BOM, RFC 4180), oldest first. */
    async exportCsv(filter: LedgerFilter): Promise<{ csv: Buffer; rows: number }> {
      const entries = await repository.listEntriesAscending(filter);
      const header = ['id', 'created_at_utc', 'user_id', 'kind', 'amount', 'balance_after', 'reason', 'actor_type', 'actor_id', 'external_id', 'reverses_id'];
      const rows = entries.map((entry) => [
        entry.id,
        new Date(entry.created_at).toISOString(),
        entry.user_id,
        entry.kind,
        entry.amount,
        entry.balance_after,
        entry.reason,
        entry.actor_type,
        entry.actor_id,
        entry.external_id,
        entry.reverses_id,
      ]);
      return { csv: buildCsv([header, ...rows]), rows: entries.length };
    },
  };
}
