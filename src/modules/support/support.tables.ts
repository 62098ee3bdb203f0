import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** A message a customer sent to the staff through "Write to us". */
export interface SupportMessagesTable {
  id: Generated<number>;
  user_id: number;
  /** Where the original lives, so staff tools can copy or quote it later. */
  chat_id: number;
  message_id: number;
  kind: 'text' | 'photo' | 'document';
  /** The text or caption. */
  text: string | null;
  created_at: EpochMs;
}

/** Where a customer's conversation with the staff is: waiting for staff, answered, or closed. */
export type SupportThreadStatus = 'open' | 'answered' | 'closed';

/**
 * One conversation per customer for the admin panel's inbox; a new message from the customer
 * opens it again. Added by migration 0002 (older messages were gathered into threads then).
 */
export interface SupportThreadsTable {
  user_id: number;
  status: SupportThreadStatus;
  /** When the customer last wrote. */
  last_message_at: EpochMs;
  updated_at: EpochMs;
  closed_at: EpochMs | null;
}

/** A staff answer sent from the admin panel, delivered to the customer through the outbox. */
export interface SupportRepliesTable {
  id: Generated<number>;
  user_id: number;
  /** The admin panel account that answered, and its name as the inbox shows it. */
  staff_id: string;
  staff_name: string;
  text: string;
  created_at: EpochMs;
}

/** A support message as read. */
export type SupportMessageRecord = Selectable<SupportMessagesTable>;
/** A support thread as read. */
export type SupportThreadRecord = Selectable<SupportThreadsTable>;
/** A staff reply as read. */
export type SupportReplyRecord = Selectable<SupportRepliesTable>;

declare module '../../db/schema.ts' {
  interface Database {
    support_messages: SupportMessagesTable;
    support_threads: SupportThreadsTable;
    support_replies: SupportRepliesTable;
  }
}
