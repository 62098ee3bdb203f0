import { defineModule } from '../module.ts';
import type { CartService } from './cart.service.ts';
import { cartMigrations } from './cart.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    cart: CartService;
  }
}

/**
 * The cart and checkout: lines in the database, +/−, re-checks of price and stock before
 * ordering, and the checkout flow that turns the cart into a shop order.
 */
export const module = defineModule({
  name: 'cart',
  dependsOn: ['users', 'catalog', 'orders'],
  migrations: cartMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupCart } = await import('./cart.setup.ts');
    return setupCart(deps);
  },
});
