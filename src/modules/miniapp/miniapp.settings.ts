import type { LiveSettingsSection } from '../module.ts';
import { miniAppSettingsSchema, type MiniAppService, type MiniAppSettings } from './miniapp.service.ts';

/**
 * The Mini App as a live setting: the owner turns it off (its API answers 404, the menu button
 * goes back to the command list at the next start) or changes how long its launch data lives.
 */
export function miniAppSettingsSection(deps: { miniApp: MiniAppService; configured: MiniAppSettings }): LiveSettingsSection<MiniAppSettings> {
  return {
    key: 'miniapp',
    summary: 'The Telegram Mini App: on or off, and how long its launch data is accepted',
    schema: miniAppSettingsSchema,
    fallback: () => structuredClone(deps.configured),
    apply: (value) => deps.miniApp.apply(value),
    describe: () => ({ sections: deps.miniApp.sections(), url: deps.miniApp.url() ?? null }),
  };
}
