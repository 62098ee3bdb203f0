import { defineModule } from '../module.ts';
import { registerThenData } from './patients.callbacks.ts';
import { createPatientsComposer } from './patients.bot.ts';
import { createPatientsRoutes } from './patients.routes.ts';
import { createPatientsService, patientsSettingsSchema, type PatientsService } from './patients.service.ts';
import { patientsMigrations } from './patients.migrations.ts';
import { createErpPatientsBackend } from './connectors/patients.erp.ts';

/** The patients module's service: patient cards, and the way other modules send a user to register. */
export type PatientsModuleService = PatientsService & {
  /** Callback data that sends an unregistered user through registration and back to `then`. */
  registrationData(then: string): string;
};

declare module '../module.ts' {
  interface ModuleServices {
    patients: PatientsModuleService;
  }
}

/** Patients: registration with the Kazakhstan IIN, profile view and edit. */
export const module = defineModule({
  name: 'patients',
  dependsOn: ['users'],
  // With the clinic's ERP (connectors.clinic), patients are kept there as well.
  after: ['clinic-erp'],
  migrations: patientsMigrations,
  setup(deps) {
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
  },
});
