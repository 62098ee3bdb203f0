import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createMiniAppComposer } from './miniapp.bot.ts';
import { createMiniAppRoutes } from './miniapp.routes.ts';
import { createMiniAppService, miniAppSettingsSchema } from './miniapp.service.ts';
import { miniAppSettingsSection } from './miniapp.settings.ts';

/** Sets the miniapp module up; loaded only when a deployment runs it (see miniapp.module.ts). */
export function setupMiniApp(deps: ModuleDeps<'users'>): ModuleInstance {
  const settings = miniAppSettingsSchema.parse(deps.config.settings.miniapp ?? undefined);
  const miniApp = createMiniAppService({
    settings,
    modules: deps.config.modules,
    publicUrl: deps.env.PUBLIC_URL,
    sandbox: !deps.env.TELEGRAM_BOT_TOKEN,
    i18n: deps.i18n,
  });
  return {
    service: miniApp,
    composer: createMiniAppComposer({ miniApp }),
    commands: miniApp.sections().includes('shop') ? [{ command: 'shop', description: 'command-shop' }] : [],
    miniAppRoutes: createMiniAppRoutes({ miniApp, config: deps.config }),
    settings: [miniAppSettingsSection({ miniApp, configured: settings, telegram: () => deps.runtime.telegram(), locale: () => deps.config.business.defaultLocale, logger: deps.logger })],
  };
}
