import type { Transaction } from 'kysely';
import type { Locale } from '../../config/business.ts';
import type { Database } from '../../db/schema.ts';
import { createBookingRepository } from './booking.repository.ts';
import type { AppointmentRecord, ServiceRecord } from './booking.tables.ts';
import { localDateOf } from './slots.ts';
import { apiAppointment } from './booking.api.view.ts';
import { createBookingFreeSlots } from './booking.free-slots.ts';
import { createBookingNotices } from './booking.notices.ts';
import { createLocalBookingBackend, rulesByDoctor } from './connectors/booking.backend.ts';
import { BookingError, type AppointmentEvent, type AppointmentHook, type BookingActor, type BookingServiceDeps } from './booking.shared.ts';

export {
  BOOKING_KINDS,
  BookingError,
  CLAIM_CELL_MS,
  REMINDER_JOB,
  bookingDemoSchema,
  branchInputSchema,
  claimCells,
  clock,
  doctorInputSchema,
  exceptionInputSchema,
  isoDate,
  rangeSchema,
  reminderKey,
  scheduleInputSchema,
  serviceInputSchema,
  type AppointmentEvent,
  type AppointmentHook,
  type AppointmentView,
  type BookingActor,
  type BookingErrorCode,
  type BookingMessages,
  type BookingServiceDeps,
  type FreeSlot,
  type ReminderPayload,
} from './booking.shared.ts';

/** The changes of an appointment the business's other systems hear about. */
const WEBHOOK_EVENTS: Partial<Record<AppointmentEvent, 'booking.created' | 'booking.rescheduled' | 'booking.cancelled'>> = {
  booked: 'booking.created',
  rescheduled: 'booking.rescheduled',
  cancelled: 'booking.cancelled',
};

/** What every booking use case shares: the repository, the clock, slots and hooks. */
export function createBookingCore(deps: BookingServiceDeps) {
  const repository = createBookingRepository(deps.db);
  const { settings } = deps;
  const timeZone = () => deps.timeZone();
  const hooks: AppointmentHook[] = [];

  const today = () => localDateOf(deps.now(), timeZone());
  // Lavka keeps the schedule unless the clinic's ERP does (connectors.clinic).
  const backend = deps.backend ?? createLocalBookingBackend({ repository, timeZone, now: deps.now, settings });
  const { candidateDoctors, slotsByDoctor, mergeSlots, alternativesFor } = createBookingFreeSlots(deps, repository, backend, today, timeZone);
  const { describe, notifyStaff, scheduleReminders, cancelReminders } = createBookingNotices(deps);

  const activeService = async (serviceId: number): Promise<ServiceRecord> => {
    const found = await repository.findService(serviceId);
    if (!found || found.is_active !== 1) throw new BookingError('booking.unknown_service', `no active service ${serviceId}`);
    return found;
  };

  /** Who the patient is and what language they read, fetched before a transaction opens. */
  const patientContext = async (patientId: number) => ({
    name: (await deps.patientName(patientId)) ?? `#${patientId}`,
    locale: await deps.localeOf(patientId),
  });

  const runHooks = async (trx: Transaction<Database>, event: AppointmentEvent, appointment: AppointmentRecord, actor: BookingActor, locale: Locale) => {
    for (const hook of hooks) await hook(trx, { event, appointment, actor, locale });
    const published = WEBHOOK_EVENTS[event];
    if (published) await deps.events.publish(trx, { type: published, resource: { type: 'appointment', id: appointment.id }, data: { appointment: apiAppointment(appointment), actor } });
  };

  const ownBooked = async (appointmentId: number, actor: BookingActor): Promise<AppointmentRecord> => {
    const appointment = await repository.findAppointment(appointmentId);
    if (!appointment || (actor.type === 'patient' && appointment.patient_id !== actor.id)) {
      throw new BookingError('booking.not_found', `no appointment ${appointmentId}`);
    }
    if (appointment.status !== 'booked') throw new BookingError('booking.not_active', `appointment ${appointmentId} is ${appointment.status}`, { status: appointment.status });
    return appointment;
  };

  const checkCutoff = (appointment: AppointmentRecord, actor: BookingActor) => {
    if (actor.type !== 'patient') return;
    const cutoffMs = appointment.starts_at - settings.cancelCutoffMinutes * 60_000;
    if (deps.now() >= cutoffMs) throw new BookingError('booking.too_late', 'too close to the visit to change it online', { cutoffMinutes: settings.cancelCutoffMinutes });
  };

  return { deps, repository, backend, settings, timeZone, hooks, today, rulesByDoctor, candidateDoctors, slotsByDoctor, mergeSlots, activeService, describe, patientContext, notifyStaff, scheduleReminders, cancelReminders, runHooks, alternativesFor, ownBooked, checkCutoff };
}

/** What the booking use cases share. */
export type BookingCore = ReturnType<typeof createBookingCore>;
