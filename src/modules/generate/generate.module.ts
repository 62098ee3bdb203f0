import { z } from 'zod';
import { defineModule } from '../module.ts';
import { createGenerateComposer } from './generate.bot.ts';
import { createDemoGenerator } from './generate.demo.ts';
import { createHttpGenerator } from './generate.http.ts';
import { createGenerateService, type GenerateService } from './generate.service.ts';
import { generateMigrations } from './generate.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    generate: GenerateService;
  }
}

/** Settings under `settings.generate` in the business config. */
export const generateSettingsSchema = z
  .object({
    costTokens: z.number().int().positive().max(1_000_000).default(10),
    steps: z.number().int().min(1).max(100).default(10),
    stepMs: z.number().int().min(0).max(60_000).default(500),
    failMarker: z.string().max(32).default('#fail'),
    progressEveryMs: z.number().int().min(0).max(60_000).default(1000),
    /** An outside generator; without it the demo generator draws a picture from the prompt. */
    http: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
      })
      .optional(),
  })
  .prefault({});

/** A paid long-running task (a generator; the demo one draws a picture) that spends wallet tokens and refunds on failure. */
export const module = defineModule({
  name: 'generate',
  dependsOn: ['wallet'],
  migrations: generateMigrations,
  setup(deps) {
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
  },
});
