/**
 * Where else a clinic keeps its support requests. Lavka's tickets are always the
 * conversation (the staff chat, the panel, the bot); a clinic with an ERP gets each new
 * ticket there too, so its staff see it beside the patient's card.
 */
import type { DbExecutor } from '../../../db/database.ts';
import type { TicketRecord } from '../tickets.tables.ts';

/** The clinic's records of support requests, beside Lavka's tickets. */
export interface TicketsBackend {
  /** A ticket was opened, in its transaction: the records are owed it (never waited for). */
  opened(executor: DbExecutor, ticket: TicketRecord, text: string): Promise<void>;
}

/** Lavka keeping the tickets alone. */
export const localTicketsBackend: TicketsBackend = {
  opened: async () => {},
};
