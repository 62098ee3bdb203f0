import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createTicketsComposer } from './tickets.bot.ts';
import { createTicketsRoutes } from './tickets.routes.ts';
import { createTicketsService, ticketsSettingsSchema } from './tickets.service.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';
import { createErpTicketsBackend } from './connectors/tickets.erp.ts';

/** Sets the tickets module up; loaded only when a deployment runs it (see tickets.module.ts). */
export function setupTickets(deps: ModuleDeps<'users', 'patients' | 'clinic-erp'>): ModuleInstance {
  const { users } = deps.services;
  if (!users) throw new Error('the tickets module needs the users module');
  const settings = ticketsSettingsSchema.parse(deps.config.settings.tickets);
  const { business } = deps.config;
  const staffChatIds = () => configuredStaffChats(deps.config, deps.env.ADMIN_IDS);
  const erp = deps.services['clinic-erp'];
  const tickets = createTicketsService({
    db: deps.database.db,
    now: deps.now,
    settings,
    i18n: deps.i18n,
    // Patients (when that module runs) are named as registered; anyone else by their Telegram profile.
    describeUser: async (userId) => {
      const patient = await deps.services.patients?.get(userId);
      if (patient) return `${patient.full_name}, ${patient.phone}`;
      const user = await users.get(userId);
      return user ? [user.first_name, user.last_name, user.username ? `@${user.username}` : undefined].filter(Boolean).join(' ') : `#${userId}`;
    },
    localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
    // Each staff member reads alerts in their own language; a staff group in the business's.
    staffChats: (executor) => staffChatLocales(executor, staffChatIds(), business.defaultLocale),
    ...(erp ? { backend: createErpTicketsBackend({ erp }) } : {}),
  });
  const bot = createTicketsComposer({ tickets, staffChatIds, faq: deps.config.modules.includes('faq'), business, now: deps.now });
  return {
    service: tickets,
    composer: bot.composer,
    flows: bot.flows,
    commands: [{ command: 'ticket', description: 'tickets-command' }],
    routes: createTicketsRoutes({ tickets }),
    staffRoles: ['manager', 'support'],
  };
}
