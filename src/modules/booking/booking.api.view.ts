import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import type { AppointmentRecord, BranchRecord, DoctorRecord, DoctorScheduleDay, ServiceRecord } from './booking.tables.ts';
import { pickLocalised } from './booking.settings.ts';
import { isoTime } from '../../platform/api-values.ts';

/** A stored text in every language the business speaks. */
function texts(stored: string): Record<Locale, string> {
  return Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, pickLocalised(stored, locale)])) as Record<Locale, string>;
}

const localised = z.record(z.string(), z.string()).describe('The text in ru, kk and en');
const externalId = (resource: string) => z.string().nullable().describe(`The ${resource}'s id in your system (PATCH sets it)`);

/** A branch as the integration API shows it. */
export const branchView = z.object({ object: z.literal('branch'), id: z.number(), external_id: externalId('branch'), title: localised, address: localised, phone: z.string().nullable() });

/** A branch as the integration API shows it. */
export function apiBranch(branch: BranchRecord): z.infer<typeof branchView> {
  return { object: 'branch', id: branch.id, external_id: branch.external_id, title: texts(branch.title), address: texts(branch.address), phone: branch.phone };
}

/** A service as the integration API shows it. */
export const serviceView = z.object({
  object: z.literal('service'),
  id: z.number(),
  external_id: externalId('service'),
  title: localised,
  duration_minutes: z.number(),
  price_minor: z.number(),
  currency: z.string(),
});

/** A service as the integration API shows it. */
export function apiService(service: ServiceRecord): z.infer<typeof serviceView> {
  return {
    object: 'service',
    id: service.id,
    external_id: service.external_id,
    title: texts(service.title),
    duration_minutes: service.duration_minutes,
    price_minor: service.price_minor,
    currency: service.currency,
  };
}

/** A doctor as the integration API shows it. */
export const doctorView = z.object({ object: z.literal('doctor'), id: z.number(), external_id: externalId('doctor'), branch_id: z.number(), name: localised, specialty: localised });

/** A doctor as the integration API shows it. */
export function apiDoctor(doctor: DoctorRecord): z.infer<typeof doctorView> {
  return { object: 'doctor', id: doctor.id, external_id: doctor.external_id, branch_id: doctor.branch_id, name: texts(doctor.name), specialty: texts(doctor.specialty) };
}

/** An appointment as the integration API and its webhooks show it. */
export const appointmentView = z.object({
  object: z.literal('appointment'),
  id: z.number(),
  external_id: externalId('appointment'),
  status: z.enum(['booked', 'completed', 'no_show', 'cancelled']),
  patient_id: z.number().describe("The patient's Telegram user id"),
  branch_id: z.number(),
  service_id: z.number(),
  doctor_id: z.number(),
  starts_at: z.string(),
  ends_at: z.string(),
  price_minor: z.number(),
  paid_minor: z.number(),
  currency: z.string(),
  confirmed_at: z.string().nullable(),
  reschedule_count: z.number(),
  cancelled_by: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  created_at: z.string(),
});

/** An appointment as the integration API and its webhooks show it. */
export function apiAppointment(appointment: AppointmentRecord): z.infer<typeof appointmentView> {
  return {
    object: 'appointment',
    id: appointment.id,
    external_id: appointment.external_id,
    status: appointment.status,
    patient_id: appointment.patient_id,
    branch_id: appointment.branch_id,
    service_id: appointment.service_id,
    doctor_id: appointment.doctor_id,
    starts_at: isoTime(appointment.starts_at),
    ends_at: isoTime(appointment.ends_at),
    price_minor: appointment.price_minor,
    paid_minor: appointment.paid_minor,
    currency: appointment.currency,
    confirmed_at: isoTime(appointment.confirmed_at),
    reschedule_count: appointment.reschedule_count,
    cancelled_by: appointment.cancelled_by,
    cancelled_at: isoTime(appointment.cancelled_at),
    created_at: isoTime(appointment.created_at),
  };
}

/** A doctor's days as the integration API shows them: working hours and the visits in them, without the patients' names. */
export const doctorScheduleView = z.object({
  object: z.literal('doctor_schedule'),
  doctor_id: z.number(),
  time_zone: z.string().describe('The clinic’s time zone: the dates are local dates there'),
  days: z.array(
    z.object({
      date: z.string().describe('A local date, YYYY-MM-DD'),
      working: z.array(z.object({ starts_at: z.string(), ends_at: z.string() })).describe('Working stretches, breaks and days off taken out; empty on a day off'),
      appointments: z
        .array(
          z.object({
            id: z.number(),
            external_id: z.string().nullable(),
            status: appointmentView.shape.status,
            patient_id: z.number().describe("The patient's Telegram user id"),
            branch_id: z.number(),
            service_id: z.number(),
            starts_at: z.string(),
            ends_at: z.string(),
          }),
        )
        .describe('Visits that hold the doctor’s time (cancelled ones do not)'),
    }),
  ),
});

/** A doctor's schedule as the integration API shows it. */
export function apiDoctorSchedule(doctorId: number, schedule: { timeZone: string; days: readonly DoctorScheduleDay[] }): z.infer<typeof doctorScheduleView> {
  return {
    object: 'doctor_schedule',
    doctor_id: doctorId,
    time_zone: schedule.timeZone,
    days: schedule.days.map((day) => ({
      date: day.date,
      working: day.working.map((interval) => ({ starts_at: isoTime(interval.startMs), ends_at: isoTime(interval.endMs) })),
      appointments: day.appointments.map((item) => ({
        id: item.id,
        external_id: item.external_id,
        status: item.status,
        patient_id: item.patient_id,
        branch_id: item.branch_id,
        service_id: item.service_id,
        starts_at: isoTime(item.starts_at),
        ends_at: isoTime(item.ends_at),
      })),
    })),
  };
}
