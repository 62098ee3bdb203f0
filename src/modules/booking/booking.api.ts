import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { apiKeyActorId } from '../../platform/principal.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import { apiAppointment, appointmentView } from './booking.api.view.ts';
import { BookingError, type BookingService } from './booking.service.ts';
import { pickLocalised } from './booking.settings.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const moment = z.union([z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)), z.number().int().positive()]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** A stored text in every language the business speaks. */
function texts(stored: string): Record<Locale, string> {
  return Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, pickLocalised(stored, locale)])) as Record<Locale, string>;
}

/**
 * The clinic's bookings in the integration API: a back end reads the directory (branches,
 * services, doctors) and the free slots, books a registered patient (double booking is still
 * refused by the database), moves and cancels visits, and reads a visit — the patient and the
 * staff are told as when it happens in the bot.
 */
export function createBookingApi(deps: { booking: BookingService }): AnyApiRoute[] {
  const { booking } = deps;
  const appointmentOf = async (id: number) => {
    const appointment = await booking.get(id);
    if (!appointment) throw new BookingError('booking.not_found', 'There is no such appointment.');
    return appointment;
  };
  return [
    integrationRoute({
      method: 'GET',
      url: '/bookings/branches',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Branches that take bookings',
      handler: async () => ({
        object: 'list',
        data: (await booking.listBranches()).map((branch) => ({ object: 'branch', id: branch.id, title: texts(branch.title), address: texts(branch.address), phone: branch.phone })),
      }),
    }),
    integrationRoute({
      method: 'GET',
      url: '/bookings/branches/:id/services',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: "A branch's services with their duration and price",
      params: idParams,
      handler: async ({ params }) => ({
        object: 'list',
        data: (await booking.servicesAtBranch(params.id)).map((service) => ({
          object: 'service',
          id: service.id,
          title: texts(service.title),
          duration_minutes: service.duration_minutes,
          price_minor: service.price_minor,
          currency: service.currency,
        })),
      }),
    }),
    integrationRoute({
      method: 'GET',
      url: '/bookings/doctors',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Doctors, of a branch and a service when given',
      query: z.object({ branch_id: z.coerce.number().int().positive().optional(), service_id: z.coerce.number().int().positive().optional() }),
      handler: async ({ query }) => ({
        object: 'list',
        data: (await booking.listDoctors({ branchId: query.branch_id, serviceId: query.service_id })).map((doctor) => ({
          object: 'doctor',
          id: doctor.id,
          branch_id: doctor.branch_id,
          name: texts(doctor.name),
          specialty: texts(doctor.specialty),
        })),
      }),
    }),
    integrationRoute({
      method: 'GET',
      url: '/bookings/slots',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Free times of a service at a branch (of one doctor, or any), day by day',
      query: z.object({
        branch_id: z.coerce.number().int().positive(),
        service_id: z.coerce.number().int().positive(),
        doctor_id: z.coerce.number().int().positive().optional(),
        from: isoDate.describe('First local date'),
        to: isoDate.describe('Last local date (at most 31 days after the first)'),
      }),
      handler: async ({ query }) => {
        if (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`) > 31 * 86_400_000) {
          throw new BookingError('booking.range_too_long', 'Ask for at most 31 days at once.');
        }
        const slots = await booking.freeSlots({ branchId: query.branch_id, serviceId: query.service_id, doctorId: query.doctor_id, fromDate: query.from, toDate: query.to });
        return { object: 'list', data: slots.map((slot) => ({ date: slot.date, starts_at: new Date(slot.startMs).toISOString(), ends_at: new Date(slot.endMs).toISOString(), doctor_ids: slot.doctorIds })) };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/bookings/:id',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'One appointment',
      params: idParams,
      response: appointmentView,
      handler: async ({ params }) => apiAppointment(await appointmentOf(params.id)),
    }),
    integrationRoute({
      method: 'POST',
      url: '/bookings',
      tag: 'bookings',
      scope: 'bookings:write',
      status: 201,
      summary: 'Books a registered patient at a free time; a taken time is refused (409) with alternatives',
      body: z.object({
        patient_id: z.number().int().positive().describe("The patient's Telegram user id (registered in the bot)"),
        branch_id: z.number().int().positive(),
        service_id: z.number().int().positive(),
        doctor_id: z.number().int().positive().optional().describe('Absent: any doctor free at that time'),
        starts_at: moment.describe('A start from /bookings/slots (ISO 8601 or epoch ms)'),
        language: z.enum(SUPPORTED_LOCALES).default('ru').describe('The language of the reminders'),
      }),
      response: appointmentView,
      handler: async ({ body }) =>
        apiAppointment(await booking.book({ patientId: body.patient_id, branchId: body.branch_id, serviceId: body.service_id, doctorId: body.doctor_id, startMs: body.starts_at, locale: body.language })),
    }),
    integrationRoute({
      method: 'POST',
      url: '/bookings/:id/reschedule',
      tag: 'bookings',
      scope: 'bookings:write',
      summary: 'Moves a visit to another free time of the same doctor',
      params: idParams,
      body: z.object({ starts_at: moment }),
      response: appointmentView,
      handler: async ({ params, body, principal }) => apiAppointment(await booking.reschedule(params.id, body.starts_at, { type: 'staff', id: apiKeyActorId(principal) })),
    }),
    integrationRoute({
      method: 'POST',
      url: '/bookings/:id/cancel',
      tag: 'bookings',
      scope: 'bookings:write',
      summary: 'Cancels a visit; its time is free again',
      params: idParams,
      response: appointmentView,
      handler: async ({ params, principal }) => apiAppointment(await booking.cancel(params.id, { type: 'staff', id: apiKeyActorId(principal) })),
    }),
  ];
}
