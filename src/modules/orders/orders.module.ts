import { z } from 'zod';
import { defineModule } from '../module.ts';
import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { OrderKindScreens } from './orders.screens.ts';
import { orderPaymentSettingsSchema, type OrderPayments } from './orders.payments.ts';
import type { Order, OrdersService } from './orders.service.ts';
import { ordersMigrations } from './orders.migrations.ts';

/**
 * The orders module's service: the orders themselves, paying for them online, and the
 * screens of other modules' kinds of order. Orders sell through payments when it is enabled
 * (`after`), and are paid on delivery otherwise.
 */
export type OrdersModuleService = OrdersService & {
  payments: OrderPayments;
  /**
   * The screen asking a customer to pay for their order (payment methods, pay on delivery),
   * with `extra` buttons at the end; undefined when it cannot be paid online.
   */
  paymentScreen(ctx: BotContext, order: Order, extra: readonly { text: string; data: string }[]): Promise<{ text: string; keyboard: InlineKeyboard } | undefined>;
  /** Shows another module's kind of order in `/my_orders`, `/track_order` and `/stats` through that module's screens. */
  registerScreens(kind: string, screens: OrderKindScreens): void;
};

declare module '../module.ts' {
  interface ModuleServices {
    orders: OrdersModuleService;
  }
}

/** Settings under `settings.orders` in the business config. */
export const ordersSettingsSchema = z
  .object({
    /** Order number prefix per kind of order: `A-1042` for the shop. */
    numberPrefixes: z.record(z.string(), z.string().regex(/^[A-Z]{1,4}$/)).default({ shop: 'A' }),
    /** Prefix of kinds not listed above. */
    fallbackPrefix: z.string().regex(/^[A-Z]{1,4}$/).default('Z'),
    /** How customers pay for shop orders when the payments module is enabled. */
    payment: orderPaymentSettingsSchema,
  })
  .prefault({});

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
