import type { Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** A registered patient: one per Telegram user, identified by their IIN (UNIQUE). */
export interface PatientsTable {
  user_id: number;
  full_name: string;
  /** `+digits`, from the shared contact or typed. */
  phone: string;
  /** ISO date `YYYY-MM-DD`. */
  birth_date: string;
  iin: string;
  sex: 'male' | 'female';
  /** The patient's id in the clinic's ERP (`connectors.clinic`); null without one. Added by migration 0002. */
  external_id: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** A patient as read. */
export type PatientRecord = Selectable<PatientsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    patients: PatientsTable;
  }
}
