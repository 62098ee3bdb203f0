import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { SupportMessageRecord, SupportMessagesTable, SupportRepliesTable, SupportReplyRecord, SupportThreadRecord, SupportThreadStatus } from './support.tables.ts';

/** SQL for the support_messages table. */
export function createSupportRepository(db: DbExecutor) {
  return {
    async insert(row: Insertable<SupportMessagesTable>): Promise<SupportMessageRecord> {
      return db.insertInto('support_messages').values(row).returningAll().executeTakeFirstOrThrow();
    },

    /** Newest first. */
    list(limit: number, beforeId?: number): Promise<SupportMessageRecord[]> {
      let query = db.selectFrom('support_messages').selectAll().orderBy('id', 'desc').limit(limit);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.execute();
    },

    /** The customer wrote: their thread is (again) waiting for staff. */
    async openThread(userId: number, nowMs: number): Promise<void> {
      await db
        .insertInto('support_threads')
        .values({ user_id: userId, status: 'open', last_message_at: nowMs, updated_at: nowMs, closed_at: null })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ status: 'open', last_message_at: nowMs, updated_at: nowMs, closed_at: null }))
        .execute();
    },

    findThread(userId: number): Promise<SupportThreadRecord | undefined> {
      return db.selectFrom('support_threads').selectAll().where('user_id', '=', userId).executeTakeFirst();
    },

    /** Moves a thread to `status` from one of `from`; undefined when it was elsewhere (a race lost). */
    setThreadStatus(userId: number, from: readonly SupportThreadStatus[], status: SupportThreadStatus, nowMs: number): Promise<SupportThreadRecord | undefined> {
      return db
        .updateTable('support_threads')
        .set({ status, updated_at: nowMs, closed_at: status === 'closed' ? nowMs : null })
        .where('user_id', '=', userId)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },

    /** Threads, the ones the customer wrote to most recently first. */
    listThreads(statuses: readonly SupportThreadStatus[] | undefined, limit: number, offset: number): Promise<SupportThreadRecord[]> {
      let query = db.selectFrom('support_threads').selectAll();
      if (statuses && statuses.length > 0) query = query.where('status', 'in', statuses);
      return query.orderBy('last_message_at', 'desc').orderBy('user_id').limit(limit).offset(offset).execute();
    },

    async countThreads(statuses: readonly SupportThreadStatus[] | undefined): Promise<number> {
      let query = db.selectFrom('support_threads').select((eb) => eb.fn.countAll<number>().as('n'));
      if (statuses && statuses.length > 0) query = query.where('status', 'in', statuses);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },

    /** The customer's latest message per thread, for the inbox list. */
    async lastMessages(userIds: readonly number[]): Promise<Map<number, SupportMessageRecord>> {
      const result = new Map<number, SupportMessageRecord>();
      if (userIds.length === 0) return result;
      const rows = await db.selectFrom('support_messages').selectAll().where('user_id', 'in', userIds).orderBy('id', 'desc').execute();
      for (const row of rows) if (!result.has(Number(row.user_id))) result.set(Number(row.user_id), row);
      return result;
    },

    /** A customer's messages, the latest `limit`, newest first. */
    messagesOf(userId: number, limit: number): Promise<SupportMessageRecord[]> {
      return db.selectFrom('support_messages').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
    },

    /** Staff replies to a customer, the latest `limit`, newest first. */
    repliesOf(userId: number, limit: number): Promise<SupportReplyRecord[]> {
      return db.selectFrom('support_replies').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
    },

    insertReply(row: Insertable<SupportRepliesTable>): Promise<SupportReplyRecord> {
      return db.insertInto('support_replies').values(row).returningAll().executeTakeFirstOrThrow();
    },
  };
}
