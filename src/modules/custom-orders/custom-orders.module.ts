import { defineModule } from '../module.ts';
import type { CustomOrdersService } from './custom-orders.service.ts';
import { customOrdersMigrations } from './custom-orders.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    'custom-orders': CustomOrdersService;
  }
}

/**
 * Custom orders from 3D models (preset `print3d`): the customer sends STL, OBJ or 3MF files,
 * which are measured and previewed; picks technology, material, colour, infill and quantity;
 * gets an automatic quote, pays through the payments module, and follows the order until it
 * is shipped. Each job is an order of the orders module (kind `print3d`) with its own row
 * beside it. Staff get each order with its files and move it along, adjust prices, refund
 * and write to the customer.
 */
export const module = defineModule({
  name: 'custom-orders',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'custom-orders', label: 'nav.customOrders', icon: 'printer', group: 'business', order: 30 }],
  // Orders first: their tables are referenced here, their service runs the jobs' statuses.
  // Payments: a job is paid before it is printed, so there is no offline fallback.
  dependsOn: ['users', 'orders', 'payments', 'broadcasts'],
  // Integrations: the key that signs the file links the order back end downloads models by.
  after: ['integrations'],
  migrations: customOrdersMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupCustomOrders } = await import('./custom-orders.setup.ts');
    return setupCustomOrders(deps);
  },
});
