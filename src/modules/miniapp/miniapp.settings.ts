import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Locale } from '../../config/business.ts';
import type { LiveSettingsSection } from '../module.ts';
import { miniAppSettingsSchema, type MiniAppService, type MiniAppSettings } from './miniapp.service.ts';

/**
 * The Mini App as a live setting: the owner turns it off (its API answers 404 and the menu
 * button goes back to the command list at once) or on again, or changes how long its launch
 * data lives.
 */
export function miniAppSettingsSection(deps: { miniApp: MiniAppService; configured: MiniAppSettings; telegram(): Api | undefined; locale(): Locale; logger: Logger }): LiveSettingsSection<MiniAppSettings> {
  return {
    key: 'miniapp',
    summary: 'The Telegram Mini App: on or off, and how long its launch data is accepted',
    schema: miniAppSettingsSchema,
    fallback: () => structuredClone(deps.configured),
    apply: (value) => {
      const wasOn = deps.miniApp.enabled();
      deps.miniApp.apply(value);
      // Before the bot exists (start-up) there is nothing to change: it publishes the button itself.
      const api = deps.telegram();
      if (api && wasOn !== deps.miniApp.enabled()) {
        deps.miniApp.publishMenuButton(api, deps.locale()).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not change the Mini App menu button'));
      }
    },
    describe: () => ({ sections: deps.miniApp.sections(), url: deps.miniApp.url() ?? null }),
  };
}
