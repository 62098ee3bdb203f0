import type { CircuitSnapshot } from './circuit-breaker.ts';
import type { PaymentFilter } from './payments.repository.ts';
import type { PaymentRecord, ProviderId } from './payments.tables.ts';
import type { PaymentProvider } from './payments.types.ts';
import { isOffered, type PaymentsCore } from './payments.core.ts';

/** What the panel and the bot read: payments, the queue awaiting staff, and the state of the gateways. */
export function createPaymentsQueries(core: PaymentsCore) {
  const { deps, repository, purposes } = core;
  return {
    /** Payments matching staff filters, newest first, one page (`offset`/`limit`), with the total. */
    async search(filter: PaymentFilter, limit: number, offset: number): Promise<{ payments: PaymentRecord[]; total: number }> {
      return { payments: await repository.search(filter, limit, offset), total: await repository.count(filter) };
    },
    /** Payments matching a filter, `limit` at a time, newest first after the payment `startingAfter`, and whether more follow. */
    async page(filter: PaymentFilter, cursor: { limit: number; startingAfter?: number | undefined }): Promise<{ payments: PaymentRecord[]; hasMore: boolean }> {
      const rows = await repository.listBefore(filter, cursor.startingAfter, cursor.limit + 1);
      return { payments: rows.slice(0, cursor.limit), hasMore: rows.length > cursor.limit };
    },
    /** Requests waiting for an admin, oldest first. */
    awaitingAdmin(limit: number, offset = 0): Promise<PaymentRecord[]> {
      return repository.listAwaitingAdmin(limit, offset);
    },

    /** Each gateway's circuit, for `/health/ready` and the admins' `/health`. */
    gatewayStates(): CircuitSnapshot[] {
      return deps.providers.filter((provider) => provider.configured && provider.breaker).map((provider) => (provider.breaker as NonNullable<PaymentProvider['breaker']>).snapshot());
    },

    /** Every provider: whether it is configured and offered, and, for gateways, its circuit state. */
    methodsStatus(): { provider: ProviderId; configured: boolean; circuit?: CircuitSnapshot }[] {
      const settings = deps.settings();
      return deps.providers.map((provider) => ({
        provider: provider.id,
        configured: provider.configured && isOffered(settings, provider.id),
        ...(provider.configured && provider.breaker ? { circuit: provider.breaker.snapshot() } : {}),
      }));
    },

    /**
     * Why the Stars the settings offer will never be shown, or undefined when something here
     * may be paid in Stars: every registered purpose sells physical goods or services, which
     * Telegram's payment rules forbid paying in Stars. Logged at start-up and on a settings change.
     */
    starsNotice(): string | undefined {
      const settings = deps.settings();
      if (!isOffered(settings, 'telegram_stars') || purposes.size === 0) return undefined;
      const physical = [...purposes.values()].filter((purpose) => purpose.goods === 'physical').map((purpose) => purpose.name);
      if (physical.length < purposes.size) return undefined;
      return `settings.payments.methods offers Telegram Stars, but everything this bot sells is physical (${physical.join(', ')}): ` +
        'Telegram allows Stars only for digital goods and services, so Stars are never offered here. ' +
        'Take cards through a payment provider (PAYMENTS_PROVIDER_TOKEN), QR payments, transfers or cash, and remove "stars" from settings.payments.methods.';
    },
  };
}
