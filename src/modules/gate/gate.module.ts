import { defineModule } from '../module.ts';
import type { GateService } from './gate.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    gate: GateService;
  }
}

/** Channel subscription gate: users must join the business's channels before using the bot. */
export const module = defineModule({
  name: 'gate',
  // The module's code is loaded only when a deployment runs it: its declaration is all
  // every start needs.
  async setup(deps) {
    const { setupGate } = await import('./gate.setup.ts');
    return setupGate(deps);
  },
});
