import type { DbExecutor } from '../../db/database.ts';
import type { FaqEntry } from './faq.tables.ts';

/** Fields an owner sets on a FAQ entry. */
export interface FaqEntryInput {
  locale: string;
  question: string;
  answer: string;
  position?: number;
  hidden?: boolean;
}

/** SQL for the faq_entries table. */
export function createFaqRepository(db: DbExecutor) {
  return {
    listVisible(locale: string): Promise<FaqEntry[]> {
      return db
        .selectFrom('faq_entries')
        .selectAll()
        .where('locale', '=', locale)
        .where('is_hidden', '=', 0)
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    listAll(): Promise<FaqEntry[]> {
      return db.selectFrom('faq_entries').selectAll().orderBy('locale').orderBy('position').orderBy('id').execute();
    },

    findById(id: number): Promise<FaqEntry | undefined> {
      return db.selectFrom('faq_entries').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async insert(input: FaqEntryInput, nowMs: number): Promise<FaqEntry> {
      return db
        .insertInto('faq_entries')
        .values({
          locale: input.locale,
          question: input.question,
          answer: input.answer,
          position: input.position ?? 0,
          is_hidden: input.hidden ? 1 : 0,
          created_at: nowMs,
          updated_at: nowMs,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(id: number, input: FaqEntryInput, nowMs: number): Promise<FaqEntry | undefined> {
      return db
        .updateTable('faq_entries')
        .set({
          locale: input.locale,
          question: input.question,
          answer: input.answer,
          position: input.position ?? 0,
          is_hidden: input.hidden ? 1 : 0,
          updated_at: nowMs,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async remove(id: number): Promise<boolean> {
      const result = await db.deleteFrom('faq_entries').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async count(): Promise<number> {
      const row = await db.selectFrom('faq_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
