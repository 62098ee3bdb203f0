import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createSupportComposer } from './support.bot.ts';
import { createSupportRoutes } from './support.routes.ts';
import { createSupportService, escapeHtml } from './support.service.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { fullName } from '../users/users.names.ts';

/** Sets the support module up; loaded only when a deployment runs it (see support.module.ts). */
export function setupSupport(deps: ModuleDeps<'users'>): ModuleInstance {
  const staffLocale = deps.config.business.defaultLocale;
  const { users } = deps.services;
  const support = createSupportService({
    db: deps.database.db,
    now: deps.now,
    contacts: deps.config.business.support,
    staffChatIds: () => staffChatIds(deps.config, deps.env.ADMIN_IDS),
    // Each staff member reads the header in their own language; a staff group in the business's.
    staffLocales: (executor, chatIds) => staffChatLocales(executor, chatIds, staffLocale),
    texts: {
      header: (input, locale = staffLocale) =>
        deps.i18n.t(locale, 'support-staff-header', {
          name: `<a href="tg://user?id=${input.userId}">${escapeHtml(input.name)}</a>`,
          username: input.username ? `@${input.username}` : '—',
          id: String(input.userId),
        }),
      reply: (locale, text) => deps.i18n.t(locale, 'support-reply-received', { text }),
      closed: (locale) => deps.i18n.t(locale, 'support-closed-by-staff'),
      writeAgain: (locale) => deps.i18n.t(locale, 'support-write-again'),
    },
    localeOf: async (userId) => users?.localeOf(await users.get(userId), staffLocale) ?? staffLocale,
    events: deps.events,
  });
  const bot = createSupportComposer({ support, config: deps.config, now: deps.now });
  return {
    service: support,
    composer: bot.composer,
    flows: bot.flows,
    commands: [{ command: 'support', description: 'command-support' }],
    routes: createSupportRoutes({
      support,
      customerOf: async (userId) => {
        const user = await users?.get(userId);
        return user ? { name: fullName(user), username: user.username } : undefined;
      },
    }),
    // The support role answers customers; managers may too.
    staffRoles: ['manager', 'support'],
  };
}
