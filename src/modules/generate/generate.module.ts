import { defineModule } from '../module.ts';
import type { GenerateService } from './generate.service.ts';
import { generateMigrations } from './generate.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    generate: GenerateService;
  }
}

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
