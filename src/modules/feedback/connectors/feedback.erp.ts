/**
 * Scores reported to the clinic's ERP (`connectors.clinic`) on the ERP's own visit: queued in
 * the transaction that records the score and sent by the clinic ERP's outbox, once per visit
 * (the key is the ERP's visit id), until the ERP takes it. The report waits a few minutes for
 * the comment the patient is asked for next, so the ERP gets score and comment as one.
 */
import type { Logger } from 'pino';
import type { ClinicErpService } from '../../clinic-erp/clinic-erp.service.ts';
import type { AppointmentRecord } from '../../booking/booking.tables.ts';
import type { FeedbackRecord } from '../feedback.tables.ts';
import type { FeedbackBackend } from './feedback.backend.ts';

/** How long a score's report waits for its comment before it goes without one. */
export const COMMENT_WAIT_MS = 10 * 60_000;

/** The key the ERP knows a visit's score by. */
export function feedbackReportKey(externalAppointmentId: string): string {
  return `lavka-feedback-${externalAppointmentId}`;
}

/** The ERP as the clinic's record of scores. */
export function createErpFeedbackBackend(deps: { erp: Pick<ClinicErpService, 'send' | 'amendQueued'>; now(): number; logger: Logger }): FeedbackBackend {
  const body = (appointment: AppointmentRecord, feedback: FeedbackRecord, externalId: string) => ({
    telegram_user_id: appointment.patient_id,
    appointment_id: externalId,
    score: feedback.score,
    comment: feedback.comment ?? '',
  });
  return {
    async scored(executor, appointment, feedback) {
      // A visit the ERP never knew (booked before the connector was on) has nothing to report on.
      if (appointment.external_id === null) return;
      await deps.erp.send(executor, {
        operation: 'feedback',
        body: body(appointment, feedback, appointment.external_id),
        idempotencyKey: feedbackReportKey(appointment.external_id),
        notBeforeMs: deps.now() + COMMENT_WAIT_MS,
      });
    },
    async commented(executor, appointment, feedback) {
      if (appointment.external_id === null) return;
      const amended = await deps.erp.amendQueued(executor, feedbackReportKey(appointment.external_id), body(appointment, feedback, appointment.external_id));
      if (!amended) deps.logger.info({ appointmentId: appointment.id }, 'a comment came after the score reached the clinic ERP: it is kept in Lavka only');
    },
  };
}
