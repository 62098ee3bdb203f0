import { CartError, type CartCore } from './cart.core.ts';

/** Who uses the cart: broadcast segments and the conversion funnel's figures. */
export function createCartSegments(core: CartCore) {
  const { deps, repository } = core;
  return {
    /** Users who left items in their cart untouched for at least `days` days (broadcast segment). */
    async abandonedForDays(days: number): Promise<number[]> {
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new CartError('cart.invalid_days', 'days must be a whole number from 1 to 365');
      return repository.userIdsWithCartIdleSince(deps.now() - days * 86_400_000);
    },

    /** Distinct users who added anything to a cart since `sinceMs`. */
    usersAddingSince(sinceMs: number): Promise<number> {
      return repository.countUsersAddingSince(sinceMs);
    },
  };
}
