import type { DbExecutor } from '../../db/database.ts';
import type { PatientRecord, PatientsTable } from './patients.tables.ts';

/** SQL for the patients table. */
export function createPatientsRepository(db: DbExecutor) {
  return {
    findByUser(userId: number): Promise<PatientRecord | undefined> {
      return db.selectFrom('patients').selectAll().where('user_id', '=', userId).executeTakeFirst();
    },

    findByIin(iin: string): Promise<PatientRecord | undefined> {
      return db.selectFrom('patients').selectAll().where('iin', '=', iin).executeTakeFirst();
    },

    /** How many patients registered since `sinceMs`. */
    async countSince(sinceMs: number): Promise<number> {
      const row = await db.selectFrom('patients').select((eb) => eb.fn.countAll<string | number>().as('count')).where('created_at', '>=', sinceMs).executeTakeFirst();
      return Number(row?.count ?? 0);
    },

    findMany(userIds: readonly number[]): Promise<PatientRecord[]> {
      if (userIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('patients').selectAll().where('user_id', 'in', userIds).execute();
    },

    async insert(row: PatientsTable): Promise<PatientRecord> {
      return db.insertInto('patients').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async update(userId: number, patch: Partial<Omit<PatientsTable, 'user_id' | 'created_at'>>): Promise<PatientRecord | undefined> {
      return db.updateTable('patients').set(patch).where('user_id', '=', userId).returningAll().executeTakeFirst();
    },

    /** Patients whose name, phone or IIN contains `text`, newest first. */
    search(text: string, limit: number, offset: number): Promise<PatientRecord[]> {
      let query = db.selectFrom('patients').selectAll();
      if (text) {
        const pattern = `%${text.replace(/[%_\\]/g, '')}%`;
        query = query.where((eb) => eb.or([eb('full_name', 'like', pattern), eb('phone', 'like', pattern), eb('iin', 'like', pattern)]));
      }
      return query.orderBy('created_at', 'desc').limit(limit).offset(offset).execute();
    },
  };
}
