import { defineModule } from '../module.ts';
import { createBroadcastsBot } from './broadcasts.bot.ts';
import { createBroadcastsRoutes } from './broadcasts.routes.ts';
import { START_BROADCAST_JOB, createBroadcastsService, type BroadcastsService } from './broadcasts.service.ts';
import { broadcastsMigrations } from './broadcasts.migrations.ts';
import { createBroadcastsApi } from './broadcasts.api.ts';

declare module '../module.ts' {
  interface ModuleServices {
    broadcasts: BroadcastsService;
  }
}

/**
 * Broadcasts: an admin composes a message (text, photo, buttons), picks an audience, sees a
 * preview and sends it now or at a time; recipients go through the outbox at Telegram's pace.
 */
export const module = defineModule({
  name: 'broadcasts',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'broadcasts', label: 'nav.broadcasts', icon: 'megaphone', group: 'business', order: 90 }],
  // Every business bot talks to its customers; the command is visible to admins only.
  core: true,
  dependsOn: ['users'],
  migrations: broadcastsMigrations,
  setup(deps) {
    const users = deps.services.users;
    if (!users) throw new Error('the broadcasts module needs the users module');
    const paidBroadcastAllowed = deps.env.PAID_BROADCAST === 'on';
    const broadcasts = createBroadcastsService({
      db: deps.database.db,
      users,
      i18n: deps.i18n,
      config: deps.config,
      logger: deps.logger,
      now: deps.now,
      paidBroadcastAllowed,
      sendRatePerSecond: deps.env.SEND_RATE_PER_SECOND,
      paidRatePerSecond: deps.env.PAID_BROADCAST_RATE_PER_SECOND,
      defaultProgressChatId: deps.config.adminChatIds[0] ?? deps.env.ADMIN_IDS[0],
      events: deps.events,
    });
    const bot = createBroadcastsBot({ broadcasts, config: deps.config, paidBroadcastAllowed, now: deps.now });
    return {
      service: broadcasts,
      composer: bot.composer,
      flows: [bot.flow],
      commands: [{ command: 'broadcast', description: 'command-broadcast', audience: 'admin' }],
      routes: createBroadcastsRoutes({ broadcasts, now: deps.now, i18n: deps.i18n, defaultLocale: deps.config.business.defaultLocale }),
      integrationRoutes: createBroadcastsApi({ broadcasts }),
      invalidInputCode: 'broadcasts.invalid',
      jobs: [{ name: 'broadcasts-progress', everyMs: 2000, run: () => broadcasts.tick() }],
      jobHandlers: { [START_BROADCAST_JOB]: (payload) => broadcasts.startScheduled(payload) },
      dailyReport: async ({ sinceMs, locale }) => {
        const finished = (await broadcasts.list(100)).filter((row) => row.finished_at !== null && row.finished_at >= sinceMs && row.status === 'done');
        if (finished.length === 0) return [];
        const delivered = finished.reduce((sum, row) => sum + row.delivered, 0);
        return [deps.i18n.t(locale, 'broadcasts-report', { count: finished.length, delivered })];
      },
    };
  },
});
