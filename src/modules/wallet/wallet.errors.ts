/** Dotted codes of the wallet's refusals. */
export type WalletErrorCode =
  | 'wallet.insufficient_funds'
  | 'wallet.invalid_amount'
  | 'wallet.entry_not_found'
  | 'wallet.already_reversed'
  | 'wallet.duplicate';

/** A refusal the user or admin can be told about; nothing was written. */
export class WalletError extends Error {
  readonly code: WalletErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: WalletErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a wallet refusal with `code`. */
export function isWalletError(error: unknown, code?: WalletErrorCode): error is WalletError {
  return error instanceof WalletError && (code === undefined || error.code === code);
}
