import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createSupportComposer } from './support.bot.ts';
import { createSupportRoutes } from './support.routes.ts';
import { createSupportService, escapeHtml, type SupportService } from './support.service.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
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
  setup(deps) {
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
          return user ? { name: [user.first_name, user.last_name].filter(Boolean).join(' '), username: user.username } : undefined;
        },
      }),
      // The support role answers customers; managers may too.
      staffRoles: ['manager', 'support'],
    };
  },
});
