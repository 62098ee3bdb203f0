/**
 * Where else a clinic keeps patients' scores. Lavka's feedback table is always the record
 * (the NPS, the staff alerts); a clinic with an ERP gets each score there too, on its visit.
 */
import type { DbExecutor } from '../../../db/database.ts';
import type { AppointmentRecord } from '../../booking/booking.tables.ts';
import type { FeedbackRecord } from '../feedback.tables.ts';

/** The clinic's records of scores, beside Lavka's table. */
export interface FeedbackBackend {
  /** A visit was scored, in that transaction: the records are owed it (never waited for). */
  scored(executor: DbExecutor, appointment: AppointmentRecord, feedback: FeedbackRecord): Promise<void>;
  /** Its comment was added, in that transaction. */
  commented(executor: DbExecutor, appointment: AppointmentRecord, feedback: FeedbackRecord): Promise<void>;
}

/** Lavka keeping the scores alone. */
export const localFeedbackBackend: FeedbackBackend = {
  scored: async () => {},
  commented: async () => {},
};
