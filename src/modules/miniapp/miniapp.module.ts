import { defineModule } from '../module.ts';
import { MINIAPP_SECTION_MODULES, type MiniAppService } from './miniapp.service.ts';

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
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupMiniApp } = await import('./miniapp.setup.ts');
    return setupMiniApp(deps);
  },
});
