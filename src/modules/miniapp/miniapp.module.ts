import { defineModule } from '../module.ts';
import { createMiniAppComposer } from './miniapp.bot.ts';
import { createMiniAppRoutes } from './miniapp.routes.ts';
import { createMiniAppService, MINIAPP_SECTION_MODULES, miniAppSettingsSchema, type MiniAppService } from './miniapp.service.ts';
import { miniAppSettingsSection } from './miniapp.settings.ts';

declare module '../module.ts' {
  interface ModuleServices {
    miniapp: MiniAppService;
  }
}

/**
 * The Telegram Mini App (web/miniapp, served at /app): the storefront over the same catalogue,
 * cart, orders and payments as the bot, or the clinic's booking calendar. This module knows where the app lives, whether it is
 * on, and offers it in the chat; each feature module brings its own `miniAppRoutes`.
 */
export const module = defineModule({
  name: 'miniapp',
  dependsOn: ['users'],
  // A preset with something to show in the app runs it (the shop's catalogue, the clinic's booking, the print studio's quote).
  enabledBy: (config) => MINIAPP_SECTION_MODULES.some((name) => config.modules.includes(name)),
  setup(deps) {
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
  },
});
