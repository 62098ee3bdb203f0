import { z } from 'zod';
import { defineModule } from '../module.ts';
import type { GenerateService } from './generate.service.ts';
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
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupGenerate } = await import('./generate.setup.ts');
    return setupGenerate(deps);
  },
});
