import type { Generated } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/**
 * Where Lavka is in a feed of the clinic's ERP (`changes`: the last change it applied), so a
 * restart goes on from there. A change applied twice (a crash before the cursor moved) is
 * harmless: every notice it sends has a dedupe key of the change.
 */
export interface ClinicErpCursorsTable {
  name: string;
  value: string;
  updated_at: EpochMs;
}

/**
 * A write Lavka owes the clinic's ERP (a ticket, a score, a payment), stored in the
 * transaction of the change it reports and sent by a job until the ERP takes it: the ERP
 * being down never loses it, and its idempotency key makes a repeat harmless on both sides.
 */
export interface ClinicErpOutboxTable {
  id: Generated<number>;
  /** Sent as `Idempotency-Key`; UNIQUE, so the same report is queued once. */
  idempotency_key: string;
  /** The contract's operation (`supportTicket`, `feedback`, `paymentReport`). */
  operation: string;
  /** The JSON body, in the contract's names. */
  body: string;
  /** `refused`: the ERP answered no (4xx); kept with its reason, not tried again. */
  status: 'pending' | 'sent' | 'refused' | 'expired';
  attempts: number;
  next_attempt_at: EpochMs;
  /** An instance sending it holds it until then. */
  claimed_until: EpochMs | null;
  last_error: string | null;
  /** The ERP's answer (JSON), e.g. the id it gave the ticket. */
  answer: string | null;
  sent_at: EpochMs | null;
  created_at: EpochMs;
}

declare module '../../db/schema.ts' {
  interface Database {
    clinic_erp_cursors: ClinicErpCursorsTable;
    clinic_erp_outbox: ClinicErpOutboxTable;
  }
}
