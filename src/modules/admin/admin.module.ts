import type { LavkaModule } from '../module.ts';
import { createAdminComposer } from './admin.bot.ts';
import { applyTextOverrides, businessSections } from './admin.content.ts';
import { adminMigrations } from './admin.migrations.ts';
import { createAdminLoginRoutes } from './admin.login.routes.ts';
import { createAdminService, type AdminService } from './admin.service.ts';
import { createLiveSettings, type LiveSettings } from './admin.settings.ts';

/** The admin module's service: accounts and sessions, and the settings the owner changes live. */
export type AdminModuleService = AdminService & { settings: LiveSettings };

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
 * the owner's text and settings overrides. The panel's API and pages are mounted by
 * `src/http/admin.ts`, which sees every module.
 */
export const module: LavkaModule = {
  name: 'admin',
  core: true,
  dependsOn: ['users', 'audit'],
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
    return {
      service: Object.assign(admin, { settings }),
      composer: createAdminComposer({ admin }),
      commands: [
        { command: 'admin', description: 'command-admin', audience: 'admin' },
        { command: 'login', description: 'command-login', audience: 'admin' },
      ],
      publicRoutes: createAdminLoginRoutes({ admin, publicUrl: deps.env.PUBLIC_URL, audit: deps.services.audit }),
      jobs: [{ name: 'admin.prune', everyMs: 3600_000, run: () => admin.prune() }, ...sync],
    };
  },
};
