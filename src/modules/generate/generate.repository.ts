import type { Insertable, Updateable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { GenerateJob, GenerateJobStatus, GenerateJobsTable } from './generate.tables.ts';

/** SQL for generate_jobs. */
export function createGenerateRepository(db: DbExecutor) {
  return {
    insert(values: Insertable<GenerateJobsTable>): Promise<GenerateJob> {
      return db.insertInto('generate_jobs').values(values).returningAll().executeTakeFirstOrThrow();
    },
    find(id: number): Promise<GenerateJob | undefined> {
      return db.selectFrom('generate_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Updates a job still in `from`; false when it had already moved on. */
    async transition(id: number, from: GenerateJobStatus, patch: Updateable<GenerateJobsTable>): Promise<boolean> {
      const result = await db.updateTable('generate_jobs').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Running jobs not touched since `beforeMs`: their runner died with the process. */
    listStale(beforeMs: number, limit: number): Promise<GenerateJob[]> {
      return db.selectFrom('generate_jobs').selectAll().where('status', '=', 'running').where('updated_at', '<', beforeMs).orderBy('id').limit(limit).execute();
    },
  };
}
