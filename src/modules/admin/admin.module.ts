import type { FastifyRequest } from 'fastify';
import type { StaffSessions } from '../../platform/principal.ts';
import type { AnyApiRoute } from '../../platform/route.ts';
import { defineModule } from '../module.ts';
import { createAdminComposer } from './admin.bot.ts';
import { applyTextOverrides, businessSections } from './admin.content.ts';
import { adminMigrations } from './admin.migrations.ts';
import { createAdminLoginRoutes } from './admin.login.routes.ts';
import { sessionTokenOf } from './admin.cookies.ts';
import { createContentService } from './admin.content.ts';
import { createAdminRoutes } from './admin.routes.ts';
import { createAdminService, type AdminService } from './admin.service.ts';
import { createLiveSettings, type LiveSettings } from './admin.settings.ts';

/**
 * The admin module's service: accounts and sessions, the settings the owner changes live, and
 * the staff sessions the platform's access check asks about.
 */
export type AdminModuleService = AdminService & { settings: LiveSettings; sessions: StaffSessions };

declare module '../module.ts' {
  interface ModuleServices {
    admin: AdminModuleService;
  }
}

/** How often an instance looks for settings changed on another one (PostgreSQL only). */
export const SETTINGS_SYNC_MS = 2000;

/**
 * The web admin panel's accounts and logins: staff and their roles, one-time links from the
 * bot (`/admin`, `/login`), password login for the first owner, sessions, rate limits, and
 * the owner's text and settings overrides, and the panel's own pages (dashboard, customers,
 * content, settings, staff, audit, system). Other modules bring their pages themselves.
 */
export const module = defineModule({
  name: 'admin',
  core: true,
  dependsOn: ['users', 'audit'],
  // What the dashboard and the customer page add up, when the preset runs them.
  after: ['faq', 'orders', 'payments', 'broadcasts', 'wallet', 'integrations'],
  panel: [
    { id: 'dashboard', label: 'nav.dashboard', icon: 'chart', group: 'business', order: 10, roles: ['manager', 'accountant'] },
    { id: 'customers', label: 'nav.customers', icon: 'users', group: 'business', order: 60, roles: ['manager', 'support'] },
    { id: 'content', label: 'nav.content', icon: 'text', group: 'settings', order: 110 },
    { id: 'staff', label: 'nav.staff', icon: 'key', group: 'settings', order: 120 },
    { id: 'audit', label: 'nav.audit', icon: 'list', group: 'settings', order: 130 },
    { id: 'system', label: 'nav.system', icon: 'pulse', group: 'settings', order: 140 },
    // From the sandbox to a real bot; gone once the bot is live.
    { id: 'go-live', label: 'nav.goLive', icon: 'send', group: 'settings', order: 150, sandboxOnly: true },
  ],
  migrations: adminMigrations,
  // Staff accounts (and their open sessions: the owner who goes live stays logged in), the
  // owner's settings and edited texts.
  goLive: { keep: [{ table: 'admin_staff' }, { table: 'admin_sessions' }, { table: 'admin_settings' }, { table: 'admin_text_overrides' }] },
  async setup(deps) {
    const admin = createAdminService({
      db: deps.database.db,
      now: deps.now,
      logger: deps.logger,
      ownerTelegramIds: deps.env.ADMIN_IDS,
      publicUrl: deps.env.PUBLIC_URL,
    });
    // The owner's edits from the panel survive restarts: apply them before the bot starts, and
    // before the other modules set up, so that none of them sees the config file's value first.
    const textDeps = { admin, i18n: deps.i18n, config: deps.config, logger: deps.logger };
    await applyTextOverrides(textDeps);
    let textsSeen = await admin.textOverridesFingerprint();
    const settings = createLiveSettings({ store: admin, logger: deps.logger, now: deps.now });
    await settings.register(businessSections(deps.config), 'admin');
    /** Bot texts edited on another instance: reloaded when their fingerprint moves. */
    const syncTexts = async () => {
      const now = await admin.textOverridesFingerprint();
      if (now === textsSeen) return;
      textsSeen = now;
      await applyTextOverrides(textDeps);
    };
    // SQLite is held by one process; only a shared PostgreSQL has other instances to follow.
    const sync =
      deps.database.dialect === 'postgres'
        ? [{ name: 'admin.settings-sync', everyMs: SETTINGS_SYNC_MS, run: async () => { await settings.sync(); await syncTexts(); } }]
        : [];
    const sessions: StaffSessions = { tokenOf: (request: FastifyRequest) => sessionTokenOf(request), authenticate: (token) => admin.authenticate(token) };
    const content = createContentService({ admin, i18n: deps.i18n, config: deps.config, now: deps.now });
    let routes: AnyApiRoute[] | undefined;
    return {
      service: Object.assign(admin, { settings, sessions }),
      // Built when mounted, once every module's live settings section is registered.
      get routes() {
        routes ??= createAdminRoutes({
          admin,
          content,
          settings,
          services: deps.services,
          runtime: deps.runtime,
          env: deps.env,
          db: deps.database.db,
          dialect: deps.database.dialect,
          config: deps.config,
          i18n: deps.i18n,
          now: deps.now,
        });
        return routes;
      },
      // The panel's own pages are the owner's unless a route says otherwise.
      staffRoles: [],
      invalidInputCode: 'admin.invalid_input',
      composer: createAdminComposer({ admin }),
      commands: [
        { command: 'admin', description: 'command-admin', audience: 'admin' },
        { command: 'login', description: 'command-login', audience: 'admin' },
      ],
      publicRoutes: createAdminLoginRoutes({ admin, publicUrl: deps.env.PUBLIC_URL, audit: deps.services.audit }),
      jobs: [{ name: 'admin.prune', everyMs: 3600_000, run: () => admin.prune() }, ...sync],
    };
  },
});
