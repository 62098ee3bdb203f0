import { defineModule } from '../module.ts';
import type { PatientsService } from './patients.service.ts';
import { patientsMigrations } from './patients.migrations.ts';

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
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupPatients } = await import('./patients.setup.ts');
    return setupPatients(deps);
  },
});
