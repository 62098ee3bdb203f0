import type { DbExecutor } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
import type { OutboxPriority } from './outbox.tables.ts';

/** Methods the sender knows how to deliver. */
export type OutboxMethod = 'sendMessage' | 'sendPhoto' | 'sendDocument' | 'sendMediaGroup' | 'copyMessage' | 'editMessageText';

/** A message a producer wants delivered. */
export interface OutboxMessage {
  chatId: number;
  method: OutboxMethod;
  /** Bot API parameters without `chat_id`, e.g. `{ text, reply_markup }`. */
  payload: Record<string, unknown>;
  /** `high` for a customer's own notifications, `bulk` for broadcasts. Default `normal`. */
  priority?: OutboxPriority;
  /** Do not send before this time (epoch ms). Default: now. */
  notBefore?: number;
  /**
   * Enqueueing twice with the same key stores one row: producers that may run twice (a
   * retried handler, a re-delivered webhook) use a key such as `order:42:status:shipped`.
   */
  dedupeKey?: string;
  broadcastId?: number;
}

const PRIORITY_RANK: Record<OutboxPriority, number> = { high: 0, normal: 1, bulk: 2 };

/**
 * Adds messages to the outbox. Pass the transaction of the business change as `executor`
 * so that the change and its notification commit (or roll back) together.
 */
export async function enqueueOutbox(
  executor: DbExecutor,
  messages: OutboxMessage | readonly OutboxMessage[],
  nowMs: number = Date.now(),
): Promise<number> {
  const list = Array.isArray(messages) ? (messages as readonly OutboxMessage[]) : [messages as OutboxMessage];
  if (list.length === 0) return 0;
  const rows = list.map((message) => ({
    chat_id: message.chatId,
    method: message.method,
    payload: JSON.stringify(message.payload),
    priority: PRIORITY_RANK[message.priority ?? 'normal'],
    not_before: message.notBefore ?? nowMs,
    status: 'pending' as const,
    attempts: 0,
    last_error: null,
    error_code: null,
    dedupe_key: message.dedupeKey ?? null,
    broadcast_id: message.broadcastId ?? null,
    claimed_by: null,
    claimed_until: null,
    sent_message_id: null,
    created_at: nowMs,
    updated_at: nowMs,
  }));
  let inserted = 0;
  // Chunked so that a 100 000-recipient broadcast stays under SQLite's parameter limit.
  for (let index = 0; index < rows.length; index += 500) {
    const result = await executor
      .insertInto('outbox')
      .values(rows.slice(index, index + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

/** The outbox table. Lives with the runtime, so every module can enqueue. */
export const outboxMigrations: readonly Migration[] = [
  {
    name: '0003_outbox',
    async up(db, { col }) {
      await col
        .id(db.schema.createTable('outbox'))
        .addColumn('chat_id', 'bigint', (c) => c.notNull())
        .addColumn('method', 'varchar(32)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('not_before', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('dedupe_key', 'varchar(200)', (c) => c.unique())
        .addColumn('broadcast_id', 'bigint')
        .addColumn('claimed_by', 'varchar(64)')
        .addColumn('claimed_until', 'bigint')
        .addColumn('sent_message_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The sender's claim query: pending rows by priority, then due time.
      await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'priority', 'not_before', 'id']).execute();
      await db.schema.createIndex('outbox_broadcast_idx').on('outbox').columns(['broadcast_id', 'status']).execute();
    },
  },
  {
    name: '0004_outbox_delivery',
    async up(db) {
      // A countable reason next to the free-text error: broadcast reports group by it.
      await db.schema.alterTable('outbox').addColumn('error_code', 'varchar(32)').execute();
      // When a chat blocks the bot, its other waiting messages are skipped in one statement.
      await db.schema.createIndex('outbox_chat_idx').on('outbox').columns(['chat_id', 'status']).execute();
      // A broadcast's progress counts by status and reason from the index alone; it replaces
      // the (broadcast_id, status) index, which it covers.
      await db.schema.createIndex('outbox_broadcast_progress_idx').on('outbox').columns(['broadcast_id', 'status', 'error_code']).execute();
      await db.schema.dropIndex('outbox_broadcast_idx').execute();
    },
  },
];

/** Where a message enqueued under `dedupeKey` stands: waiting, sent (with Telegram's message id) or failed. */
export async function outboxStateOf(db: DbExecutor, dedupeKey: string) {
  return db
    .selectFrom('outbox')
    .select(['id', 'chat_id', 'status', 'error_code', 'sent_message_id', 'created_at', 'updated_at'])
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
}
