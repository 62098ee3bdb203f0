import { isUniqueViolation } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createBookingRepository } from './booking.repository.ts';
import type { AppointmentRecord, ServiceRecord } from './booking.tables.ts';
import { localDateOf, type Slot } from './slots.ts';
import { BookingError, claimCells, type BookingActor, type BookingCore } from './booking.core.ts';

/** How a change came about. */
export interface ChangeOptions {
  /**
   * The clinic's ERP made it (its change feed, or a repair): it is recorded and the patient
   * told, without asking the ERP again or holding the patient's cut-off against it.
   */
  fromBackend?: boolean;
}

/** Changing a booked visit: moving it to another time with the same doctor, and cancelling it. */
export function createBookingMoves(core: BookingCore) {
  const { deps, repository, backend, timeZone, slotsByDoctor, describe, patientContext, notifyStaff, scheduleReminders, cancelReminders, runHooks, alternativesFor, ownBooked, checkCutoff } = core;
  return {
    /**
     * Moves a booked visit to another start with the same doctor. The old time is freed and
     * the new one claimed in one transaction: if the new time is taken, nothing changes.
     */
    async reschedule(appointmentId: number, newStartMs: number, actor: BookingActor, options: ChangeOptions = {}): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      if (!options.fromBackend) checkCutoff(appointment, actor);
      const found = (await repository.findService(appointment.service_id)) as ServiceRecord;
      const doctor = await repository.findDoctor(appointment.doctor_id);
      const date = localDateOf(newStartMs, timeZone());
      const scheduled = doctor && !options.fromBackend ? await slotsByDoctor([doctor], found, date, date, false) : new Map<number, Slot[]>();
      const durationMs = appointment.ends_at - appointment.starts_at;
      const patient = await patientContext(appointment.patient_id);
      // What the ERP did is a fact to record, not a request to check against its own schedule.
      if (!options.fromBackend && (newStartMs === appointment.starts_at || !scheduled.get(appointment.doctor_id)?.some((slot) => slot.startMs === newStartMs))) {
        throw new BookingError('booking.slot_unavailable', 'not a bookable time', {
          alternatives: await alternativesFor(appointment.branch_id, found, appointment.doctor_id, newStartMs),
        });
      }
      if (!options.fromBackend) await backend.reschedule(appointment, newStartMs, `lavka-move-${appointment.id}-${appointment.reschedule_count + 1}`);
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
          if (backend.claimsLocally) {
            await scoped.releaseClaims(appointment.id);
            await scoped.claim(appointment.doctor_id, claimCells(newStartMs, newStartMs + durationMs), appointment.id);
          }
          await scheduleReminders(trx, moved);
          await notifyStaff(trx, 'rescheduled', moved, patient.name, `booking:${appointment.id}:moved:${moved.reschedule_count}`, appointment.starts_at);
          if (options.fromBackend) {
            // Moved in the clinic's system: the patient hears it from the bot, once per move.
            const text = deps.messages.patientMovedByClinic(await describe(moved, patient.locale, trx), appointment.starts_at, patient.locale);
            await enqueueOutbox(trx, { chatId: appointment.patient_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `booking:${appointment.id}:moved:${moved.reschedule_count}:patient` }, nowMs);
          }
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
    async cancel(appointmentId: number, actor: BookingActor, options: ChangeOptions = {}): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      if (!options.fromBackend) checkCutoff(appointment, actor);
      const patient = await patientContext(appointment.patient_id);
      if (!options.fromBackend) await backend.cancel(appointment, `lavka-cancel-${appointment.id}`);
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
        if (backend.claimsLocally) await scoped.releaseClaims(appointment.id);
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
  };
}
