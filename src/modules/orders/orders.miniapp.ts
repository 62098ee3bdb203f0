// An order in the Mini App: the one just placed (its total, whether it still waits for
// payment, whether paying on delivery is allowed) and choosing to pay on delivery. The list of
// orders and everything after stays in the chat (/my_orders), as for orders placed there.

import { z } from 'zod';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import { OrdersError } from './orders.core.ts';
import type { OrderMessages } from './orders.messages.ts';
import type { OrderPayments } from './orders.payments.ts';
import type { Order, OrdersService } from './orders.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

/** The orders routes of the Mini App's API. */
export function createOrdersMiniAppRoutes(deps: { orders: OrdersService; payments: OrderPayments; messages: OrderMessages }): AnyApiRoute[] {
  const { orders, payments } = deps;
  /** The user's own order; another's is as unknown as one that does not exist. */
  const ownOrder = async (id: number, userId: number): Promise<Order> => {
    const order = await orders.get(id);
    if (!order || order.user_id !== userId) throw new OrdersError('orders.not_found', 'There is no such order of yours.', { id });
    return order;
  };
  return [
    miniAppRoute({
      method: 'GET',
      url: '/orders/:id',
      summary: 'One of the user’s orders: its total, status and how it may be paid',
      params: idParams,
      handler: async ({ params, principal }) => {
        const order = await ownOrder(params.id, principal.userId);
        return {
          order: {
            id: order.id,
            number: order.number,
            status: order.status,
            status_label: deps.messages.statusLabel(order.status, principal.locale),
            total_minor: order.total_minor,
            currency: order.currency,
            payment_method: order.payment_method,
            awaits_payment: orders.awaitsPayment(order),
            pay_online: payments.isOnline() && orders.awaitsPayment(order),
            pay_on_delivery: payments.offersOnDelivery() && orders.awaitsPayment(order),
          },
        };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/orders/:id/pay-on-delivery',
      summary: 'The user chooses to pay for their order on delivery',
      params: idParams,
      handler: async ({ params, principal }) => {
        const order = await ownOrder(params.id, principal.userId);
        if (!payments.offersOnDelivery() || !(await orders.choosePayOnDelivery(order.id, principal.userId))) {
          throw new OrdersError('orders.status_changed', 'This order cannot be paid on delivery now.', { id: order.id });
        }
        return { order: { id: order.id, number: order.number, payment_method: 'on_delivery' } };
      },
    }),
  ];
}
