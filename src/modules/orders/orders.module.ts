import { defineModule } from '../module.ts';
import type { OrdersModuleService } from './orders.contract.ts';
import { ordersMigrations } from './orders.migrations.ts';

export type { OrdersModuleService } from './orders.contract.ts';

declare module '../module.ts' {
  interface ModuleServices {
    orders: OrdersModuleService;
  }
}

/**
 * Orders of any kind (shop orders, custom jobs, clinic payments): readable numbers, a status
 * machine per kind with history and notifications, `/my_orders`, staff buttons, `/stats`, `/export`.
 */
export const module = defineModule({
  name: 'orders',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'orders', label: 'nav.orders', icon: 'bag', group: 'business', order: 20 }],
  dependsOn: ['users', 'reports'],
  // Integrations: the order back end's endpoint and its status webhook's idempotent answers.
  after: ['payments', 'integrations'],
  migrations: ordersMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupOrders } = await import('./orders.setup.ts');
    return setupOrders(deps);
  },
});
