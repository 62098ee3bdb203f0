import { createPaymentsClosing } from './payments.closing.ts';
import { createPaymentsEvents } from './payments.events.ts';
import { createPaymentsIntake } from './payments.intake.ts';
import { createPaymentsShared, type PaymentsServiceDeps } from './payments.shared.ts';

export {
  AWAITING_ADMIN_PROVIDERS,
  PROVIDER_OF_METHOD,
  isOffered,
  manualLabelOf,
  parseMethod,
  paymentMethodLabel,
  starsAllowedFor,
  type MethodOption,
  type PaymentsActor,
  type PaymentsServiceDeps,
  type PaymentsShared,
  type ProcessOutcome,
} from './payments.shared.ts';
export { eventKey } from './payments.intake.ts';
export { MAX_EVENT_ATTEMPTS } from './payments.events.ts';
export { RefundNotReversedError } from './payments.closing.ts';

/**
 * The core of payments that every use case shares: opens payments with the providers, settles them from provider events exactly once,
 * and runs the admin decisions (approve, decline, refund). Settling a payment, the purpose's
 * delivery (credit, order paid) and the notifications commit in one transaction.
 */
export function createPaymentsCore(deps: PaymentsServiceDeps) {
  const shared = createPaymentsShared(deps);
  const closing = createPaymentsClosing(shared);
  return {
    ...shared,
    ...createPaymentsEvents(shared, closing),
    ...createPaymentsIntake(shared),
    ...closing,
  };
}

/** What the payments use cases share. */
export type PaymentsCore = ReturnType<typeof createPaymentsCore>;
