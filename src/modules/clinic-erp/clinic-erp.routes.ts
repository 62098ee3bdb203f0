import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { ClinicErpError } from './clinic-erp.errors.ts';
import type { ClinicErpService } from './clinic-erp.service.ts';

const roundParams = z.object({ name: z.string().regex(/^[a-z-]{1,32}$/) });

/**
 * The panel's Clinic ERP page: where the ERP is and whether it answers, when each round with
 * it (its changes, the directory, the repair) last ran and what it did, the writes it is owed,
 * and a round started at once.
 */
export function createClinicErpRoutes(deps: { clinicErp: ClinicErpService }): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/',
      summary: "The clinic ERP connector's state: calls, rounds and the queue of writes",
      handler: () => deps.clinicErp.overview(),
    }),
    route({
      method: 'POST',
      url: '/rounds/:name',
      summary: 'Runs a round with the ERP now (changes, directory, repair) and answers how it went',
      params: roundParams,
      handler: async ({ params }) => {
        const outcome = await deps.clinicErp.runRound(params.name);
        if (!outcome) throw new ClinicErpError('clinic_erp.not_found', `There is no round ${params.name}.`);
        return outcome;
      },
    }),
  ];
}
