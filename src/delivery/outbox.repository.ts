import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DbExecutor, SqlDialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { OutboxErrorCode, OutboxRow, OutboxStatus } from './outbox.tables.ts';

/** A row the API accepted, with the id of the message Telegram created. */
export interface SentOutcome {
  id: number;
  messageId: number | null;
}

/** A row that ends without being delivered. */
export interface FailedOutcome {
  id: number;
  status: Extract<OutboxStatus, 'failed' | 'skipped'>;
  code: OutboxErrorCode;
  error: string;
}

/** A row that goes back to the queue to be tried again later. */
export interface RetryOutcome {
  id: number;
  notBeforeMs: number;
  error: string | null;
  /** False for a 429: the message was refused before any attempt, so it does not count. */
  countsAsAttempt: boolean;
  /**
   * The message's chat, when its later waiting messages must wait for this retry too (a
   * transient failure): they keep their order instead of overtaking it.
   */
  holdChatId?: number;
  /**
   * The chat cannot be written to until the user presses Start: the row, and those held
   * behind it, are marked `unreachable` so that {@link OutboxStatements.releaseUnreachable} finds them.
   */
  unreachable?: boolean;
}

/** Rows by status and reason, for progress reports. */
export interface OutboxCount {
  status: OutboxStatus;
  code: OutboxErrorCode | null;
  count: number;
}

const ID_CHUNK = 500;

/** SQL for the outbox: claiming, state changes and counts. The sender's only way to the table. */
export function createOutboxRepository(db: DbExecutor, dialect: SqlDialectName) {
  const statements = outboxStatements(db, dialect);
  return {
    ...statements,
    /** Runs `work` in one transaction (inside the current one if `db` already is a transaction). */
    transaction<T>(work: (repository: OutboxStatements) => Promise<T>): Promise<T> {
      if (db.isTransaction) return work(statements);
      return (db as Kysely<Database>).transaction().execute((trx) => work(outboxStatements(trx, dialect)));
    },
  };
}

/** The outbox statements, bound to a database or a transaction. */
export type OutboxStatements = ReturnType<typeof outboxStatements>;

function outboxStatements(db: DbExecutor, dialect: SqlDialectName) {
  const chunks = <T>(items: readonly T[]): T[][] => {
    const out: T[][] = [];
    for (let index = 0; index < items.length; index += ID_CHUNK) out.push(items.slice(index, index + ID_CHUNK));
    return out;
  };

  return {
    /**
     * Claims up to `limit` due rows for `workerId` until `nowMs + leaseMs`: highest priority
     * first, then oldest. Claimed rows stay `pending`, so a crash before they are attempted
     * loses nothing: the lease runs out and another sender claims them. On PostgreSQL,
     * SKIP LOCKED lets several instances claim at once without waiting on each other.
     */
    async claim(input: { workerId: string; nowMs: number; leaseMs: number; limit: number }): Promise<OutboxRow[]> {
      let candidates = db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('not_before', '<=', input.nowMs)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', input.nowMs)]))
        .orderBy('priority')
        .orderBy('not_before')
        .orderBy('id')
        .limit(input.limit);
      if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
      const rows = await db
        .updateTable('outbox')
        .set({ claimed_by: input.workerId, claimed_until: input.nowMs + input.leaseMs })
        .where('id', 'in', candidates)
        .returningAll()
        .execute();
      // RETURNING does not keep the subquery's order.
      return rows.sort((a, b) => a.priority - b.priority || a.not_before - b.not_before || a.id - b.id);
    },

    /**
     * Marks claimed rows `sending` right before their API calls, and returns the ids still
     * ours: a row paused, cancelled or skipped since the claim is left alone and not sent.
     */
    async markSending(input: { workerId: string; ids: readonly number[]; nowMs: number; leaseMs: number }): Promise<Set<number>> {
      if (input.ids.length === 0) return new Set();
      const rows = await db
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), claimed_until: input.nowMs + input.leaseMs, updated_at: input.nowMs }))
        .where('id', 'in', input.ids)
        .where('status', '=', 'pending')
        .where('claimed_by', '=', input.workerId)
        .returning('id')
        .execute();
      return new Set(rows.map((row) => row.id));
    },

    /** Records delivered rows in one statement. */
    async markSent(outcomes: readonly SentOutcome[], nowMs: number): Promise<void> {
      for (const part of chunks(outcomes)) {
        const messageIds = sql<number | null>`case ${sql.ref('id')} ${sql.join(
          part.map((item) => sql`when ${item.id} then cast(${item.messageId} as bigint)`),
          sql` `,
        )} else null end`;
        await db
          .updateTable('outbox')
          .set({ status: 'sent', sent_message_id: messageIds, claimed_until: null, last_error: null, error_code: null, updated_at: nowMs })
          .where(
            'id',
            'in',
            part.map((item) => item.id),
          )
          .execute();
      }
    },

    /** Ends rows that will not be delivered, with their reason. */
    async markFailed(outcomes: readonly FailedOutcome[], nowMs: number): Promise<void> {
      for (const item of outcomes) {
        await db
          .updateTable('outbox')
          .set({ status: item.status, error_code: item.code, last_error: item.error.slice(0, 1000), claimed_by: null, claimed_until: null, updated_at: nowMs })
          .where('id', '=', item.id)
          .execute();
      }
    },

    /** Puts rows back in the queue for a later attempt (transient errors, 429, busy chats). */
    async retryLater(outcomes: readonly RetryOutcome[], nowMs: number): Promise<void> {
      for (const item of outcomes) {
        await db
          .updateTable('outbox')
          .set((eb) => ({
            status: 'pending',
            not_before: item.notBeforeMs,
            claimed_by: null,
            claimed_until: null,
            last_error: item.error === null ? eb.ref('last_error') : item.error.slice(0, 1000),
            attempts: item.countsAsAttempt ? eb.ref('attempts') : eb('attempts', '-', 1),
            ...(item.unreachable ? { error_code: 'unreachable' as const } : {}),
            updated_at: nowMs,
          }))
          .where('id', '=', item.id)
          .execute();
        if (item.holdChatId !== undefined) {
          await db
            .updateTable('outbox')
            .set({ not_before: item.notBeforeMs, ...(item.unreachable ? { error_code: 'unreachable' as const } : {}), updated_at: nowMs })
            .where('chat_id', '=', item.holdChatId)
            .where('status', '=', 'pending')
            .where('id', '>', item.id)
            .where('not_before', '<', item.notBeforeMs)
            // Rows another sender holds are its to order; free and expired claims are not.
            .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
            .execute();
        }
      }
    },

    /**
     * Sets claimed rows aside until `notBeforeMs` without an attempt (their chat's budget is
     * spent, or an earlier message of the chat waits); `unreachable` marks them as waiting for the user's Start.
     */
    async defer(input: { workerId: string; rows: readonly { id: number; notBeforeMs: number; unreachable?: boolean }[]; nowMs: number }): Promise<void> {
      for (const item of input.rows) {
        await db
          .updateTable('outbox')
          .set({
            not_before: item.notBeforeMs,
            ...(item.unreachable ? { error_code: 'unreachable' as const } : {}),
            claimed_by: null,
            claimed_until: null,
            updated_at: input.nowMs,
          })
          .where('id', '=', item.id)
          .where('status', '=', 'pending')
          .where('claimed_by', '=', input.workerId)
          .execute();
      }
    },

    /** Gives back claimed rows that were not attempted (graceful stop). */
    async release(workerId: string, ids: readonly number[]): Promise<void> {
      for (const part of chunks(ids)) {
        await db
          .updateTable('outbox')
          .set({ claimed_by: null, claimed_until: null })
          .where('id', 'in', part)
          .where('status', '=', 'pending')
          .where('claimed_by', '=', workerId)
          .execute();
      }
    },

    /** Extends the lease of rows this worker still holds. */
    async renewLease(workerId: string, ids: readonly number[], untilMs: number): Promise<void> {
      for (const part of chunks(ids)) {
        await db
          .updateTable('outbox')
          .set({ claimed_until: untilMs })
          .where('id', 'in', part)
          .where('claimed_by', '=', workerId)
          .where('status', 'in', ['pending', 'sending'])
          .execute();
      }
    },

    /**
     * Puts rows this worker was sending back to `pending`, still claimed, with a new chat:
     * Telegram refused them before any delivery (the group moved), so no attempt is counted.
     */
    async requeueClaimed(workerId: string, items: readonly { id: number; chatId: number }[], nowMs: number): Promise<void> {
      for (const item of items) {
        await db
          .updateTable('outbox')
          .set((eb) => ({ status: 'pending', chat_id: item.chatId, attempts: eb('attempts', '-', 1), updated_at: nowMs }))
          .where('id', '=', item.id)
          .where('status', '=', 'sending')
          .where('claimed_by', '=', workerId)
          .execute();
      }
    },

    /**
     * Points every waiting message of a group at the supergroup it became, so one refusal
     * moves them all instead of each meeting the same 400.
     */
    async retargetChat(fromChatId: number, toChatId: number, nowMs: number): Promise<number> {
      const result = await db
        .updateTable('outbox')
        .set({ chat_id: toChatId, updated_at: nowMs })
        .where('chat_id', '=', fromChatId)
        .where('status', 'in', ['pending', 'held'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Whether messages are kept for a private chat that could not be written to (`unreachable`): a plain read. */
    async hasUnreachable(chatId: number, nowMs: number): Promise<boolean> {
      const row = await db
        .selectFrom('outbox')
        .select('id')
        .where((eb) => keptForChat(eb, chatId, nowMs))
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Makes the messages kept for a private chat that could not be written to (`unreachable`)
     * due now: its user has just pressed Start. Returns how many there were.
     */
    async releaseUnreachable(chatId: number, nowMs: number): Promise<number> {
      const result = await db
        .updateTable('outbox')
        .set({ not_before: nowMs, updated_at: nowMs })
        .where((eb) => keptForChat(eb, chatId, nowMs))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Skips every waiting message to a chat (it blocked the bot or the bot was removed). */
    async skipWaitingForChat(chatId: number, code: OutboxErrorCode, reason: string, nowMs: number): Promise<number> {
      const result = await db
        .updateTable('outbox')
        .set({ status: 'skipped', error_code: code, last_error: reason, claimed_by: null, claimed_until: null, updated_at: nowMs })
        .where('chat_id', '=', chatId)
        .where('status', 'in', ['pending', 'held'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /**
     * Settles rows left `sending` by a sender that died mid-call (lease expired). Whether
     * Telegram received them is unknown: rows whose priority is in `resendPriorities` are
     * sent again (a duplicate is better than a lost order notification); the others end as
     * `failed` / `outcome_unknown` (a lost promo is better than a duplicate in 100 000 chats).
     */
    async recoverAbandoned(nowMs: number, resendPriorities: readonly number[]): Promise<{ resent: number; unknown: number }> {
      const abandoned = db
        .updateTable('outbox')
        .where('status', '=', 'sending')
        .where('claimed_until', '<', nowMs);
      let resent = 0;
      if (resendPriorities.length > 0) {
        const result = await abandoned
          .set({ status: 'pending', claimed_by: null, claimed_until: null, last_error: 'delivery.outcome_unknown: sender stopped during the call; sending again', updated_at: nowMs })
          .where('priority', 'in', resendPriorities)
          .executeTakeFirst();
        resent = Number(result.numUpdatedRows);
      }
      let query = abandoned.set({
        status: 'failed',
        error_code: 'outcome_unknown',
        last_error: 'delivery.outcome_unknown: sender stopped during the call; not sent again to avoid a duplicate',
        claimed_by: null,
        claimed_until: null,
        updated_at: nowMs,
      });
      if (resendPriorities.length > 0) query = query.where('priority', 'not in', resendPriorities);
      const unknown = Number((await query.executeTakeFirst()).numUpdatedRows);
      return { resent, unknown };
    },

    /** Rows waiting by status, for the outbox-depth gauge. */
    async depth(): Promise<Partial<Record<OutboxStatus, number>>> {
      const rows = await db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'held', 'sending'])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
    },

    /** Deletes finished rows older than `beforeMs` (broadcasts keep their totals elsewhere). */
    async prune(beforeMs: number): Promise<number> {
      const result = await db
        .deleteFrom('outbox')
        .where('status', 'in', ['sent', 'failed', 'skipped'])
        .where('updated_at', '<', beforeMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** The outbox repository's shape. */
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

/** Pauses a broadcast: its waiting rows are held until {@link resumeBroadcastOutbox}. */
export async function holdBroadcastOutbox(db: DbExecutor, broadcastId: number, nowMs: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'held', claimed_by: null, claimed_until: null, updated_at: nowMs })
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Resumes a paused broadcast's rows. */
export async function resumeBroadcastOutbox(db: DbExecutor, broadcastId: number, nowMs: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', updated_at: nowMs })
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Cancels a broadcast's rows that have not been attempted. */
export async function cancelBroadcastOutbox(db: DbExecutor, broadcastId: number, nowMs: number): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'skipped', error_code: 'cancelled', last_error: 'broadcast cancelled', claimed_by: null, claimed_until: null, updated_at: nowMs })
    .where('broadcast_id', '=', broadcastId)
    .where('status', 'in', ['pending', 'held'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A broadcast's rows by status and reason. */
export async function countBroadcastOutbox(db: DbExecutor, broadcastId: number): Promise<OutboxCount[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', 'error_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('broadcast_id', '=', broadcastId)
    .groupBy(['status', 'error_code'])
    .execute();
  return rows.map((row) => ({ status: row.status, code: row.error_code, count: Number(row.n) }));
}

/** Whether a broadcast still has rows waiting, held or being sent (a cheap check, no count). */
export async function broadcastHasWaiting(db: DbExecutor, broadcastId: number): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('broadcast_id', '=', broadcastId)
    .where('status', 'in', ['pending', 'held', 'sending'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A delivered row's message id, found by the producer's dedupe key (e.g. a progress message to edit later). */
export async function findSentMessage(db: DbExecutor, dedupeKey: string): Promise<{ chatId: number; messageId: number } | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select(['chat_id', 'sent_message_id'])
    .where('dedupe_key', '=', dedupeKey)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return row && row.sent_message_id !== null ? { chatId: row.chat_id, messageId: row.sent_message_id } : undefined;
}

/** The messages kept for a chat that could not be written to (`unreachable`) and not yet due. */
function keptForChat(eb: ExpressionBuilder<Database, 'outbox'>, chatId: number, nowMs: number) {
  return eb.and([eb('chat_id', '=', chatId), eb('status', '=', 'pending'), eb('error_code', '=', 'unreachable'), eb('not_before', '>', nowMs)]);
}
