import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { PatientsError, type PatientsService } from './patients.service.ts';

const listQuery = z.object({
  q: z.string().trim().max(100).default(''),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const idParams = z.object({ userId: z.coerce.number().int() });
const patchBody = z
  .object({ fullName: z.string().max(200), phone: z.string().max(40), birthDate: z.string().max(20), iin: z.string().max(30) })
  .partial()
  .strict();

/**
 * Patients for the admin panel: search by name, phone or IIN; one patient; corrections.
 * // admin-only: mounted under /api/patients, which the admin panel's auth wraps.
 */
export function createPatientsRoutes(deps: { patients: PatientsService }): FastifyPluginAsync {
  return async (app) => {
    // admin-only
    app.get('/', async (request, reply) => {
      const parsed = listQuery.safeParse(request.query);
      if (!parsed.success) return reply.code(400).send({ error: 'patients.invalid_query' });
      const { q, page, pageSize } = parsed.data;
      return { patients: await deps.patients.search(q, pageSize, (page - 1) * pageSize), page };
    });

    // admin-only
    app.get('/:userId', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'patients.invalid_id' });
      const patient = await deps.patients.get(params.data.userId);
      return patient ? { patient } : reply.code(404).send({ error: 'patients.not_registered' });
    });

    // admin-only
    app.patch('/:userId', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = patchBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'patients.invalid_request' });
      try {
        return { patient: await deps.patients.update(params.data.userId, body.data) };
      } catch (error) {
        if (error instanceof PatientsError) return reply.code(error.code === 'patients.not_registered' ? 404 : 422).send({ error: error.code, message: error.message });
        throw error;
      }
    });
  };
}
