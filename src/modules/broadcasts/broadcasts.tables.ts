import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/** Where a broadcast is in its life. */
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';

/**
 * One broadcast: the message (text with formatting, optional photo, buttons), who receives
 * it, when, and its totals once finished. Recipients are outbox rows with its id.
 */
export interface BroadcastsTable {
  id: Generated<number>;
  status: BroadcastStatus;
  /** The business's own id, when its system sent it through the integration API; unique. Added by migration 0002. */
  external_id: string | null;
  text: string;
  /** Telegram entities as JSON (formatting copied from the admin's own message), or null. */
  entities: string | null;
  /** `HTML` when the text carries HTML tags instead of entities (HTTP API). */
  parse_mode: string | null;
  /** A photo's file_id or URL; the text becomes its caption. */
  photo: string | null;
  /** JSON {@link BroadcastButton}[][] (rows of buttons). */
  buttons: string;
  /** Adds an "Unsubscribe" button; those who press it get no further broadcasts. */
  unsubscribe_button: Flag;
  /** Send with `allow_paid_broadcast` (up to 1000 msg/s, paid in Stars), when the owner allows it. */
  paid: Flag;
  /** JSON audience specification. */
  audience: string;
  /** Recipients enqueued when sending started. */
  audience_size: number | null;
  scheduled_at: EpochMs | null;
  started_at: EpochMs | null;
  finished_at: EpochMs | null;
  /** Telegram id of the admin who created it, if created in the bot. */
  created_by: number | null;
  /** The chat whose progress message is edited in place while sending. */
  progress_chat_id: number | null;
  progress_updated_at: EpochMs | null;
  /** Totals recorded when the broadcast ends (outbox rows are pruned later). */
  delivered: number;
  blocked: number;
  failed: number;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A button under a broadcast: a link, or a tracked button whose presses are counted. */
export type BroadcastButton = { text: string; url: string } | { text: string; tracked: true; answer?: string };

/** Presses of tracked buttons, once per user and button. */
export interface BroadcastClicksTable {
  broadcast_id: number;
  button_index: number;
  user_id: number;
  created_at: EpochMs;
}

/** Users who pressed "Unsubscribe": they receive no further broadcasts. */
export interface BroadcastUnsubscribesTable {
  user_id: number;
  /** The broadcast whose button they pressed. */
  broadcast_id: number | null;
  created_at: EpochMs;
}

/** A broadcast row as read. */
export type BroadcastRow = Selectable<BroadcastsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    broadcasts: BroadcastsTable;
    broadcast_clicks: BroadcastClicksTable;
    broadcast_unsubscribes: BroadcastUnsubscribesTable;
  }
}
