import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { FeedbackRecord, FeedbackTable } from './feedback.tables.ts';

/** SQL for the feedback table. */
export function createFeedbackRepository(db: DbExecutor) {
  return {
    /** Inserts the score; undefined when this visit was scored already. */
    insert(row: Insertable<FeedbackTable>): Promise<FeedbackRecord | undefined> {
      return db
        .insertInto('feedback')
        .values(row)
        .onConflict((oc) => oc.column('appointment_id').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    findByAppointment(appointmentId: number): Promise<FeedbackRecord | undefined> {
      return db.selectFrom('feedback').selectAll().where('appointment_id', '=', appointmentId).executeTakeFirst();
    },

    /** Sets the comment once; undefined when there already was one. */
    setComment(appointmentId: number, comment: string, nowMs: number): Promise<FeedbackRecord | undefined> {
      return db
        .updateTable('feedback')
        .set({ comment, updated_at: nowMs })
        .where('appointment_id', '=', appointmentId)
        .where('comment', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },

    list(sinceMs: number, limit: number): Promise<FeedbackRecord[]> {
      return db.selectFrom('feedback').selectAll().where('created_at', '>=', sinceMs).orderBy('created_at', 'desc').limit(limit).execute();
    },

    async scoresSince(sinceMs: number): Promise<number[]> {
      const rows = await db.selectFrom('feedback').select('score').where('created_at', '>=', sinceMs).execute();
      return rows.map((row) => row.score);
    },
  };
}
