import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createGenerateComposer } from './generate.bot.ts';
import { createDemoGenerator } from './generate.demo.ts';
import { createHttpGenerator } from './generate.http.ts';
import { createGenerateService } from './generate.service.ts';
import { generateSettingsSchema } from './generate.settings.ts';

/** Sets the generate module up; loaded only when a deployment runs it (see generate.module.ts). */
export function setupGenerate(deps: ModuleDeps<'wallet'>): ModuleInstance {
  const wallet = deps.services.wallet;
  if (!wallet) throw new Error('the generate module needs the wallet module');
  const settings = generateSettingsSchema.parse(deps.config.settings.generate);
  // The demo generator draws a picture from the prompt; a real one implements the same
  // `Generator` interface and is chosen here (see the module's README).
  const generator = settings.http ? createHttpGenerator(settings.http) : createDemoGenerator(settings);
  const generate = createGenerateService({ db: deps.database.db, now: deps.now, wallet, i18n: deps.i18n, settings, generator });
  const { composer, flows } = createGenerateComposer({ generate, logger: deps.logger });
  // A job untouched for this long lost its runner (the process stopped); it is refunded.
  const staleMs = Math.max(60_000, settings.stepMs * 5);
  return {
    service: generate,
    composer,
    flows,
    commands: [{ command: 'generate', description: 'command-generate' }],
    jobs: [{ name: 'generate.recover', everyMs: 15_000, run: async () => void (await generate.recoverStale(staleMs)) }],
  };
}
