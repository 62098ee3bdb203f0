import { defineModule } from '../module.ts';
import type { WalletService } from './wallet.service.ts';
import { walletMigrations } from './wallet.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    wallet: WalletService;
  }
}

/**
 * The token wallet: an append-only ledger and a balance the database keeps non-negative,
 * token packs sold through payments, and the staff tools (adjustments, export, health).
 */
export const module = defineModule({
  name: 'wallet',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'payments', label: 'nav.payments', icon: 'wallet', group: 'business', order: 80 }],
  dependsOn: ['users', 'audit', 'payments'],
  migrations: walletMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupWallet } = await import('./wallet.setup.ts');
    return setupWallet(deps);
  },
});
