import { Composer, type MiddlewareFn } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { FlowDefinition } from '../../telegram/flow.ts';
import { staffReader } from '../../telegram/refusals.ts';
import type { OrderKindScreens } from '../orders/orders.screens.ts';
import type { Order } from '../orders/orders.service.ts';
import { detailScreen, toKeyboard, type CustomOrdersBotDeps } from './custom-orders.bot.shared.ts';
import { registerCustomerCard, subscribeScreen } from './custom-orders.customer.bot.ts';
import { orderFlowDefinition, registerIntake } from './custom-orders.intake.bot.ts';
import { callbackData } from './custom-orders.messages.ts';
import { registerStaffCard, staffFlowDefinition, statsLines } from './custom-orders.staff.bot.ts';

export { ORDER_FLOW, STAFF_FLOW, type CustomOrdersBotDeps } from './custom-orders.bot.shared.ts';

/**
 * Custom orders in the bot: the `/new_order` flow (files → technology → material → colour →
 * infill → quantity → comment → deadline → summary with preview and quote → confirm and pay
 * through the payments module), the customer's card of a job and notification choices, and
 * the staff side (status buttons, refunds, price adjustment, messages). The customer's list,
 * `/track_order` and `/stats` are the orders module's, which shows print jobs through
 * `screens`.
 */
export function createCustomOrdersBot(deps: CustomOrdersBotDeps): {
  composer: Composer<BotContext>;
  flows: FlowDefinition[];
  guard: MiddlewareFn<BotContext>;
  screens: OrderKindScreens;
} {
  const { service, messages } = deps;
  const composer = new Composer<BotContext>();
  registerIntake(composer, deps);

  /**
   * Runs before flows and other modules' handlers. `/subscribe`: the broadcasts module answers
   * it too (bringing the user back into news), and runs first; here it opens the notification
   * choices, which include that news toggle.
   */
  const guard = new Composer<BotContext>();
  guard.chatType('private').command('subscribe', async (ctx) => {
    const screen = await subscribeScreen(deps, ctx, ctx.from.id);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  registerCustomerCard(composer, deps);
  registerStaffCard(composer, deps);

  /** How print jobs look on the orders module's screens (`/my_orders`, `/track_order`, `/stats`). */
  const screens: OrderKindScreens = {
    statusLabel: (status, locale) => messages.statusLabel(status, locale),
    customerCardData: (orderId, page) => callbackData.open(orderId, page),
    async track(ctx: BotContext, found: Order) {
      const order = await service.get(found.id);
      if (!order) return;
      if (ctx.isAdmin && order.user_id !== ctx.from?.id) {
        await ctx.reply(messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))) });
        return;
      }
      const screen = await detailScreen(deps, ctx, order.id, 1);
      if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    },
    stats: (locale) => statsLines(deps, locale),
  };

  return { composer, flows: [orderFlowDefinition(deps), staffFlowDefinition(deps)], guard: guard.middleware(), screens };
}
