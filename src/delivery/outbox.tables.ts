import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../db/schema.ts';

/** Why a message is sent; decides its place in the queue. */
export type OutboxPriority = 'high' | 'normal' | 'bulk';

/**
 * Where an outbox row is in its life: `pending` → `sending` (the API call may be under way)
 * → `sent` | `failed`; `held` while its broadcast is paused; `skipped` when it was never
 * attempted (cancelled broadcast, recipient blocked the bot).
 */
export type OutboxStatus = 'pending' | 'held' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * Why a row ended up `failed` or `skipped`, in a form reports can count. On a `pending` row,
 * `unreachable` says why it waits: its private chat could not be written to yet (the user
 * never pressed Start), and the row goes out as soon as they do.
 */
export type OutboxErrorCode =
  | 'unreachable'
  | 'blocked'
  | 'forbidden'
  | 'bad_request'
  | 'transient'
  | 'outcome_unknown'
  | 'cancelled';

/**
 * One message to send that is not a direct reply: a notification, reminder, admin alert or
 * one recipient of a broadcast. Written in the same transaction as the change that causes it.
 */
export interface OutboxTable {
  id: Generated<number>;
  chat_id: number;
  /** Bot API method: sendMessage, sendPhoto, sendDocument, sendMediaGroup, copyMessage. */
  method: string;
  /** The method's parameters as JSON, without chat_id. */
  payload: string;
  /** 0 = high (transactional), 1 = normal, 2 = bulk (broadcasts): lower goes first. */
  priority: number;
  not_before: EpochMs;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  /** Short reason for `failed` and `skipped` rows (added by 0004). */
  error_code: OutboxErrorCode | null;
  /** A producer-chosen key that makes enqueueing the same logical message idempotent. */
  dedupe_key: string | null;
  broadcast_id: number | null;
  /** Who claimed the row and until when (a crashed sender's claim expires). */
  claimed_by: string | null;
  claimed_until: EpochMs | null;
  sent_message_id: number | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** An outbox row as read. */
export type OutboxRow = Selectable<OutboxTable>;

declare module '../db/schema.ts' {
  interface Database {
    outbox: OutboxTable;
  }
}
