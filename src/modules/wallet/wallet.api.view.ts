import { z } from 'zod';
import type { LavkaEvent } from '../../platform/events.ts';
import type { LedgerEntry } from './wallet.tables.ts';

/** A ledger row as the integration API and its webhooks show it. */
export const ledgerEntryView = z.object({
  object: z.literal('ledger_entry'),
  id: z.number(),
  customer_id: z.number(),
  kind: z.string(),
  amount: z.number().describe('Signed whole tokens: positive credits, negative debits'),
  balance_after: z.number(),
  reason: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  external_id: z.string().nullable().describe('Set when the row is posted: the payment it belongs to (`<provider>:<charge id>`); rows are never changed'),
  created_at: z.string(),
});

/** A ledger row as the integration API and its webhooks show it. */
export function apiLedgerEntry(entry: LedgerEntry): z.infer<typeof ledgerEntryView> {
  return {
    object: 'ledger_entry' as const,
    id: entry.id,
    customer_id: entry.user_id,
    kind: entry.kind,
    amount: entry.amount,
    balance_after: entry.balance_after,
    reason: entry.reason,
    actor: { type: entry.actor_type, id: entry.actor_id },
    external_id: entry.external_id,
    created_at: new Date(entry.created_at).toISOString(),
  };
}

/** The webhook event of a ledger row: a credit or a debit of the customer's wallet. */
export function ledgerEvent(entry: LedgerEntry): LavkaEvent {
  return { type: entry.amount > 0 ? 'wallet.credited' : 'wallet.debited', resource: { type: 'wallet', id: entry.user_id }, data: { entry: apiLedgerEntry(entry) } };
}
