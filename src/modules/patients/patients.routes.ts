import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
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

/** Patients for the admin panel: search by name, phone or IIN; one patient; corrections. */
export function createPatientsRoutes(deps: { patients: PatientsService }): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Patients matching a name, phone or IIN',
      query: listQuery,
      handler: async ({ query }) => ({ patients: await deps.patients.search(query.q, query.pageSize, (query.page - 1) * query.pageSize), page: query.page }),
    }),
    route({
      method: 'GET',
      url: '/:userId',
      summary: 'One patient’s card',
      params: idParams,
      handler: async ({ params }) => {
        const patient = await deps.patients.get(params.userId);
        if (!patient) throw new PatientsError('patients.not_registered', 'This user has not registered as a patient.');
        return { patient };
      },
    }),
    route({
      method: 'PATCH',
      url: '/:userId',
      summary: 'Corrects a patient’s name, phone, birth date or IIN (checked as at registration)',
      params: idParams,
      body: patchBody,
      handler: async ({ params, body }) => ({ patient: await deps.patients.update(params.userId, body) }),
    }),
  ];
}
