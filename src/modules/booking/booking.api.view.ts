import { z } from 'zod';
import type { AppointmentRecord } from './booking.tables.ts';
import { isoTime } from '../../platform/api-values.ts';

/** An appointment as the integration API and its webhooks show it. */
export const appointmentView = z.object({
  object: z.literal('appointment'),
  id: z.number(),
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
