import { createWalletAdjustments } from './wallet.adjustments.ts';
import { createWalletCore, type WalletServiceDeps } from './wallet.core.ts';
import { createWalletReads } from './wallet.reads.ts';

export type { LedgerActor, PostingInput, PostingResult, WalletServiceDeps } from './wallet.core.ts';

/**
 * The token wallet: an append-only ledger with one balance per user. Every change goes through
 * {@link post}, which moves the balance and writes the ledger row in the caller's transaction.
 */
export function createWalletService(deps: WalletServiceDeps) {
  const core = createWalletCore(deps);
  return {
    post: core.post,
    postNow: core.postNow,
    ...createWalletAdjustments(core),
    ...createWalletReads(core),
  };
}

/** The wallet service's shape. */
export type WalletService = ReturnType<typeof createWalletService>;
