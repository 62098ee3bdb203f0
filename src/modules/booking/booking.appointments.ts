import type { Locale } from '../../config/business.ts';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import type { JobHandler } from '../../delivery/scheduler.ts';
import { createBookingRepository, type AppointmentFilter } from './booking.repository.ts';
import { pickLocalised } from './booking.settings.ts';
import type { AppointmentRecord, ServiceRecord } from './booking.tables.ts';
import { addDays, localDateOf, localToEpochMs, workingIntervals, type Slot } from './slots.ts';
import { BookingError, claimCells, type ReminderPayload, type BookingActor, type BookingCore } from './booking.core.ts';

/** Appointments: booking, moving, cancelling, confirming attendance and marking visits, the calendar, balances and reminders. */
export function createBookingAppointments(core: BookingCore) {
  const { deps, repository, timeZone, rulesByDoctor, candidateDoctors, slotsByDoctor, activeService, describe, patientContext, notifyStaff, scheduleReminders, cancelReminders, runHooks, alternativesFor, ownBooked, checkCutoff } = core;
  const useCases = {
    /**
     * Books a visit. The start must be a slot of the doctor's schedule; whether it is still
     * free is decided by the database: the claim rows' primary key lets one booking of a
     * time through and refuses the rest with `booking.slot_taken`, whose `alternatives` are
     * the nearest free starts. With no doctor chosen, each free doctor is tried in turn.
     */
    async book(input: { patientId: number; branchId: number; serviceId: number; doctorId?: number; startMs: number; locale: Locale }): Promise<AppointmentRecord> {
      const patientName = await deps.patientName(input.patientId);
      if (!patientName) throw new BookingError('booking.not_registered', 'register as a patient first');
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
      for (const doctor of candidates) {
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
              created_at: nowMs,
              updated_at: nowMs,
            });
            await scoped.claim(doctor.id, claimCells(input.startMs, endMs), appointment.id);
            await scheduleReminders(trx, appointment);
            await notifyStaff(trx, 'booked', appointment, patientName, `booking:${appointment.id}:booked`);
            await runHooks(trx, 'booked', appointment, { type: 'patient', id: input.patientId }, input.locale);
            return appointment;
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      throw new BookingError('booking.slot_taken', 'someone booked this time first', {
        alternatives: await alternativesFor(input.branchId, found, input.doctorId, input.startMs),
      });
    },

    /**
     * Moves a booked visit to another start with the same doctor. The old time is freed and
     * the new one claimed in one transaction: if the new time is taken, nothing changes.
     */
    async reschedule(appointmentId: number, newStartMs: number, actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      checkCutoff(appointment, actor);
      const found = (await repository.findService(appointment.service_id)) as ServiceRecord;
      const doctor = await repository.findDoctor(appointment.doctor_id);
      const date = localDateOf(newStartMs, timeZone());
      const scheduled = doctor ? await slotsByDoctor([doctor], found, date, date, false) : new Map<number, Slot[]>();
      const durationMs = appointment.ends_at - appointment.starts_at;
      const patient = await patientContext(appointment.patient_id);
      if (newStartMs === appointment.starts_at || !scheduled.get(appointment.doctor_id)?.some((slot) => slot.startMs === newStartMs)) {
        throw new BookingError('booking.slot_unavailable', 'not a bookable time', {
          alternatives: await alternativesFor(appointment.branch_id, found, appointment.doctor_id, newStartMs),
        });
      }
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const scoped = createBookingRepository(trx);
          const nowMs = deps.now();
          const moved = await scoped.updateAppointment(appointment.id, ['booked'], {
            starts_at: newStartMs,
            ends_at: newStartMs + durationMs,
            confirmed_at: null,
            reschedule_count: appointment.reschedule_count + 1,
            updated_at: nowMs,
          });
          if (!moved) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
          await scoped.releaseClaims(appointment.id);
          await scoped.claim(appointment.doctor_id, claimCells(newStartMs, newStartMs + durationMs), appointment.id);
          await scheduleReminders(trx, moved);
          await notifyStaff(trx, 'rescheduled', moved, patient.name, `booking:${appointment.id}:moved:${moved.reschedule_count}`, appointment.starts_at);
          await runHooks(trx, 'rescheduled', moved, actor, patient.locale);
          return moved;
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new BookingError('booking.slot_taken', 'someone booked this time first', {
          alternatives: await alternativesFor(appointment.branch_id, found, appointment.doctor_id, newStartMs),
        });
      }
    },

    /** Cancels a booked visit and frees its time; patients only until the cut-off. */
    async cancel(appointmentId: number, actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      checkCutoff(appointment, actor);
      const patient = await patientContext(appointment.patient_id);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const nowMs = deps.now();
        const cancelled = await scoped.updateAppointment(appointment.id, ['booked'], {
          status: 'cancelled',
          cancelled_by: actor.type === 'patient' ? 'patient' : actor.type === 'staff' ? `staff${actor.id !== undefined ? `:${actor.id}` : ''}` : 'system',
          cancelled_at: nowMs,
          updated_at: nowMs,
        });
        if (!cancelled) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await scoped.releaseClaims(appointment.id);
        await cancelReminders(trx, appointment.id);
        if (actor.type === 'patient') {
          await notifyStaff(trx, 'cancelled', cancelled, patient.name, `booking:${appointment.id}:cancelled`);
        } else {
          const text = deps.messages.patientCancelledByClinic(await describe(cancelled, patient.locale, trx), patient.locale);
          await enqueueOutbox(trx, { chatId: appointment.patient_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `booking:${appointment.id}:cancelled:patient` }, nowMs);
        }
        await runHooks(trx, 'cancelled', cancelled, actor, patient.locale);
        return cancelled;
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

    get: repository.findAppointment,

    /** A patient's upcoming (soonest first) or past (latest first) appointments. */
    async listForPatient(patientId: number, which: 'upcoming' | 'past', limit = 20): Promise<AppointmentRecord[]> {
      const nowMs = deps.now();
      if (which === 'upcoming') return repository.listAppointments({ patientId, fromMs: nowMs, statuses: ['booked'] }, 'asc', limit);
      const past = await repository.listAppointments({ patientId }, 'desc', limit * 2);
      return past.filter((item) => item.status !== 'booked' || item.starts_at < nowMs).slice(0, limit);
    },

    list: (filter: AppointmentFilter, order: 'asc' | 'desc' = 'asc', limit = 500) => repository.listAppointments(filter, order, limit),

    /** Appointments and working hours per day for the staff calendar (a day or a week). */
    async calendar(query: { branchId?: number; doctorId?: number; fromDate: string; days: number; locale: Locale }) {
      const doctors = (await repository.listDoctors({ branchId: query.branchId, activeOnly: false })).filter((doctor) => query.doctorId === undefined || doctor.id === query.doctorId);
      const ids = doctors.map((doctor) => doctor.id);
      const toDate = addDays(query.fromDate, query.days - 1);
      const rules = rulesByDoctor(await repository.rulesOf(ids));
      const exceptions = await repository.exceptionsOf(ids, query.fromDate, toDate);
      // Staff read a calendar by who comes for what: names and service titles come along.
      const serviceTitles = new Map((await repository.listServices(false)).map((row) => [row.id, pickLocalised(row.title, query.locale)]));
      const patientNames = new Map<number, string>();
      const withNames = async (appointments: readonly AppointmentRecord[]) => {
        for (const item of appointments) if (!patientNames.has(item.patient_id)) patientNames.set(item.patient_id, (await deps.patientName(item.patient_id)) ?? `#${item.patient_id}`);
        return appointments.map((item) => ({ ...item, patientName: patientNames.get(item.patient_id) as string, serviceTitle: serviceTitles.get(item.service_id) ?? '—' }));
      };
      const days = [];
      for (let date = query.fromDate; date <= toDate; date = addDays(date, 1)) {
        // Local midnight to the next local midnight: a DST day is 23 or 25 hours long.
        const fromMs = localToEpochMs(date, 0, timeZone());
        const toMs = localToEpochMs(date, 1440, timeZone());
        const appointments = await withNames(await repository.listAppointments({ branchId: query.branchId, doctorId: query.doctorId, fromMs, toMs }, 'asc', 1000));
        days.push({
          date,
          doctors: doctors.map((doctor) => ({
            id: doctor.id,
            name: pickLocalised(doctor.name, query.locale),
            working: workingIntervals(
              date,
              rules.get(doctor.id) ?? [],
              exceptions.filter((item) => item.doctor_id === doctor.id).map((item) => ({ date: item.date, kind: item.kind, start: item.start_time ?? undefined, end: item.end_time ?? undefined })),
              timeZone(),
            ),
            appointments: appointments.filter((item) => item.doctor_id === doctor.id),
          })),
        });
      }
      return { timeZone: timeZone(), days };
    },

    /** What the patient has paid, what completed visits cost, and the difference (positive: credit). */
    async balanceOf(patientId: number): Promise<{ currency: string; paidMinor: number; chargedMinor: number; balanceMinor: number; dueMinor: number }[]> {
      const rows = await repository.balanceRows(patientId);
      const unpaid = await repository.listAppointments({ patientId, statuses: ['booked', 'completed'] }, 'asc', 1000);
      return rows.map((row) => ({
        currency: row.currency,
        paidMinor: row.paid,
        chargedMinor: row.charged,
        balanceMinor: row.paid - row.charged,
        dueMinor: unpaid.filter((item) => item.currency === row.currency).reduce((sum, item) => sum + Math.max(0, item.price_minor - item.paid_minor), 0),
      }));
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
