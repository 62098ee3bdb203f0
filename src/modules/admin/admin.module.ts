import type { LavkaModule } from '../module.ts';
import { createAdminComposer } from './admin.bot.ts';
import { applyTextOverrides, applyBusinessSettings } from './admin.content.ts';
import { adminMigrations } from './admin.migrations.ts';
import { createAdminLoginRoutes } from './admin.login.routes.ts';
import { createAdminService, type AdminService } from './admin.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    admin: AdminService;
  }
}

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
  async setup(deps) {
    const admin = createAdminService({
      db: deps.database.db,
      now: deps.now,
      logger: deps.logger,
      ownerTelegramIds: deps.env.ADMIN_IDS,
      publicUrl: deps.env.PUBLIC_URL,
    });
    // The owner's edits from the panel survive restarts: apply them before the bot starts.
    await applyTextOverrides({ admin, i18n: deps.i18n, config: deps.config, logger: deps.logger });
    await applyBusinessSettings({ admin, config: deps.config, logger: deps.logger });
    return {
      service: admin,
      composer: createAdminComposer({ admin }),
      commands: [
        { command: 'admin', description: 'command-admin', audience: 'admin' },
        { command: 'login', description: 'command-login', audience: 'admin' },
      ],
      publicRoutes: createAdminLoginRoutes({ admin, publicUrl: deps.env.PUBLIC_URL, audit: deps.services.audit }),
      jobs: [{ name: 'admin.prune', everyMs: 3600_000, run: () => admin.prune() }],
    };
  },
};
