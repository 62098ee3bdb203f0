import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** Where a support ticket is: waiting for staff, answered by staff, or closed. */
export type TicketStatus = 'open' | 'answered' | 'closed';

/** A patient's support request, answered by staff in the staff chat or the admin panel. */
export interface TicketsTable {
  id: Generated<number>;
  user_id: number;
  status: TicketStatus;
  /** The first line of the first message, for lists. */
  subject: string;
  created_at: EpochMs;
  updated_at: EpochMs;
  closed_at: EpochMs | null;
  /** The ticket's id in the clinic's ERP, once it took the ticket (`connectors.clinic`). */
  external_id: string | null;
}

/** One message of a ticket's conversation. */
export interface TicketMessagesTable {
  id: Generated<number>;
  ticket_id: number;
  author: 'patient' | 'staff';
  /** Telegram id of the staff member or the patient; admin-panel user name otherwise. */
  author_id: string | null;
  text: string;
  created_at: EpochMs;
}

/** A ticket row as read. */
export type TicketRecord = Selectable<TicketsTable>;
/** A ticket message as read. */
export type TicketMessageRecord = Selectable<TicketMessagesTable>;

declare module '../../db/schema.ts' {
  interface Database {
    tickets: TicketsTable;
    ticket_messages: TicketMessagesTable;
  }
}
