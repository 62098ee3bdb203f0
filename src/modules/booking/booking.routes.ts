import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { BookingError, type BookingService } from './booking.service.ts';
import type { AppointmentStatus } from './booking.tables.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const calendarQuery = z.object({
  branchId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
  from: isoDate,
  days: z.coerce.number().int().refine((value) => value === 1 || value === 7, 'a day (1) or a week (7)').default(1),
  locale: z.enum(SUPPORTED_LOCALES).default('ru'),
});
const slotsQuery = z.object({
  branchId: z.coerce.number().int().positive(),
  serviceId: z.coerce.number().int().positive(),
  doctorId: z.coerce.number().int().positive().optional(),
  from: isoDate,
  to: isoDate,
});
const STATUSES = ['booked', 'completed', 'no_show', 'cancelled'] as const;
const appointmentsQuery = z.object({
  branchId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
  patientId: z.coerce.number().int().optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const rangeQuery = z.object({ from: isoDate, to: isoDate });
const actorBody = z.object({ actorId: z.union([z.string().max(64), z.number().int()]).optional() }).default({});
const rescheduleBody = z.object({ startMs: z.number().int().positive(), actorId: z.union([z.string().max(64), z.number().int()]).optional() });

const ACTIONS = ['complete', 'no-show', 'cancel', 'reschedule'] as const;

/**
 * The clinic's directory and calendar for the admin panel: branches, services, doctors with
 * their weekly schedules and one-off exceptions; a day/week calendar per branch and doctor;
 * marking visits completed or missed; cancelling and moving visits. The directory's bodies are
 * checked by the booking service itself (the same rules as the config file's demo data).
 */
export function createBookingRoutes(deps: { booking: BookingService }): AnyApiRoute[] {
  const { booking } = deps;
  const found = <T>(value: T | undefined, code: 'booking.unknown_branch' | 'booking.unknown_service' | 'booking.unknown_doctor', what: string): T => {
    if (value === undefined || value === null) throw new BookingError(code, `There is no such ${what}.`);
    return value;
  };
  return [
    route({ method: 'GET', url: '/branches', summary: 'Every branch, closed ones too', handler: async () => ({ branches: await booking.listBranches(false) }) }),
    route({
      method: 'POST',
      url: '/branches',
      summary: 'Adds a branch',
      handler: async ({ request, reply }) => reply.code(201).send({ branch: await booking.createBranch(request.body) }),
    }),
    route({
      method: 'PUT',
      url: '/branches/:id',
      summary: 'Changes a branch',
      params: idParams,
      handler: async ({ params, request }) => ({ branch: found(await booking.updateBranch(params.id, request.body), 'booking.unknown_branch', 'branch') }),
    }),
    route({ method: 'GET', url: '/services', summary: 'Every service, hidden ones too', handler: async () => ({ services: await booking.listServices(false) }) }),
    route({
      method: 'POST',
      url: '/services',
      summary: 'Adds a service',
      handler: async ({ request, reply }) => reply.code(201).send({ service: await booking.createService(request.body) }),
    }),
    route({
      method: 'PUT',
      url: '/services/:id',
      summary: 'Changes a service',
      params: idParams,
      handler: async ({ params, request }) => ({ service: found(await booking.updateService(params.id, request.body), 'booking.unknown_service', 'service') }),
    }),
    route({
      method: 'GET',
      url: '/doctors',
      summary: 'Doctors, of one branch or all',
      query: z.object({ branchId: z.coerce.number().int().positive().optional() }),
      handler: async ({ query }) => ({ doctors: await booking.listDoctors({ branchId: query.branchId, activeOnly: false }) }),
    }),
    route({
      method: 'GET',
      url: '/doctors/:id',
      summary: 'A doctor with their services and weekly schedule',
      params: idParams,
      handler: async ({ params }) => {
        const doctor = found(await booking.getDoctor(params.id), 'booking.unknown_doctor', 'doctor');
        return { doctor, serviceIds: await booking.serviceIdsOfDoctor(doctor.id), schedule: await booking.scheduleOf(doctor.id) };
      },
    }),
    route({
      method: 'POST',
      url: '/doctors',
      summary: 'Adds a doctor',
      handler: async ({ request, reply }) => reply.code(201).send({ doctor: await booking.createDoctor(request.body) }),
    }),
    route({
      method: 'PUT',
      url: '/doctors/:id',
      summary: 'Changes a doctor',
      params: idParams,
      handler: async ({ params, request }) => ({ doctor: found(await booking.updateDoctor(params.id, request.body), 'booking.unknown_doctor', 'doctor') }),
    }),
    route({
      method: 'PUT',
      url: '/doctors/:id/schedule',
      summary: 'Replaces a doctor’s weekly schedule',
      params: idParams,
      handler: async ({ params, request }) => ({ schedule: await booking.setSchedule(params.id, request.body) }),
    }),
    route({
      method: 'GET',
      url: '/doctors/:id/exceptions',
      summary: 'A doctor’s one-off days off and extra hours in a date range',
      params: idParams,
      query: rangeQuery,
      handler: async ({ params, query }) => ({ exceptions: await booking.exceptionsOf(params.id, query.from, query.to) }),
    }),
    route({
      method: 'POST',
      url: '/doctors/:id/exceptions',
      summary: 'Adds a day off or extra hours for a doctor',
      params: idParams,
      handler: async ({ params, request, reply }) => reply.code(201).send({ exception: await booking.addException(params.id, request.body) }),
    }),
    route({
      method: 'DELETE',
      url: '/exceptions/:id',
      summary: 'Removes a day off or extra hours',
      params: idParams,
      handler: async ({ params }) => {
        if (!(await booking.removeException(params.id))) throw new BookingError('booking.not_found', 'There is no such exception.');
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/calendar',
      summary: 'A day or a week of visits per branch and doctor',
      query: calendarQuery,
      handler: async ({ query }) => booking.calendar({ ...query, fromDate: query.from }),
    }),
    route({
      method: 'GET',
      url: '/slots',
      summary: 'Free times for a service in a branch, of one doctor or any',
      query: slotsQuery,
      handler: async ({ query }) => ({ slots: await booking.freeSlots({ ...query, fromDate: query.from, toDate: query.to }) }),
    }),
    route({
      method: 'GET',
      url: '/appointments',
      summary: 'Visits matching the filters, earliest first',
      query: appointmentsQuery,
      handler: async ({ query }) => {
        const { limit, status, ...filter } = query;
        return { appointments: await booking.list({ ...filter, statuses: status as AppointmentStatus[] | undefined }, 'asc', limit) };
      },
    }),
    route({
      method: 'POST',
      url: '/appointments/:id/:action',
      summary: 'Marks a visit completed or missed, cancels it, or moves it (reschedule, with startMs)',
      params: z.object({ id: z.coerce.number().int().positive(), action: z.string().max(32) }),
      handler: async ({ params, request }) => {
        const action = ACTIONS.find((item) => item === params.action);
        if (!action) throw new BookingError('booking.unknown_action', `Visits can be: ${ACTIONS.join(', ')}.`);
        if (action === 'reschedule') {
          const body = rescheduleBody.parse(request.body);
          return { appointment: await booking.reschedule(params.id, body.startMs, { type: 'staff', id: body.actorId }) };
        }
        const body = actorBody.parse(request.body ?? {});
        const actor = { type: 'staff' as const, id: body.actorId };
        if (action === 'cancel') return { appointment: await booking.cancel(params.id, actor) };
        return { appointment: await booking.markVisit(params.id, action === 'complete' ? 'completed' : 'no_show', actor) };
      },
    }),
  ];
}
