import { createStarsCore, type StarsServiceDeps } from './stars.core.ts';
import { createStarsFulfilment } from './stars.fulfilment.ts';
import { createStarsOrdering } from './stars.ordering.ts';
import { createStarsPurpose } from './stars.purpose.ts';
import { createStarsQueries } from './stars.queries.ts';

export {
  FULFIL_JOB,
  STARS_PURPOSE,
  StarsError,
  hookSignature,
  type StarsActor,
  type StarsOrdersPort,
  type StarsServiceDeps,
  type StarsSettings,
} from './stars.core.ts';

/**
 * The Stars reseller: orders for Stars packages paid through payments (the crypto gateway),
 * delivered by a pluggable fulfilment step (an admin's confirmation or an external hook), with
 * the customer told at each step.
 */
export function createStarsService(deps: StarsServiceDeps) {
  const core = createStarsCore(deps);
  return {
    ...createStarsPurpose(core),
    ...createStarsOrdering(core),
    ...createStarsFulfilment(core),
    ...createStarsQueries(core),
  };
}

/** The reseller service's shape. */
export type StarsService = ReturnType<typeof createStarsService>;
