import type { DbExecutor } from '../../db/database.ts';
import { WalletError } from './wallet.errors.ts';
import { createWalletRepository } from './wallet.repository.ts';
import type { LedgerActor, PostingResult, WalletCore } from './wallet.core.ts';

/** Staff corrections of a balance and reversals of ledger rows, both posted through the core. */
export function createWalletAdjustments(core: WalletCore) {
  const { deps, post } = core;
  return {
    /**
     * A staff correction of a user's balance (`adjustment`, audited). An id that is not a user
     * of the bot is refused with `users.not_found` before anything is written: a typo must not
     * open an account for nobody. The user is told what changed and the new balance.
     */
    async adjust(input: { userId: number; amount: number; reason: string; actor: LedgerActor }): Promise<PostingResult> {
      const user = await deps.users.require(input.userId);
      return deps.db.transaction().execute(async (trx) => {
        const result = await post(trx, { ...input, kind: 'adjustment' });
        await deps.notifyAdjustment?.(trx, user, result.entry);
        return result;
      });
    },

    /**
     * Undoes a ledger row with a new `reversal` row of the opposite amount (rows are never
     * edited). A second reversal of the same row is refused.
     */
    async reverse(trx: DbExecutor, entryId: number, actor: LedgerActor, reason: string): Promise<PostingResult> {
      const scoped = createWalletRepository(trx);
      const original = await scoped.findEntry(entryId);
      if (!original) throw new WalletError('wallet.entry_not_found', 'no such ledger row', { entryId });
      const result = await post(trx, {
        userId: original.user_id,
        kind: 'reversal',
        amount: -original.amount,
        reason,
        actor,
        externalId: original.external_id ?? undefined,
        reversesId: original.id,
        idempotencyKey: `reversal:${original.id}`,
      });
      if (!result.created) throw new WalletError('wallet.already_reversed', 'this row was already reversed', { entryId });
      return result;
    },
  };
}
