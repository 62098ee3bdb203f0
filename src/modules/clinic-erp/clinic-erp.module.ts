import { defineModule } from '../module.ts';
import { clinicErpMigrations } from './clinic-erp.migrations.ts';
import type { ClinicErpService } from './clinic-erp.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    'clinic-erp': ClinicErpService;
  }
}

/**
 * The clinic's own ERP as the store of the clinic modules (`connectors.clinic` in the config
 * file): one client every module's connector shares, the ERP's change feed followed in the
 * background, its state on `/health/ready`, and the staff told once when it stops answering.
 * The modules themselves (patients, booking, documents, payments, feedback, tickets, FAQ)
 * switch to their ERP connectors when this service is there.
 */
export const module = defineModule({
  name: 'clinic-erp',
  enabledBy: (config) => config.connectors.clinic !== undefined,
  panel: [{ id: 'clinic-erp', label: 'nav.clinicErp', icon: 'plug', group: 'settings', order: 126 }],
  dependsOn: ['users'],
  migrations: clinicErpMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupClinicErp } = await import('./clinic-erp.setup.ts');
    return setupClinicErp(deps);
  },
});
