import { createCartCheckout } from './cart.checkout.ts';
import { createCartCore, type CartServiceDeps } from './cart.core.ts';
import { createCartLines } from './cart.lines.ts';
import { createCartSegments } from './cart.segments.ts';

export {
  CartError,
  cartSettingsSchema,
  pickupPointName,
  pickupPointNames,
  type CartIssue,
  type CartLine,
  type CartServiceDeps,
  type CartSettings,
  type CartView,
  type CheckoutInput,
  type CheckoutQuote,
  type CheckoutResult,
  type DeliveryChoice,
  type PickupPoint,
} from './cart.core.ts';

/** The cart: lines in the database, bounded quantities, re-checks before ordering, checkout. */
export function createCartService(deps: CartServiceDeps) {
  const core = createCartCore(deps);
  return {
    ...createCartLines(core),
    ...createCartCheckout(core),
    ...createCartSegments(core),
  };
}

/** The cart service's shape. */
export type CartService = ReturnType<typeof createCartService>;
