import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { registerThenData } from './patients.callbacks.ts';
import { createPatientsComposer } from './patients.bot.ts';
import { createPatientsRoutes } from './patients.routes.ts';
import { createPatientsService, patientsSettingsSchema } from './patients.service.ts';
import { createErpPatientsBackend } from './connectors/patients.erp.ts';

/** Sets the patients module up; loaded only when a deployment runs it (see patients.module.ts). */
export function setupPatients(deps: ModuleDeps<'users', 'clinic-erp'>): ModuleInstance {
  const settings = patientsSettingsSchema.parse(deps.config.settings.patients);
  const { users } = deps.services;
  const erp = deps.services['clinic-erp'];
  const patients = createPatientsService({
    db: deps.database.db,
    now: deps.now,
    timeZone: () => deps.config.business.timeZone,
    defaultCountry: () => deps.config.business.defaultCountry,
    settings,
    ...(erp
      ? {
          backend: createErpPatientsBackend({
            client: erp.client,
            localeOf: async (userId) => users.localeOf(await users.get(userId), deps.config.business.defaultLocale),
            usernameOf: async (userId) => (await users.get(userId))?.username ?? undefined,
          }),
        }
      : {}),
  });
  const bot = createPatientsComposer({ patients });
  return {
    service: Object.assign(patients, { registrationData: registerThenData }),
    composer: bot.composer,
    flows: bot.flows,
    commands: [{ command: 'profile', description: 'patients-command-profile' }],
    routes: createPatientsRoutes({ patients }),
    staffRoles: ['manager', 'support'],
  };
}
