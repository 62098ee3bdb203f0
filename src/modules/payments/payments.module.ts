import { defineModule } from '../module.ts';
import type { addPaymentMethodRows } from './payments.bot.ts';
import type { orderPaymentView } from './payments.views.ts';
import type { PaymentsService } from './payments.service.ts';
import { paymentsMigrations } from './payments.migrations.ts';

/** Pieces of the payments screens other modules show with their own (an order's payment methods). */
export interface PaymentScreens {
  /** Adds a row per payment method of `ref` to a keyboard; a paused method explains itself. */
  methodRows: typeof addPaymentMethodRows;
  /** A payment as an order's page in the panel shows it. */
  paymentView: typeof orderPaymentView;
}

/** The payments module's service: payments, and the screen pieces other modules show. */
export type PaymentsModuleService = PaymentsService & { screens: PaymentScreens };

declare module '../module.ts' {
  interface ModuleServices {
    payments: PaymentsModuleService;
  }
}

/**
 * Payments: one `PaymentProvider` interface over Telegram Stars, Telegram card payments, the
 * Heleket crypto gateway, QR payments and manual transfers; each external charge settles once
 * (UNIQUE per provider charge id) in the same transaction as what it pays for.
 */
export const module = defineModule({
  name: 'payments',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'payments', label: 'nav.payments', icon: 'wallet', group: 'business', order: 80 }],
  dependsOn: ['users', 'audit'],
  migrations: paymentsMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupPayments } = await import('./payments.setup.ts');
    return setupPayments(deps);
  },
});
