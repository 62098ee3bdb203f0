import { randomUUID } from 'node:crypto';
import type { Locale } from '../../config/business.ts';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { JobHandler } from '../../delivery/scheduler.ts';
import { createBookingRepository } from './booking.repository.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import { localDateOf } from './slots.ts';
import type { VisitRequest } from './connectors/booking.backend.ts';
import { BookingError, claimCells, type ReminderPayload, type BookingActor, type BookingCore } from './booking.core.ts';

/** Appointments: booking a visit, confirming attendance, marking visits done or missed, payments for visits and reminders. */
export function createBookingAppointments(core: BookingCore) {
  const { deps, repository, backend, timeZone, candidateDoctors, slotsByDoctor, activeService, describe, patientContext, notifyStaff, scheduleReminders, cancelReminders, runHooks, alternativesFor, ownBooked } = core;
  /**
   * Tells the keeper of the schedule of a new visit (nothing to tell when it is Lavka). The
   * ERP is sent one idempotency key per visit, kept until Lavka's record is written: a retry
   * after a lost answer finds the same appointment there.
   */
  const bookWithBackend = async (visit: Omit<VisitRequest, 'key'>): Promise<{ externalId: string | null; key?: string } | 'taken'> => {
    if (backend.claimsLocally) return { externalId: null };
    const key = await repository.pendingVisitKey({ patientId: visit.patientId, doctorId: visit.doctor.id, startsAt: visit.startMs }, `lavka-visit-${randomUUID()}`, deps.now());
    try {
      return { ...(await backend.book({ ...visit, key })), key };
    } catch (error) {
      // A refusal means nothing was booked there; anything else (no answer) may have been.
      if (error instanceof BookingError) await repository.dropPendingVisit(key);
      if (error instanceof BookingError && error.code === 'booking.slot_taken') return 'taken';
      throw error;
    }
  };

  const useCases = {
    /**
     * Books a visit. The start must be a slot of the doctor's schedule; whether it is still
     * free is decided by the database: the claim rows' primary key lets one booking of a
     * time through and refuses the rest with `booking.slot_taken`, whose `alternatives` are
     * the nearest free starts. With no doctor chosen, each free doctor is tried in turn. The
     * business's own id of the visit (`externalId`) is unique: a taken one is
     * `booking.external_id_taken`, and nothing is booked.
     */
    async book(input: { patientId: number; branchId: number; serviceId: number; doctorId?: number; startMs: number; locale: Locale; externalId?: string | undefined }): Promise<AppointmentRecord> {
      const patientName = await deps.patientName(input.patientId);
      if (!patientName) throw new BookingError('booking.not_registered', 'register as a patient first');
      const externalIdTaken = async () => input.externalId !== undefined && (await repository.idOfExternal('booking_appointments', input.externalId)) !== undefined;
      const refuseTakenExternalId = () => new BookingError('booking.external_id_taken', 'Another appointment already has this external id.', { externalId: input.externalId });
      if (await externalIdTaken()) throw refuseTakenExternalId();
      const found = await activeService(input.serviceId);
      const doctors = await candidateDoctors(input.branchId, input.serviceId, input.doctorId);
      if (doctors.length === 0) throw new BookingError('booking.unknown_doctor', 'no such doctor for this service at this branch');
      const date = localDateOf(input.startMs, timeZone());
      // Schedule validity only: whether the time is still free is for the database to say.
      const scheduled = await slotsByDoctor(doctors, found, date, date, false);
      const candidates = doctors.filter((doctor) => scheduled.get(doctor.id)?.some((slot) => slot.startMs === input.startMs));
      if (candidates.length === 0) {
        throw new BookingError('booking.slot_unavailable', 'not a bookable time', { alternatives: await alternativesFor(input.branchId, found, input.doctorId, input.startMs) });
      }
      const endMs = input.startMs + found.duration_minutes * 60_000;
      const branch = await repository.findBranch(input.branchId);
      if (!branch) throw new BookingError('booking.unknown_branch', `no branch ${input.branchId}`);
      for (const doctor of candidates) {
        // The clinic's ERP, when it keeps the schedule, books first; Lavka's record follows its answer.
        const remote = await bookWithBackend({ patientId: input.patientId, branch, service: found, doctor, startMs: input.startMs });
        if (remote === 'taken') continue;
        try {
          return await deps.db.transaction().execute(async (trx) => {
            const scoped = createBookingRepository(trx);
            const nowMs = deps.now();
            const appointment = await scoped.insertAppointment({
              patient_id: input.patientId,
              branch_id: input.branchId,
              service_id: found.id,
              doctor_id: doctor.id,
              starts_at: input.startMs,
              ends_at: endMs,
              status: 'booked',
              price_minor: found.price_minor,
              currency: found.currency,
              paid_minor: 0,
              confirmed_at: null,
              locale: input.locale,
              reschedule_count: 0,
              cancelled_by: null,
              cancelled_at: null,
              completed_at: null,
              external_id: remote.externalId ?? input.externalId ?? null,
              created_at: nowMs,
              updated_at: nowMs,
            });
            if (backend.claimsLocally) await scoped.claim(doctor.id, claimCells(input.startMs, endMs), appointment.id);
            if (remote.key) await scoped.dropPendingVisit(remote.key);
            await scheduleReminders(trx, appointment);
            await notifyStaff(trx, 'booked', appointment, patientName, `booking:${appointment.id}:booked`);
            await runHooks(trx, 'booked', appointment, { type: 'patient', id: input.patientId }, input.locale);
            return appointment;
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          // Either the time (the claim rows) or the id (another request booked with it meanwhile) was taken.
          if (await externalIdTaken()) throw refuseTakenExternalId();
        }
      }
      throw new BookingError('booking.slot_taken', 'someone booked this time first', {
        alternatives: await alternativesFor(input.branchId, found, input.doctorId, input.startMs),
      });
    },

    /** The patient answered "I'll come": recorded once, and the staff are told. */
    async confirmAttendance(appointmentId: number, patientId: number): Promise<{ appointment: AppointmentRecord; first: boolean }> {
      const appointment = await ownBooked(appointmentId, { type: 'patient', id: patientId });
      if (appointment.starts_at <= deps.now()) throw new BookingError('booking.not_active', 'the visit has started');
      if (appointment.confirmed_at !== null) return { appointment, first: false };
      const patient = await patientContext(patientId);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const confirmed = await createBookingRepository(trx).updateAppointment(appointment.id, ['booked'], { confirmed_at: nowMs, updated_at: nowMs });
        if (!confirmed) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await notifyStaff(trx, 'confirmed', confirmed, patient.name, `booking:${appointment.id}:confirmed:${appointment.starts_at}`);
        return { appointment: confirmed, first: true };
      });
    },

    /** Staff mark a visit as done (`completed`) or missed (`no_show`). */
    async markVisit(appointmentId: number, outcome: 'completed' | 'no_show', actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      const patient = await patientContext(appointment.patient_id);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const done = await createBookingRepository(trx).updateAppointment(appointment.id, ['booked'], { status: outcome, completed_at: nowMs, updated_at: nowMs });
        if (!done) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await cancelReminders(trx, appointment.id);
        await runHooks(trx, outcome, done, actor, patient.locale);
        return done;
      });
    },

    /**
     * Records a payment for a visit inside the payments module's settlement transaction. A
     * payment in another currency (Telegram Stars) settles what was due; more than the price
     * is never recorded.
     */
    async recordPayment(trx: DbExecutor, appointmentId: number, paid: { amountMinor: number; currency: string }): Promise<AppointmentRecord | undefined> {
      const scoped = createBookingRepository(trx);
      const appointment = await scoped.findAppointment(appointmentId);
      if (!appointment) return undefined;
      const amount = paid.currency === appointment.currency ? paid.amountMinor : appointment.price_minor - appointment.paid_minor;
      return scoped.updateAppointment(appointment.id, ['booked', 'completed', 'no_show', 'cancelled'], {
        paid_minor: Math.min(appointment.price_minor, appointment.paid_minor + Math.max(0, amount)),
        updated_at: deps.now(),
      });
    },

    /** Runs a due reminder: only for a still-booked visit at the time it was scheduled for, once. */
    reminderHandler: (async (payload) => {
      const { appointmentId, offsetMinutes, startsAt } = payload as ReminderPayload;
      const appointment = await repository.findAppointment(appointmentId);
      if (!appointment || appointment.status !== 'booked' || appointment.starts_at !== startsAt || deps.now() >= startsAt) return;
      const locale = await deps.localeOf(appointment.patient_id);
      const message = deps.messages.reminder(await describe(appointment, locale), locale);
      // The key names the visit's start: a handler run twice (a crash before it was marked done) sends once.
      await enqueueOutbox(deps.db, { ...message, chatId: appointment.patient_id, dedupeKey: `booking:reminder:${appointmentId}:${offsetMinutes}:${startsAt}` }, deps.now());
    }) satisfies JobHandler,
  };
  return useCases;
}
