import { z } from 'zod';
import { externalIdFilter, externalIdInput } from '../../platform/api-values.ts';
import { noteAudit } from '../../platform/audit.ts';
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
 * when staff approve it in the panel), refunds a payment (Stars through Telegram) and stores
 * its own id on one. The API's `external_id` is that id (`backend_ref` in the table); the
 * provider's charge id, the table's `external_id`, is `provider_payment_id` here.
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
        external_id: externalIdFilter,
        limit: z.coerce.number().int().min(1).max(100).default(50),
        starting_after: z.coerce.number().int().positive().optional().describe('The id of the last payment of the previous page (its next_cursor)'),
      }),
      response: z.object({ object: z.literal('list'), data: z.array(paymentView), has_more: z.boolean(), next_cursor: z.number().nullable() }),
      handler: async ({ query }) => {
        const { payments: page, hasMore } = await payments.page(
          { status: query.status, provider: query.provider, purpose: query.purpose, userId: query.customer_id, backendRef: query.external_id },
          { limit: query.limit, startingAfter: query.starting_after },
        );
        return { object: 'list' as const, data: page.map(apiPayment), has_more: hasMore, next_cursor: hasMore ? (page.at(-1)?.id ?? null) : null };
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
      method: 'PATCH',
      url: '/payments/:id',
      tag: 'payments',
      scope: 'payments:write',
      summary: "Stores the payment's id in your system (external_id)",
      params: idParams,
      body: z.object({ external_id: externalIdInput('payment') }),
      response: paymentView,
      handler: async ({ params, body, request }) => {
        const { previous } = await payments.setBackendRef(params.id, body.external_id);
        noteAudit(request, { subject: { type: 'payment', id: params.id }, summary: { previous_external_id: previous } });
        return apiPayment(await paymentOf(params.id));
      },
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
