import { z } from 'zod';
import { SUPPORTED_LOCALES, type BusinessConfig, type Locale } from '../../config/business.ts';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { PaymentScreens } from '../payments/payments.module.ts';
import { buildOrderExport } from './orders.export.ts';
import type { OrderPayments } from './orders.payments.ts';
import { OrdersError, type OrdersService } from './orders.service.ts';
import { changeStatusAsStaff } from './orders.staff-status.ts';

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

const noteBody = z.object({ text: z.string().trim().min(1).max(2000) });

const exportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  /** One kind of order (`shop`, `print3d`); absent: every kind, as the orders table shows. */
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).optional(),
  status: z.string().regex(/^[a-z_]{1,16}(,[a-z_]{1,16})*$/).optional(),
  userId: z.coerce.number().int().positive().optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  locale: z.enum(SUPPORTED_LOCALES).optional(),
});

/** What the orders routes need. */
export interface OrdersRoutesDeps {
  orders: OrdersService;
  payments?: OrderPayments | undefined;
  /** The payments module's view of a payment; absent while it is off. */
  paymentView?: PaymentScreens['paymentView'] | undefined;
  i18n: Translator;
  config: BusinessConfig;
  now(): number;
}

/**
 * Orders API for the admin panel: list with filters, one order with history, status
 * changes (a refund of an order paid online refunds its payment), and the export as CSV or
 * XLSX in the reader's language.
 */
export function createOrdersRoutes(deps: OrdersRoutesDeps): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Orders matching the filters, a page at a time',
      query: listQuery,
      handler: async ({ query }) => {
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
      },
    }),
    route({
      method: 'GET',
      url: '/export',
      summary: 'Orders matching the filter as CSV or XLSX',
      staffRoles: ['manager', 'accountant'],
      produces: 'text/csv',
      query: exportQuery,
      handler: async ({ query, reply, request }) => {
        const orders = await deps.orders.exportOrders({ kind: query.kind, statuses: query.status?.split(','), userId: query.userId, fromMs: query.fromMs, toMs: query.toMs });
        const locale: Locale = query.locale ?? deps.config.business.defaultLocale;
        const built = await buildOrderExport(orders, { t: (key) => deps.i18n.t(locale, key), locale, timeZone: deps.config.business.timeZone });
        const stamp = new Date(deps.now()).toISOString().slice(0, 10);
        noteAudit(request, { summary: { rows: built.rows } });
        reply.header('content-disposition', `attachment; filename="orders-${stamp}.${query.format}"`);
        if (query.format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(built.xlsx));
        return reply.type('text/csv; charset=utf-8').send(built.csv);
      },
    }),
    route({
      method: 'GET',
      url: '/:id',
      summary: 'One order with its lines, history, payments and the statuses staff may move it to',
      params: idParams,
      handler: async ({ params }) => {
        const order = await deps.orders.detail(params.id);
        if (!order) throw new OrdersError('orders.not_found', 'There is no such order.');
        // Read through the payments module's service: orders never reads its tables.
        const payments = deps.payments && deps.paymentView ? (await deps.payments.paymentsOf(order.id)).map(deps.paymentView) : [];
        const managedBy = deps.orders.managedBy(order.kind);
        return {
          order,
          notes: await deps.orders.notesOf(order.id),
          // Orders another module manages are moved on that module's page.
          next: managedBy ? [] : deps.orders.nextStatuses(order, 'staff'),
          managedBy: managedBy ?? null,
          payments,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/:id/status',
      summary: 'Moves an order to another status; “refunded” for an order paid online refunds its payment',
      params: idParams,
      body: statusBody,
      handler: async ({ params, body }) => ({
        order: await changeStatusAsStaff(deps, { orderId: params.id, to: body.to, expectedFrom: body.expectedFrom, actorId: body.actorId, note: body.note }),
      }),
    }),
    route({
      method: 'POST',
      url: '/:id/notes',
      summary: 'Adds a staff note to an order (never shown to the customer)',
      params: idParams,
      body: noteBody,
      handler: async ({ params, body, principal }) => ({
        note: await deps.orders.addNote(params.id, { type: 'staff', id: `staff:${principal.staff.id}`, name: principal.staff.displayName }, body.text),
      }),
    }),
  ];
}
