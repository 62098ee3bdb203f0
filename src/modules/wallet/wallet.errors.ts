import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** Dotted codes of the wallet's refusals. */
export type WalletErrorCode =
  | 'wallet.insufficient_funds'
  | 'wallet.invalid_amount'
  | 'wallet.entry_not_found'
  | 'wallet.already_reversed'
  | 'wallet.duplicate'
  | 'wallet.invalid_date';

/** A refusal the user or admin can be told about; nothing was written. */
export class WalletError extends LavkaError<WalletErrorCode> {
  override readonly name = 'WalletError';
  /** A posting the ledger refuses conflicts with its state; a date that is no calendar day is invalid input. */
  get kind(): ErrorKind {
    return this.code === 'wallet.invalid_date' ? 'invalid' : 'conflict';
  }
}

/** True when `error` is a wallet refusal with `code`. */
export function isWalletError(error: unknown, code?: WalletErrorCode): error is WalletError {
  return error instanceof WalletError && (code === undefined || error.code === code);
}
