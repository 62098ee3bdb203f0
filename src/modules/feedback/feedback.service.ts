import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { formatVisitTime } from '../booking/booking.messages.ts';
import type { BookingService } from '../booking/booking.service.ts';
import type { AppointmentRecord } from '../booking/booking.tables.ts';
import { localFeedbackBackend, type FeedbackBackend } from './connectors/feedback.backend.ts';
import { createFeedbackRepository } from './feedback.repository.ts';
import type { FeedbackRecord } from './feedback.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events } from '../../platform/events.ts';

/** A feedback rule was broken (`feedback.not_found`, `feedback.already_scored`, …). */
/** Why an answer about a visit is refused. */
export type FeedbackErrorCode = 'feedback.not_found' | 'feedback.not_completed' | 'feedback.invalid_score';

const FEEDBACK_KINDS: Readonly<Record<FeedbackErrorCode, ErrorKind>> = {
  'feedback.not_found': 'not_found',
  'feedback.not_completed': 'conflict',
  'feedback.invalid_score': 'invalid',
};

/** A refusal of the feedback module. */
export class FeedbackError extends refusalClass<FeedbackErrorCode>('FeedbackError', FEEDBACK_KINDS) {}

/** Settings under `settings.feedback`. */
export const feedbackSettingsSchema = z
  .object({
    /** Scores at or below this alert the staff chat (NPS detractors are 0–6). */
    alertAtOrBelow: z.number().int().min(0).max(10).default(6),
    /** How long after the visit is marked completed the question is sent. */
    delayMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  })
  .prefault({});

/** Validated feedback settings. */
export type FeedbackSettings = z.infer<typeof feedbackSettingsSchema>;

/** Callback data of a score button. */
export function scoreData(appointmentId: number, score: number): string {
  return `fb:s:${appointmentId}:${score}`;
}

/** Dependencies of the feedback service. */
export interface FeedbackServiceDeps {
  db: Db;
  now(): number;
  /** The business time zone now (the owner may change it while Lavka runs). */
  timeZone(): string;
  settings: FeedbackSettings;
  i18n: Translator;
  booking: BookingService;
  /** The patient's name for staff alerts; never called inside a transaction. */
  patientName(userId: number): Promise<string | undefined>;
  /** Chats that receive staff alerts, each with the language it reads in; never called inside a transaction. */
  staffChats(): Promise<readonly { chatId: number; locale: Locale }[]>;
  /** Where `feedback.received` is published (for webhooks); absent in tests that need none. */
  events?: Events;
  /** Where else scores are recorded (the clinic's ERP); default: nowhere. */
  backend?: FeedbackBackend;
}

/**
 * Net Promoter Score after a completed visit: the question (0–10) goes out through the
 * outbox when staff mark the visit completed; a score is recorded once per visit, with an
 * optional comment; low scores alert the staff chat.
 */
export function createFeedbackService(deps: FeedbackServiceDeps) {
  const repository = createFeedbackRepository(deps.db);
  const backend = deps.backend ?? localFeedbackBackend;

  const ownCompleted = async (appointmentId: number, patientId: number): Promise<AppointmentRecord> => {
    const appointment = await deps.booking.get(appointmentId);
    if (!appointment || appointment.patient_id !== patientId) throw new FeedbackError('feedback.not_found', 'no such visit');
    if (appointment.status !== 'completed') throw new FeedbackError('feedback.not_completed', 'the visit is not completed');
    return appointment;
  };

  const alertText = async (appointment: AppointmentRecord, feedback: FeedbackRecord, locale: Locale) => {
    const view = await deps.booking.describe(appointment, locale);
    return deps.i18n.t(locale, feedback.comment ? 'feedback-staff-alert-comment' : 'feedback-staff-alert', {
      score: feedback.score,
      patient: (await deps.patientName(appointment.patient_id)) ?? `#${appointment.patient_id}`,
      id: appointment.id,
      service: view.serviceTitle,
      doctor: view.doctorName,
      branch: view.branchTitle,
      time: formatVisitTime(appointment.starts_at, locale, deps.timeZone()),
      comment: feedback.comment ?? '',
    });
  };

  /** The alert for every staff chat, each in its own language, keyed so that it goes out once. */
  const staffAlerts = async (appointment: AppointmentRecord, feedback: FeedbackRecord, key: string): Promise<OutboxMessage[]> => {
    const texts = new Map<Locale, string>();
    const messages: OutboxMessage[] = [];
    for (const { chatId, locale } of await deps.staffChats()) {
      let text = texts.get(locale);
      if (text === undefined) {
        text = await alertText(appointment, feedback, locale);
        texts.set(locale, text);
      }
      messages.push({ chatId, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `${key}:staff:${chatId}` });
    }
    return messages;
  };

  return {
    /** Queues the question for a visit just marked completed (inside that transaction). */
    async askAfterVisit(trx: Transaction<Database>, appointment: AppointmentRecord, locale: Locale): Promise<void> {
      const view = await deps.booking.describe(appointment, locale, trx);
      const row = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => ({ text: String(from + index), callback_data: scoreData(appointment.id, from + index) }));
      const nowMs = deps.now();
      await enqueueOutbox(
        trx,
        {
          chatId: appointment.patient_id,
          method: 'sendMessage',
          payload: {
            text: deps.i18n.t(locale, 'feedback-question', { service: view.serviceTitle, doctor: view.doctorName }),
            reply_markup: { inline_keyboard: [row(0, 5), row(6, 10)] },
          },
          priority: 'normal',
          notBefore: nowMs + deps.settings.delayMinutes * 60_000,
          dedupeKey: `feedback:ask:${appointment.id}`,
        },
        nowMs,
      );
    },

    /**
     * Records a score once per visit. A second press returns the first answer with
     * `created: false`. A low score alerts the staff in the same transaction.
     */
    async score(appointmentId: number, patientId: number, score: number): Promise<{ feedback: FeedbackRecord; created: boolean }> {
      if (!Number.isInteger(score) || score < 0 || score > 10) throw new FeedbackError('feedback.invalid_score', 'scores are 0–10');
      const appointment = await ownCompleted(appointmentId, patientId);
      const existing = await repository.findByAppointment(appointmentId);
      if (existing) return { feedback: existing, created: false };
      const alert = score <= deps.settings.alertAtOrBelow;
      // Rendered before the transaction: it reads names through other handles.
      const draft: FeedbackRecord = { id: 0, appointment_id: appointmentId, patient_id: patientId, score, comment: null, created_at: deps.now(), updated_at: deps.now() };
      const alerts = alert ? await staffAlerts(appointment, draft, `feedback:${appointmentId}:alert`) : undefined;
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const feedback = await createFeedbackRepository(trx).insert({ appointment_id: appointmentId, patient_id: patientId, score, comment: null, created_at: nowMs, updated_at: nowMs });
        if (!feedback) return { feedback: (await createFeedbackRepository(trx).findByAppointment(appointmentId)) as FeedbackRecord, created: false };
        if (alerts) await enqueueOutbox(trx, alerts, nowMs);
        await backend.scored(trx, appointment, feedback);
        await deps.events?.publish(trx, {
          type: 'feedback.received',
          resource: { type: 'feedback', id: feedback.id },
          data: { feedback: { object: 'feedback', id: feedback.id, appointment_id: feedback.appointment_id, patient_id: feedback.patient_id, score: feedback.score, created_at: new Date(feedback.created_at).toISOString() } },
        });
        return { feedback, created: true };
      });
    },

    /** Adds the optional comment (once); a low score's comment goes to the staff too. */
    async comment(appointmentId: number, patientId: number, text: string): Promise<FeedbackRecord | undefined> {
      const appointment = await ownCompleted(appointmentId, patientId);
      const comment = text.trim().slice(0, 1000);
      if (!comment) return undefined;
      const current = await repository.findByAppointment(appointmentId);
      if (!current || current.comment !== null) return undefined;
      const alerts = current.score <= deps.settings.alertAtOrBelow ? await staffAlerts(appointment, { ...current, comment }, `feedback:${appointmentId}:comment`) : undefined;
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const updated = await createFeedbackRepository(trx).setComment(appointmentId, comment, nowMs);
        if (updated && alerts) await enqueueOutbox(trx, alerts, nowMs);
        if (updated) await backend.commented(trx, appointment, updated);
        return updated;
      });
    },

    get: repository.findByAppointment,
    list: (sinceMs = 0, limit = 200) => repository.list(sinceMs, limit),

    /** NPS since a moment: % promoters (9–10) minus % detractors (0–6), with the counts. */
    async summary(sinceMs = 0): Promise<{ responses: number; promoters: number; passives: number; detractors: number; nps: number | null }> {
      const scores = await repository.scoresSince(sinceMs);
      const promoters = scores.filter((score) => score >= 9).length;
      const detractors = scores.filter((score) => score <= 6).length;
      const responses = scores.length;
      return {
        responses,
        promoters,
        passives: responses - promoters - detractors,
        detractors,
        nps: responses === 0 ? null : Math.round(((promoters - detractors) / responses) * 100),
      };
    },
  };
}

/** The feedback service's shape. */
export type FeedbackService = ReturnType<typeof createFeedbackService>;
