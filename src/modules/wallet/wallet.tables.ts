import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** Why a ledger row moved tokens. Credits are positive amounts, debits negative. */
export const LEDGER_KINDS = ['topup', 'purchase', 'spend', 'refund', 'bonus', 'adjustment', 'reversal'] as const;
/** One of {@link LEDGER_KINDS}. */
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Who moved the tokens. */
export type LedgerActorType = 'user' | 'admin' | 'system';

/**
 * A user's token balance. The database refuses a negative balance (CHECK), so no code path,
 * however buggy or concurrent, can overdraw it.
 */
export interface WalletAccountsTable {
  user_id: number;
  balance: number;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * Every movement of tokens, append-only (triggers refuse UPDATE and DELETE). A correction is
 * a new `reversal` row pointing at the row it undoes.
 */
export interface WalletLedgerTable {
  id: Generated<number>;
  user_id: number;
  kind: LedgerKind;
  /** Signed: positive credits, negative debits; never zero. */
  amount: number;
  /** The account balance right after this row; never negative. */
  balance_after: number;
  reason: string;
  actor_type: LedgerActorType;
  actor_id: string | null;
  /** The payment this movement belongs to (`<provider>:<external id>`), if any. */
  external_id: string | null;
  /** The row this one reverses, for `reversal` rows. */
  reverses_id: number | null;
  /** A producer's key (e.g. `payment:42`): the same key never posts twice (UNIQUE). */
  idempotency_key: string | null;
  created_at: EpochMs;
}

/** A ledger row as read. */
export type LedgerEntry = Selectable<WalletLedgerTable>;
/** An account row as read. */
export type WalletAccount = Selectable<WalletAccountsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    wallet_accounts: WalletAccountsTable;
    wallet_ledger: WalletLedgerTable;
  }
}
