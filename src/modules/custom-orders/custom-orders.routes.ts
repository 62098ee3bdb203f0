import { z } from 'zod';
import { staffActorOf } from '../../platform/principal.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { PaymentScreens } from '../payments/payments.module.ts';
import { toMinor } from '../../config/money.ts';
import { CustomOrdersError, type CustomOrdersService } from './custom-orders.service.ts';
import { changePrintStatusAsStaff } from './custom-orders.staff-status.ts';

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
}

/**
 * Custom orders for the admin panel: list, one order with its number, files, measurements,
 * quotes, lines, payments (payments module) and history (orders module), file and preview
 * downloads, status changes (stopping a paid order refunds it), new prices and messages to
 * the customer. Changes are recorded as the logged-in staff member's.
 */
export function createCustomOrdersRoutes(deps: CustomOrdersRoutesDeps): AnyApiRoute[] {
  const fileOf = async (params: { id: number; fileId: number }) => {
    const found = await deps.service.fileWithContent(params.id, params.fileId);
    if (!found) throw new CustomOrdersError('custom_orders.file_not_found', 'This order has no such file.');
    return found;
  };
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Print jobs matching the filters, newest first',
      query: listQuery,
      handler: async ({ query }) => {
        const result = await deps.service.list({ userId: query.userId, statuses: query.status?.split(','), fromMs: query.fromMs, toMs: query.toMs }, query.page, query.pageSize);
        return { orders: result.orders, page: result.window.page, pages: result.window.pages, total: result.window.total };
      },
    }),
    route({
      method: 'GET',
      url: '/:id',
      summary: 'One print job with its files, quotes, lines, payments and history',
      params: idParams,
      handler: async ({ params }) => {
        const order = await deps.service.detail(params.id);
        if (!order) throw new CustomOrdersError('custom_orders.not_found', 'There is no such order.');
        const { payments, ...rest } = order;
        return {
          order: {
            ...rest,
            files: order.files.map((file) => ({ ...file, downloadUrl: `files/${file.id}`, thumbnailUrl: `files/${file.id}/thumbnail.png` })),
          },
          next: deps.service.nextStatuses(order, 'staff'),
          // Read through the payments module's service: this module never reads its tables.
          payments: payments.map(deps.paymentView),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/:id/files/:fileId',
      summary: 'A model file as the customer sent it',
      produces: 'application/octet-stream',
      params: fileParams,
      handler: async ({ params, reply }) => {
        const found = await fileOf(params);
        return reply
          .header('content-type', CONTENT_TYPES[found.file.format] ?? 'application/octet-stream')
          .header('content-disposition', attachment(found.file.file_name))
          .send(Buffer.from(found.content));
      },
    }),
    route({
      method: 'GET',
      url: '/:id/files/:fileId/thumbnail.png',
      summary: 'A preview of a model file',
      produces: 'image/png',
      params: fileParams,
      handler: async ({ params, reply }) => reply.header('content-type', 'image/png').send(Buffer.from((await fileOf(params)).thumbnailPng)),
    }),
    route({
      method: 'POST',
      url: '/:id/status',
      summary: 'Moves a print job; stopping a paid one refunds it first',
      params: idParams,
      body: statusBody,
      handler: async ({ params, body, principal }) =>
        changePrintStatusAsStaff(deps.service, { orderId: params.id, to: body.to, expectedFrom: body.expectedFrom, note: body.note }, { role: 'staff', id: staffActorOf(principal).id }),
    }),
    route({
      method: 'POST',
      url: '/:id/quote',
      summary: 'Sets a new price (a new quote version the customer is asked to pay)',
      params: idParams,
      body: quoteBody,
      handler: async ({ params, body, principal }) => {
        const totalMinor = body.totalMinor ?? toMinor(body.total as number, deps.currency);
        const order = await deps.service.adjustQuote(params.id, totalMinor, { role: 'staff', id: staffActorOf(principal).id }, { note: body.note, expectedVersion: body.expectedVersion });
        return { order };
      },
    }),
    route({
      method: 'POST',
      url: '/:id/message',
      summary: 'Sends the customer a message about their order',
      params: idParams,
      body: messageBody,
      handler: async ({ params, body }) => {
        await deps.service.messageCustomer(params.id, body.text);
        return { sent: true };
      },
    }),
  ];
}
