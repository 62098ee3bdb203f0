import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { externalIdFilter, externalIdInput } from '../../platform/api-values.ts';
import { noteAudit } from '../../platform/audit.ts';
import { apiKeyActorId } from '../../platform/principal.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import {
  apiAppointment,
  apiBranch,
  apiDoctor,
  apiDoctorSchedule,
  apiService,
  appointmentView,
  branchView,
  doctorScheduleView,
  doctorView,
  serviceView,
} from './booking.api.view.ts';
import type { ExternallyKnownRecord } from './booking.external-ids.ts';
import { BookingError, type BookingService } from './booking.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const moment = z.union([z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)), z.number().int().positive()]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const STATUSES = ['booked', 'completed', 'no_show', 'cancelled'] as const;

/** The longest range of days one request reads (free slots, a doctor's schedule). */
const MAX_RANGE_DAYS = 31;

/** Refuses a range of local dates longer than {@link MAX_RANGE_DAYS}. */
function checkRange(from: string, to: string): void {
  if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > MAX_RANGE_DAYS * 86_400_000) {
    throw new BookingError('booking.range_too_long', `Ask for at most ${MAX_RANGE_DAYS} days at once.`);
  }
}

/** A range of local dates, the last on or after the first. */
const dateRange = z
  .object({ from: isoDate.describe('First local date'), to: isoDate.describe(`Last local date (at most ${MAX_RANGE_DAYS} days after the first)`) })
  .refine((range) => range.to >= range.from, { path: ['to'], message: 'on or after from' });

const patchBody = (resource: string) => z.object({ external_id: externalIdInput(resource) });

/**
 * The clinic's bookings in the integration API: a back end reads the directory (branches,
 * services, doctors), a doctor's schedule and the free slots, books a registered patient
 * (double booking is still refused by the database), moves and cancels visits, reads and
 * lists visits — the patient and the staff are told as when it happens in the bot — and
 * stores its own ids on every record.
 */
export function createBookingApi(deps: { booking: BookingService }): AnyApiRoute[] {
  const { booking } = deps;
  const appointmentOf = async (id: number) => {
    const appointment = await booking.get(id);
    if (!appointment) throw new BookingError('booking.not_found', 'There is no such appointment.');
    return appointment;
  };
  const record = {
    branch: async (id: number) => apiBranch((await booking.getBranch(id)) ?? missing('booking.unknown_branch', 'branch')),
    service: async (id: number) => apiService((await booking.getService(id)) ?? missing('booking.unknown_service', 'service')),
    doctor: async (id: number) => apiDoctor((await booking.getDoctor(id)) ?? missing('booking.unknown_doctor', 'doctor')),
    appointment: async (id: number) => apiAppointment(await appointmentOf(id)),
  };
  /** PATCH of one kind of record: stores the back end's id, audited with the id it replaced. */
  const patchRoute = (kind: ExternallyKnownRecord, url: string, response: z.ZodType) =>
    integrationRoute({
      method: 'PATCH',
      url,
      tag: 'bookings',
      scope: 'bookings:write',
      summary: `Stores the ${kind}'s id in your system (external_id)`,
      params: idParams,
      body: patchBody(kind),
      response,
      handler: async ({ params, body, request }) => {
        const { previous } = await booking.setExternalId(kind, params.id, body.external_id);
        noteAudit(request, { subject: { type: kind === 'appointment' ? 'appointment' : `booking_${kind}`, id: params.id }, summary: { previous_external_id: previous } });
        return record[kind](params.id);
      },
    });
  return [
    integrationRoute({
      method: 'GET',
      url: '/bookings/branches',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Branches that take bookings',
      query: z.object({ external_id: externalIdFilter }),
      response: z.object({ object: z.literal('list'), data: z.array(branchView) }),
      handler: async ({ query }) => ({ object: 'list' as const, data: (await booking.listBranches(true, query.external_id)).map(apiBranch) }),
    }),
    patchRoute('branch', '/bookings/branches/:id', branchView),
    integrationRoute({
      method: 'GET',
      url: '/bookings/branches/:id/services',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: "A branch's services with their duration and price",
      params: idParams,
      query: z.object({ external_id: externalIdFilter }),
      response: z.object({ object: z.literal('list'), data: z.array(serviceView) }),
      handler: async ({ params, query }) => ({ object: 'list' as const, data: (await booking.servicesAtBranch(params.id, query.external_id)).map(apiService) }),
    }),
    patchRoute('service', '/bookings/services/:id', serviceView),
    integrationRoute({
      method: 'GET',
      url: '/bookings/doctors',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Doctors, of a branch and a service when given',
      query: z.object({ branch_id: z.coerce.number().int().positive().optional(), service_id: z.coerce.number().int().positive().optional(), external_id: externalIdFilter }),
      response: z.object({ object: z.literal('list'), data: z.array(doctorView) }),
      handler: async ({ query }) => ({
        object: 'list' as const,
        data: (await booking.listDoctors({ branchId: query.branch_id, serviceId: query.service_id, externalId: query.external_id })).map(apiDoctor),
      }),
    }),
    patchRoute('doctor', '/bookings/doctors/:id', doctorView),
    integrationRoute({
      method: 'GET',
      url: '/bookings/doctors/:id/schedule',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: "A doctor's working hours and the visits booked in them, day by day",
      params: idParams,
      query: dateRange,
      response: doctorScheduleView,
      handler: async ({ params, query }) => {
        checkRange(query.from, query.to);
        return apiDoctorSchedule(params.id, await booking.doctorSchedule(params.id, query.from, query.to));
      },
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
        to: isoDate.describe(`Last local date (at most ${MAX_RANGE_DAYS} days after the first)`),
      }),
      handler: async ({ query }) => {
        checkRange(query.from, query.to);
        const slots = await booking.freeSlots({ branchId: query.branch_id, serviceId: query.service_id, doctorId: query.doctor_id, fromDate: query.from, toDate: query.to });
        return { object: 'list', data: slots.map((slot) => ({ date: slot.date, starts_at: new Date(slot.startMs).toISOString(), ends_at: new Date(slot.endMs).toISOString(), doctor_ids: slot.doctorIds })) };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/bookings',
      tag: 'bookings',
      scope: 'bookings:read',
      summary: 'Appointments matching the filters, most recently booked first, a page at a time',
      query: z.object({
        patient_id: z.coerce.number().int().positive().optional().describe("The patient's Telegram user id"),
        doctor_id: z.coerce.number().int().positive().optional(),
        branch_id: z.coerce.number().int().positive().optional(),
        status: z.enum(STATUSES).optional(),
        external_id: externalIdFilter,
        limit: z.coerce.number().int().min(1).max(100).default(50),
        starting_after: z.coerce.number().int().positive().optional().describe('The id of the last appointment of the previous page (its next_cursor)'),
      }),
      response: z.object({ object: z.literal('list'), data: z.array(appointmentView), has_more: z.boolean(), next_cursor: z.number().nullable() }),
      handler: async ({ query }) => {
        const { appointments, hasMore } = await booking.page(
          { patientId: query.patient_id, doctorId: query.doctor_id, branchId: query.branch_id, statuses: query.status ? [query.status] : undefined, externalId: query.external_id },
          { limit: query.limit, startingAfter: query.starting_after },
        );
        return { object: 'list' as const, data: appointments.map(apiAppointment), has_more: hasMore, next_cursor: hasMore ? (appointments.at(-1)?.id ?? null) : null };
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
    patchRoute('appointment', '/bookings/:id', appointmentView),
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
        external_id: z.string().trim().min(1).max(64).optional().describe("The visit's id in your system; unique among appointments (409 booking.external_id_taken)"),
      }),
      response: appointmentView,
      handler: async ({ body, request }) => {
        const appointment = await booking.book({
          patientId: body.patient_id,
          branchId: body.branch_id,
          serviceId: body.service_id,
          doctorId: body.doctor_id,
          startMs: body.starts_at,
          locale: body.language,
          externalId: body.external_id,
        });
        noteAudit(request, { subject: { type: 'appointment', id: appointment.id } });
        return apiAppointment(appointment);
      },
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

/** Refuses a directory record that does not exist. */
function missing(code: 'booking.unknown_branch' | 'booking.unknown_service' | 'booking.unknown_doctor', kind: string): never {
  throw new BookingError(code, `There is no such ${kind}.`);
}
