import { createPaymentsCheckout } from './payments.checkout.ts';
import type { Locale } from '../../config/business.ts';
import { createPaymentsCore, paymentMethodLabel, type PaymentsServiceDeps } from './payments.core.ts';
import { PaymentsError } from './payments.errors.ts';
import type { PaymentRecord } from './payments.tables.ts';
import type { PaymentPurpose } from './payments.types.ts';
import { createPaymentsDecisions } from './payments.decisions.ts';
import { createPaymentsGateway } from './payments.gateway.ts';
import { createPaymentsQueries } from './payments.queries.ts';

export { manualLabelOf, type MethodOption, type PaymentsActor, type PaymentsServiceDeps, type ProcessOutcome } from './payments.core.ts';

/**
 * Payments: opens payments with the providers, settles them from provider events exactly once,
 * and runs the admin decisions (approve, decline, refund). Settling a payment, the purpose's
 * delivery (credit, order paid) and the notifications commit in one transaction.
 */
export function createPaymentsService(deps: PaymentsServiceDeps) {
  const core = createPaymentsCore(deps);
  const { purposes, repository, i18n } = core;
  return {
    /** Registers what can be paid for; the owning module calls this in its `setup`. */
    registerPurpose(purpose: PaymentPurpose): void {
      if (!/^[a-z_]{1,12}$/.test(purpose.name)) throw new Error(`payment purpose names look like [a-z_]{1,12}: ${purpose.name}`);
      purposes.set(purpose.name, purpose);
    },

    /** The business's language, the staff's when nothing else is known. */
    staffLocale: deps.staffLocale,
    /** What `payment` pays for in its purpose's words, when the purpose says (see `PaymentPurpose.staffSubject`). */
    staffSubject: async (payment: PaymentRecord, locale: Locale): Promise<string | undefined> => purposes.get(payment.purpose)?.staffSubject?.(payment, locale),
    /** How `payment`'s method reads in `locale` (see {@link paymentMethodLabel}). */
    methodLabel: (payment: Pick<PaymentRecord, 'provider' | 'variant' | 'details'>, locale: Locale): string => paymentMethodLabel(i18n, payment, deps.settings(), locale),
    listForUser: repository.listForUser,
    /** The payments of one thing (`order` 42), oldest first, for staff pages. */
    listForPurpose: (purpose: string, ref: string, limit = 50) => repository.listForPurpose(purpose, ref, limit),
    listRecent: repository.listRecent,
    listEvents: repository.listEvents,
    countAwaitingAdmin: repository.countAwaitingAdmin,
    paidSince: repository.paidSince,

    /** Whether a purpose is registered (its module is enabled). */
    hasPurpose: (name: string) => purposes.has(name),

    /**
     * Sets (or with null, clears) the business's own id of a payment (its `backend_ref`) and
     * returns the one it had; `payments.external_id_taken` when another payment has it.
     */
    async setBackendRef(id: number, backendRef: string | null): Promise<{ previous: string | null }> {
      const payment = await repository.findPayment(id);
      if (!payment) throw new PaymentsError('payments.not_found', 'There is no such payment.');
      if (!(await repository.setBackendRef(id, backendRef, deps.now()))) {
        throw new PaymentsError('payments.external_id_taken', 'Another payment already has this external id.', { externalId: backendRef });
      }
      return { previous: payment.backend_ref };
    },

    ...createPaymentsCheckout(core),
    ...createPaymentsGateway(core),
    ...createPaymentsDecisions(core),
    ...createPaymentsQueries(core),
  };
}

/** The payments service's shape. */
export type PaymentsService = ReturnType<typeof createPaymentsService>;
