import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createGateGuard } from './gate.bot.ts';
import { createGateService, gateSettingsSchema } from './gate.service.ts';
import { gateSettingsSection } from './gate.settings.ts';

/** Sets the gate module up; loaded only when a deployment runs it (see gate.module.ts). */
export function setupGate(deps: ModuleDeps): ModuleInstance {
  const settings = gateSettingsSchema.parse(deps.config.settings.gate ?? undefined);
  const gate = createGateService({
    settings,
    now: deps.now,
    onLookupError: (channel, error) =>
      deps.logger.warn({ err: error, channel: channel.chatId }, 'cannot check channel membership (is the bot an admin of the channel?); letting the user through'),
  });
  return {
    service: gate,
    guard: createGateGuard({ gate, config: deps.config, enabledModules: new Set(deps.config.modules) }),
    // The owner edits the channel list in the panel; the config file's list is the default.
    settings: [gateSettingsSection({ gate, configured: settings.channels })],
  };
}
