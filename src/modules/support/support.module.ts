import { defineModule } from '../module.ts';
import type { SupportService } from './support.service.ts';
import { supportMigrations } from './support.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    support: SupportService;
  }
}

/** Contact and support: the business's contacts and "Write to us" to the staff chat. */
export const module = defineModule({
  name: 'support',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'support', label: 'nav.support', icon: 'chat', group: 'business', order: 70 }],
  dependsOn: ['users'],
  migrations: supportMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupSupport } = await import('./support.setup.ts');
    return setupSupport(deps);
  },
});
