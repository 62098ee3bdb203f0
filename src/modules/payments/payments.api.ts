import { z } from 'zod';
import { apiKeyActorId } from '../../platform/principal.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import { apiPayment, paymentView } from './payments.api.view.ts';
import { PaymentsError } from './payments.errors.ts';
import type { PaymentsService } from './payments.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const STATUSES = ['pending', 'paid', 'declined', 'expired', 'failed', 'refunding', 'refunded'] as const;
const PROVIDERS = ['telegram_stars', 'telegram_card', 'heleket', 'qr', 'manual'] as const;

/**
 * Payments in the integration API: a back office lists and reads payments, confirms a manual
 * transfer or a QR payment it saw arrive (the purchase is credited in the same transaction, as
 * when staff approve it in the panel) and refunds a payment (Stars through Telegram).
 */
export function createPaymentsApi(deps: { payments: PaymentsService }): AnyApiRoute[] {
  const { payments } = deps;
  const paymentOf = async (id: number) => {
    const payment = await payments.get(id);
    if (!payment) throw new PaymentsError('payments.not_found', 'There is no such payment.');
    return payment;
  };
  return [
    integrationRoute({
      method: 'GET',
      url: '/payments',
      tag: 'payments',
      scope: 'payments:read',
      summary: 'Payments matching the filters, newest first, a page at a time',
      query: z.object({
        status: z.enum(STATUSES).optional(),
        provider: z.enum(PROVIDERS).optional(),
        purpose: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).optional().describe('order, topup, stars, print, booking…'),
        customer_id: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        page: z.coerce.number().int().min(1).max(100_000).default(1),
      }),
      response: z.object({ object: z.literal('list'), data: z.array(paymentView), has_more: z.boolean(), page: z.number() }),
      handler: async ({ query }) => {
        const found = await payments.search({ status: query.status, provider: query.provider, purpose: query.purpose, userId: query.customer_id }, query.limit, (query.page - 1) * query.limit);
        return { object: 'list' as const, data: found.payments.map(apiPayment), has_more: query.page * query.limit < found.total, page: query.page };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/payments/:id',
      tag: 'payments',
      scope: 'payments:read',
      summary: 'One payment',
      params: idParams,
      response: paymentView,
      handler: async ({ params }) => apiPayment(await paymentOf(params.id)),
    }),
    integrationRoute({
      method: 'POST',
      url: '/payments/:id/confirm',
      tag: 'payments',
      scope: 'payments:write',
      summary: 'Confirms a manual transfer or a QR payment that arrived: what it pays for is credited in the same transaction',
      params: idParams,
      response: paymentView,
      handler: async ({ params, principal }) => {
        await payments.confirm(params.id, { type: 'admin', id: apiKeyActorId(principal) });
        return apiPayment(await paymentOf(params.id));
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/payments/:id/refund',
      tag: 'payments',
      scope: 'payments:write',
      summary: 'Refunds a paid payment: Stars go back through Telegram, other methods are recorded as refunded for you to return',
      params: idParams,
      response: paymentView.extend({ via_provider: z.boolean() }),
      handler: async ({ params, principal }) => {
        const result = await payments.refund(params.id, { type: 'admin', id: apiKeyActorId(principal) });
        return { ...apiPayment(result.payment), via_provider: result.viaProvider };
      },
    }),
  ];
}
