import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z, ZodError } from 'zod';
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

const STATUS_CODES: Record<string, number> = {
  'booking.not_found': 404,
  'booking.unknown_branch': 404,
  'booking.unknown_service': 404,
  'booking.unknown_doctor': 404,
  'booking.slot_taken': 409,
  'booking.not_active': 409,
  'booking.slot_unavailable': 422,
  'booking.too_late': 422,
  'booking.not_registered': 422,
};

function fail(reply: FastifyReply, error: unknown) {
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
    return reply.code(400).send({ error: 'booking.invalid_request', message: issues.join('; '), issues });
  }
  if (error instanceof BookingError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message, details: error.details });
  throw error;
}

/**
 * The clinic's directory and calendar for the admin panel: branches, services, doctors with
 * their weekly schedules and one-off exceptions; a day/week calendar per branch and doctor;
 * marking visits completed or missed; cancelling and moving visits.
 * // admin-only: mounted under /api/booking, which the admin panel's auth wraps.
 */
export function createBookingRoutes(deps: { booking: BookingService }): FastifyPluginAsync {
  const { booking } = deps;
  return async (app) => {
    // admin-only
    app.get('/branches', async () => ({ branches: await booking.listBranches(false) }));
    // admin-only
    app.post('/branches', async (request, reply) => {
      try {
        return reply.code(201).send({ branch: await booking.createBranch(request.body) });
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.put('/branches/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      try {
        const branch = await booking.updateBranch(params.data.id, request.body);
        return branch ? { branch } : reply.code(404).send({ error: 'booking.unknown_branch' });
      } catch (error) {
        return fail(reply, error);
      }
    });

    // admin-only
    app.get('/services', async () => ({ services: await booking.listServices(false) }));
    // admin-only
    app.post('/services', async (request, reply) => {
      try {
        return reply.code(201).send({ service: await booking.createService(request.body) });
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.put('/services/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      try {
        const service = await booking.updateService(params.data.id, request.body);
        return service ? { service } : reply.code(404).send({ error: 'booking.unknown_service' });
      } catch (error) {
        return fail(reply, error);
      }
    });

    // admin-only
    app.get('/doctors', async (request, reply) => {
      const query = z.object({ branchId: z.coerce.number().int().positive().optional() }).safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'booking.invalid_query' });
      return { doctors: await booking.listDoctors({ branchId: query.data.branchId, activeOnly: false }) };
    });
    // admin-only
    app.get('/doctors/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      const doctor = await booking.getDoctor(params.data.id);
      if (!doctor) return reply.code(404).send({ error: 'booking.unknown_doctor' });
      return { doctor, serviceIds: await booking.serviceIdsOfDoctor(doctor.id), schedule: await booking.scheduleOf(doctor.id) };
    });
    // admin-only
    app.post('/doctors', async (request, reply) => {
      try {
        return reply.code(201).send({ doctor: await booking.createDoctor(request.body) });
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.put('/doctors/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      try {
        const doctor = await booking.updateDoctor(params.data.id, request.body);
        return doctor ? { doctor } : reply.code(404).send({ error: 'booking.unknown_doctor' });
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.put('/doctors/:id/schedule', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      try {
        return { schedule: await booking.setSchedule(params.data.id, request.body) };
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.get('/doctors/:id/exceptions', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const query = rangeQuery.safeParse(request.query);
      if (!params.success || !query.success) return reply.code(400).send({ error: 'booking.invalid_query' });
      return { exceptions: await booking.exceptionsOf(params.data.id, query.data.from, query.data.to) };
    });
    // admin-only
    app.post('/doctors/:id/exceptions', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      try {
        return reply.code(201).send({ exception: await booking.addException(params.data.id, request.body) });
      } catch (error) {
        return fail(reply, error);
      }
    });
    // admin-only
    app.delete('/exceptions/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'booking.invalid_id' });
      return (await booking.removeException(params.data.id)) ? { deleted: true } : reply.code(404).send({ error: 'booking.not_found' });
    });

    // admin-only
    app.get('/calendar', async (request, reply) => {
      const query = calendarQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'booking.invalid_query', issues: query.error.issues.map((issue) => issue.message) });
      return booking.calendar({ ...query.data, fromDate: query.data.from });
    });

    // admin-only
    app.get('/slots', async (request, reply) => {
      const query = slotsQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'booking.invalid_query' });
      try {
        return { slots: await booking.freeSlots({ ...query.data, fromDate: query.data.from, toDate: query.data.to }) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    // admin-only
    app.get('/appointments', async (request, reply) => {
      const query = appointmentsQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'booking.invalid_query' });
      const { limit, status, ...filter } = query.data;
      return { appointments: await booking.list({ ...filter, statuses: status as AppointmentStatus[] | undefined }, 'asc', limit) };
    });

    // admin-only
    app.post('/appointments/:id/:action', async (request, reply) => {
      const params = z.object({ id: z.coerce.number().int().positive(), action: z.enum(['complete', 'no-show', 'cancel', 'reschedule']) }).safeParse(request.params);
      if (!params.success) return reply.code(404).send({ error: 'booking.unknown_action' });
      try {
        const { id, action } = params.data;
        if (action === 'reschedule') {
          const body = rescheduleBody.parse(request.body);
          return { appointment: await booking.reschedule(id, body.startMs, { type: 'staff', id: body.actorId }) };
        }
        const body = actorBody.parse(request.body ?? {});
        const actor = { type: 'staff' as const, id: body.actorId };
        if (action === 'cancel') return { appointment: await booking.cancel(id, actor) };
        return { appointment: await booking.markVisit(id, action === 'complete' ? 'completed' : 'no_show', actor) };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
