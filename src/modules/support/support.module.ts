import { sql } from 'kysely';
import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createSupportComposer } from './support.bot.ts';
import { createSupportRoutes } from './support.routes.ts';
import { createSupportService, escapeHtml, type SupportService } from './support.service.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';

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
  migrations: [
    {
      name: '0001_support_messages',
      async up(db, { col }) {
        await col
          .id(db.schema.createTable('support_messages'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('chat_id', 'bigint', (c) => c.notNull())
          .addColumn('message_id', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('text', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('support_messages_user_idx').on('support_messages').columns(['user_id', 'created_at']).execute();
      },
    },
    {
      // The admin panel's inbox: a conversation per customer with a status, and staff replies.
      name: '0002_support_threads',
      async up(db, { col }) {
        await db.schema
          .createTable('support_threads')
          .addColumn('user_id', 'bigint', (c) => c.primaryKey())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('last_message_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('closed_at', 'bigint')
          .execute();
        await db.schema.createIndex('support_threads_status_idx').on('support_threads').columns(['status', 'last_message_at']).execute();
        await col
          .id(db.schema.createTable('support_replies'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('staff_name', 'varchar(128)', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('support_replies_user_idx').on('support_replies').columns(['user_id', 'created_at']).execute();
        // Messages that arrived before the inbox existed wait for an answer.
        await sql`insert into support_threads (user_id, status, last_message_at, updated_at, closed_at)
          select user_id, 'open', max(created_at), max(created_at), null from support_messages group by user_id`.execute(db);
      },
    },
  ],
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
