import { defineModule } from '../module.ts';
import type { TicketsService } from './tickets.service.ts';
import { ticketsMigrations } from './tickets.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    tickets: TicketsService;
  }
}

/** Support tickets: patient requests to the staff chat or the admin inbox, staff replies in the bot, statuses. */
export const module = defineModule({
  name: 'tickets',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'support', label: 'nav.support', icon: 'chat', group: 'business', order: 70 }],
  dependsOn: ['users'],
  // A patient's card beside their ticket, when the clinic's modules run; the clinic's ERP gets new tickets too.
  after: ['patients', 'clinic-erp'],
  migrations: ticketsMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupTickets } = await import('./tickets.setup.ts');
    return setupTickets(deps);
  },
});
