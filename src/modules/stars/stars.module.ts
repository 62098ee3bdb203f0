import { defineModule } from '../module.ts';
import type { StarsService } from './stars.service.ts';
import { starsMigrations } from './stars.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    stars: StarsService;
  }
}

/**
 * A Telegram Stars reseller: customers buy Stars packages (or a custom amount) for any
 * username, pay through the payments module (the crypto gateway), and the order is delivered
 * by an admin or an external service behind a documented hook (see README.md here).
 */
export const module = defineModule({
  name: 'stars',
  // Orders: each purchase is an order of kind `stars` there (one list, one number, the panel, /stats, /export).
  dependsOn: ['users', 'payments', 'orders'],
  migrations: starsMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupStars } = await import('./stars.setup.ts');
    return setupStars(deps);
  },
});
