import type { Locale } from '../../config/business.ts';
import { type DbExecutor } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { cancelJob, scheduleJob } from '../../delivery/scheduler.ts';
import { createBookingRepository } from './booking.repository.ts';
import { pickLocalised } from './booking.settings.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import { REMINDER_JOB, reminderKey, type AppointmentView, type BookingServiceDeps, type ReminderPayload } from './booking.shared.ts';

/**
 * Telling people about an appointment: its view with names in one language, the staff
 * notices through the outbox, and scheduling or cancelling its reminders.
 */
export function createBookingNotices(deps: BookingServiceDeps) {
  const { settings } = deps;

  const describe = async (appointment: AppointmentRecord, locale: Locale, executor: DbExecutor = deps.db): Promise<AppointmentView> => {
    const scoped = createBookingRepository(executor);
    const [branch, service, doctor] = await Promise.all([
      scoped.findBranch(appointment.branch_id),
      scoped.findService(appointment.service_id),
      scoped.findDoctor(appointment.doctor_id),
    ]);
    return {
      ...appointment,
      branchTitle: branch ? pickLocalised(branch.title, locale) : '—',
      branchAddress: branch ? pickLocalised(branch.address, locale) : '',
      serviceTitle: service ? pickLocalised(service.title, locale) : '—',
      doctorName: doctor ? pickLocalised(doctor.name, locale) : '—',
      doctorSpecialty: doctor ? pickLocalised(doctor.specialty, locale) : '',
    };
  };

  const notifyStaff = async (
    trx: DbExecutor,
    event: 'booked' | 'rescheduled' | 'cancelled' | 'confirmed',
    appointment: AppointmentRecord,
    patientName: string,
    key: string,
    previousStartMs?: number,
  ) => {
    // Each staff chat reads the notice in its own language; each language is written once.
    const texts = new Map<Locale, string>();
    const messages: OutboxMessage[] = [];
    for (const { chatId, locale } of await deps.staffChats(trx)) {
      let text = texts.get(locale);
      if (text === undefined) {
        text = deps.messages.staffNotice(event, await describe(appointment, locale, trx), patientName, locale, previousStartMs);
        texts.set(locale, text);
      }
      messages.push({ chatId, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `${key}:staff:${chatId}` });
    }
    await enqueueOutbox(trx, messages, deps.now());
  };

  /** Schedules (or replaces) the reminders of an appointment; reminders already due are dropped. */
  const scheduleReminders = async (trx: DbExecutor, appointment: AppointmentRecord) => {
    const nowMs = deps.now();
    for (const offsetMinutes of settings.reminderOffsetsMinutes) {
      const runAt = appointment.starts_at - offsetMinutes * 60_000;
      const dedupeKey = reminderKey(appointment.id, offsetMinutes);
      if (runAt <= nowMs) {
        await cancelJob(trx, dedupeKey, nowMs);
        continue;
      }
      const payload: ReminderPayload = { appointmentId: appointment.id, offsetMinutes, startsAt: appointment.starts_at };
      await scheduleJob(trx, { kind: REMINDER_JOB, payload, runAt, dedupeKey }, nowMs);
    }
  };

  const cancelReminders = async (trx: DbExecutor, appointmentId: number) => {
    for (const offsetMinutes of settings.reminderOffsetsMinutes) await cancelJob(trx, reminderKey(appointmentId, offsetMinutes), deps.now());
  };

  return { describe, notifyStaff, scheduleReminders, cancelReminders };
}
