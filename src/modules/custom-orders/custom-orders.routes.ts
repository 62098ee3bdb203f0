import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PaymentScreens } from '../payments/payments.module.ts';
import { toMinor } from '../../config/money.ts';
import { CustomOrdersError, type CustomOrdersService } from './custom-orders.service.ts';
import { isPaidStatus } from './custom-orders.status.ts';

const listQuery = z.object({
  status: z
    .string()
    .regex(/^[a-z_]{1,16}(,[a-z_]{1,16})*$/)
    .optional(),
  userId: z.coerce.number().int().optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const fileParams = idParams.extend({ fileId: z.coerce.number().int().positive() });
const actorId = z.union([z.string().max(64), z.number().int()]).optional();
const statusBody = z.object({
  to: z.string().regex(/^[a-z_]{1,16}$/),
  /** The status the panel showed; a mismatch means someone else moved the order first. */
  expectedFrom: z.string().regex(/^[a-z_]{1,16}$/).optional(),
  actorId,
  note: z.string().max(500).optional(),
});
const quoteBody = z
  .object({
    /** The new price in minor units, or … */
    totalMinor: z.number().int().positive().optional(),
    /** … in whole currency units as people type it. */
    total: z.number().positive().optional(),
    /** The quote version the panel showed. */
    expectedVersion: z.number().int().min(0).optional(),
    actorId,
    note: z.string().max(500).optional(),
  })
  .refine((body) => (body.total === undefined) !== (body.totalMinor === undefined), 'give exactly one of total and totalMinor');
const messageBody = z.object({ text: z.string().trim().min(1).max(3000) });

const STATUS_CODES: Record<string, number> = {
  'custom_orders.not_found': 404,
  'custom_orders.transition_not_allowed': 409,
  'custom_orders.status_changed': 409,
  'custom_orders.quote_outdated': 409,
  'custom_orders.refund_not_allowed': 409,
  // The payment provider refused the refund: staff were alerted to return the money by hand.
  'custom_orders.refund_failed': 502,
};

const CONTENT_TYPES: Record<string, string> = {
  stl: 'model/stl',
  obj: 'model/obj',
  '3mf': 'model/3mf',
};

/** `attachment; filename=…` that survives non-ASCII names (RFC 6266 / 5987). */
function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Dependencies of the custom-orders routes. */
export interface CustomOrdersRoutesDeps {
  service: CustomOrdersService;
  currency: string;
  /** The payments module's view of a payment on an order's page. */
  paymentView: PaymentScreens['paymentView'];
  /**
   * Who is acting, from the staff session (their Telegram id, or the panel account). Behind
   * the admin gate it is always given; a body's `actorId` is only used without one.
   */
  actorOf?(request: FastifyRequest): string | number;
}

/**
 * Custom orders for the admin panel: list, one order with its number, files, measurements,
 * quotes, lines, payments (payments module) and history (orders module), file and preview
 * downloads, status changes (stopping a paid order refunds it), new prices and messages to
 * the customer. // admin-only: mounted under /api/custom-orders, which the admin panel's
 * auth wraps; nothing here may be exposed publicly.
 */
export function createCustomOrdersRoutes(deps: CustomOrdersRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    const actorIdOf = (request: FastifyRequest, fromBody: string | number | undefined) => deps.actorOf?.(request) ?? fromBody;

    const fail = (error: unknown, reply: { code(status: number): { send(body: unknown): unknown } }) => {
      if (error instanceof CustomOrdersError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message, details: error.details });
      throw error;
    };

    app.get('/', async (request, reply) => {
      const parsed = listQuery.safeParse(request.query);
      if (!parsed.success) {
        return reply.code(400).send({ error: 'custom_orders.invalid_query', issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
      }
      const query = parsed.data;
      const result = await deps.service.list({ userId: query.userId, statuses: query.status?.split(','), fromMs: query.fromMs, toMs: query.toMs }, query.page, query.pageSize);
      return { orders: result.orders, page: result.window.page, pages: result.window.pages, total: result.window.total };
    });

    app.get('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'custom_orders.invalid_id' });
      const order = await deps.service.detail(params.data.id);
      if (!order) return reply.code(404).send({ error: 'custom_orders.not_found' });
      const { payments, ...rest } = order;
      return {
        order: {
          ...rest,
          files: order.files.map((file) => ({
            ...file,
            downloadUrl: `files/${file.id}`,
            thumbnailUrl: `files/${file.id}/thumbnail.png`,
          })),
        },
        next: deps.service.nextStatuses(order, 'staff'),
        // Read through the payments module's service: this module never reads its tables.
        payments: payments.map(deps.paymentView),
      };
    });

    app.get('/:id/files/:fileId', async (request, reply) => {
      const params = fileParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'custom_orders.invalid_id' });
      const found = await deps.service.fileWithContent(params.data.id, params.data.fileId);
      if (!found) return reply.code(404).send({ error: 'custom_orders.file_not_found' });
      return reply
        .header('content-type', CONTENT_TYPES[found.file.format] ?? 'application/octet-stream')
        .header('content-disposition', attachment(found.file.file_name))
        .send(Buffer.from(found.content));
    });

    app.get('/:id/files/:fileId/thumbnail.png', async (request, reply) => {
      const params = fileParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'custom_orders.invalid_id' });
      const found = await deps.service.fileWithContent(params.data.id, params.data.fileId);
      if (!found) return reply.code(404).send({ error: 'custom_orders.file_not_found' });
      return reply.header('content-type', 'image/png').send(Buffer.from(found.thumbnailPng));
    });

    app.post('/:id/status', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = statusBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'custom_orders.invalid_request' });
      const actor = { role: 'staff' as const, id: actorIdOf(request, body.data.actorId) };
      try {
        const current = await deps.service.get(params.data.id);
        // Stopping a paid order gives the money back first (`refundPending` while Telegram has not confirmed).
        if (current && isPaidStatus(current.status) && (body.data.to === 'refunded' || body.data.to === 'cancelled')) {
          const { order, refundPending } = await deps.service.refundOrder(params.data.id, actor, { expectedFrom: body.data.expectedFrom, note: body.data.note });
          return { order, refundPending };
        }
        const order = await deps.service.changeStatus(params.data.id, body.data.to, actor, { expectedFrom: body.data.expectedFrom, note: body.data.note });
        return { order };
      } catch (error) {
        return fail(error, reply);
      }
    });

    app.post('/:id/quote', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = quoteBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'custom_orders.invalid_request' });
      try {
        const totalMinor = body.data.totalMinor ?? toMinor(body.data.total as number, deps.currency);
        const order = await deps.service.adjustQuote(params.data.id, totalMinor, { role: 'staff', id: actorIdOf(request, body.data.actorId) }, { note: body.data.note, expectedVersion: body.data.expectedVersion });
        return { order };
      } catch (error) {
        return fail(error, reply);
      }
    });

    app.post('/:id/message', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = messageBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'custom_orders.invalid_request' });
      try {
        await deps.service.messageCustomer(params.data.id, body.data.text);
        return { sent: true };
      } catch (error) {
        return fail(error, reply);
      }
    });
  };
}
