import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { PaymentScreens } from '../payments/payments.module.ts';
import { isPaymentsError } from '../payments/payments.errors.ts';
import type { OrderPayments } from './orders.payments.ts';
import { OrdersError, type OrdersService } from './orders.service.ts';

const listQuery = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).optional(),
  status: z
    .string()
    .regex(/^[a-z_]{1,16}(,[a-z_]{1,16})*$/)
    .optional(),
  userId: z.coerce.number().int().optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  /** Part of the number, the customer's name or phone. */
  q: z.string().trim().max(64).optional(),
  minTotalMinor: z.coerce.number().int().min(0).optional(),
  maxTotalMinor: z.coerce.number().int().min(0).optional(),
  sort: z.enum(['created', 'total', 'status']).default('created'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });

const statusBody = z.object({
  to: z.string().regex(/^[a-z_]{1,16}$/),
  /** The status the panel showed; a mismatch means someone else moved the order first. */
  expectedFrom: z.string().regex(/^[a-z_]{1,16}$/).optional(),
  /** Staff member's id as the admin panel knows them. */
  actorId: z.union([z.string().max(64), z.number().int()]).optional(),
  note: z.string().max(500).optional(),
});

const STATUS_CODES: Record<string, number> = {
  'orders.not_found': 404,
  'orders.transition_not_allowed': 409,
  'orders.status_changed': 409,
  'orders.unknown_kind': 400,
  'orders.refund_not_allowed': 409,
};

/**
 * Orders API for the admin panel: list with filters, one order with history, status
 * changes. // admin-only: mounted under /api/orders, which the admin panel's auth wraps;
 * nothing here may be exposed publicly.
 */
export function createOrdersRoutes(deps: { orders: OrdersService; payments?: OrderPayments; paymentView?: PaymentScreens['paymentView'] }): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request, reply) => {
      const parsed = listQuery.safeParse(request.query);
      if (!parsed.success) return reply.code(400).send({ error: 'orders.invalid_query', issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
      const query = parsed.data;
      const result = await deps.orders.list(
        {
          kind: query.kind,
          userId: query.userId,
          statuses: query.status?.split(','),
          fromMs: query.fromMs,
          toMs: query.toMs,
          search: query.q || undefined,
          minTotalMinor: query.minTotalMinor,
          maxTotalMinor: query.maxTotalMinor,
        },
        query.page,
        query.pageSize,
        { by: query.sort, direction: query.direction },
      );
      return { orders: result.orders, page: result.window.page, pages: result.window.pages, total: result.window.total };
    });

    app.get('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'orders.invalid_id' });
      const order = await deps.orders.detail(params.data.id);
      if (!order) return reply.code(404).send({ error: 'orders.not_found' });
      // Read through the payments module's service: orders never reads its tables.
      const payments = deps.payments ? await deps.payments.paymentsOf(order.id) : [];
      const managedBy = deps.orders.managedBy(order.kind);
      return {
        order,
        // Orders another module manages are moved on that module's page.
        next: managedBy ? [] : deps.orders.nextStatuses(order, 'staff'),
        managedBy: managedBy ?? null,
        payments: deps.paymentView ? payments.map(deps.paymentView) : [],
      };
    });

    app.post('/:id/status', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = statusBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'orders.invalid_request' });
      try {
        const target = await deps.orders.get(params.data.id);
        const managedBy = target ? deps.orders.managedBy(target.kind) : undefined;
        if (managedBy) {
          return reply.code(409).send({ error: 'orders.managed_elsewhere', message: `orders of this kind are moved through /api/${managedBy}`, details: { module: managedBy } });
        }
        const paid = body.data.to === 'refunded' && deps.payments?.isOnline() ? await deps.orders.get(params.data.id) : undefined;
        if (deps.payments && paid && paid.payment_id !== null) {
          if (body.data.expectedFrom !== undefined && body.data.expectedFrom !== paid.status) {
            return reply.code(409).send({ error: 'orders.status_changed', message: 'the order has moved since', details: { orderId: paid.id, status: paid.status } });
          }
          // Paid online: refunding the payment returns the money, and its refund moves the order.
          await deps.payments.refund(paid, body.data.actorId ?? 'panel');
          return { order: await deps.orders.get(paid.id) };
        }
        const order = await deps.orders.changeStatus(
          params.data.id,
          body.data.to,
          { role: 'staff', id: body.data.actorId },
          { expectedFrom: body.data.expectedFrom, note: body.data.note },
        );
        return { order };
      } catch (error) {
        if (error instanceof OrdersError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message, details: error.details });
        if (isPaymentsError(error)) return reply.code(409).send({ error: error.code, message: error.message, details: error.details });
        throw error;
      }
    });
  };
}
