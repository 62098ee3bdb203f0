import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createCatalogApi } from './catalog.api.ts';
import { createCatalogComposer } from './catalog.bot.ts';
import { createCatalogFeed } from './catalog.feed.ts';
import { createCatalogFeedRoutes } from './catalog.feed.routes.ts';
import { createCatalogMiniAppRoutes, createCatalogPhotoRoutes } from './catalog.miniapp.ts';
import { catalogFeedSettingsSection, type CatalogFeedPanelSettings } from './catalog.feed.settings.ts';
import { createCatalogRoutes } from './catalog.routes.ts';
import { catalogSettingsSchema, createCatalogService } from './catalog.service.ts';

/** Sets the catalog module up; loaded only when a deployment runs it (see catalog.module.ts). */
export function setupCatalog(deps: ModuleDeps): ModuleInstance {
  const settings = catalogSettingsSchema.parse(deps.config.settings.catalog ?? undefined);
  const catalog = createCatalogService({
    db: deps.database.db,
    now: deps.now,
    currency: deps.config.business.currency,
    defaultLocale: deps.config.business.defaultLocale,
    pageSize: settings.pageSize,
  });
  const bot = createCatalogComposer({ catalog, now: deps.now });
  // The feed's URL, format and schedule: the config file's until the owner sets them in the panel.
  let feedSettings: CatalogFeedPanelSettings = { url: settings.feed.url, format: settings.feed.format, intervalMinutes: settings.feed.intervalMinutes };
  const policy = createOutgoingPolicy(deps.config.outgoing.allowPrivate, { untilDurable: deps.database.untilDurable });
  const feed = createCatalogFeed({
    db: deps.database.db,
    now: deps.now,
    logger: deps.logger,
    policy,
    catalog,
    config: settings.feed,
    settings: () => feedSettings,
    currency: deps.config.business.currency,
    defaultLocale: deps.config.business.defaultLocale,
  });
  return {
    service: catalog,
    composer: bot.composer,
    commands: [
      { command: 'catalog', description: 'command-catalog' },
      { command: 'search', description: 'command-search' },
    ],
    deepLinks: { p_: bot.openProductLink },
    routes: [
      ...createCatalogRoutes({ catalog, defaultLocale: deps.config.business.defaultLocale }),
      ...createCatalogFeedRoutes({ feed, settings: () => feedSettings, config: settings.feed }),
    ],
    integrationRoutes: createCatalogApi({ catalog }),
    miniAppRoutes: createCatalogMiniAppRoutes({ catalog }),
    publicRoutes: createCatalogPhotoRoutes({ catalog }),
    seedDemo: async (data) => void (await catalog.seed(data)),
    settings: [catalogFeedSettingsSection({ configured: settings.feed, policy, apply: (value) => void (feedSettings = value) })],
    // Looks for an import staff asked for, or one the schedule says is due; runs it under a lease.
    jobs: [{ name: 'catalog.feed', everyMs: settings.feed.pollMs, run: () => feed.tick() }],
  };
}
