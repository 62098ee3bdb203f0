import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { apiKeyActorId } from '../../platform/principal.ts';
import { type AnyApiRoute, integrationRoute } from '../../platform/route.ts';
import { isoTime } from '../../platform/api-values.ts';
import type { OrderPayments } from './orders.payments.ts';
import { OrdersError, type OrdersService } from './orders.service.ts';
import { changeStatusAsStaff } from './orders.staff-status.ts';
import type { OrderNoteRecord, OrderStatusChangeRecord } from './orders.tables.ts';
import { apiOrder, orderView } from './orders.api.view.ts';

/** A moment as callers send it: ISO 8601, or epoch milliseconds. */
const moment = z.union([z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)), z.coerce.number().int().min(0)]);

const idParams = z.object({ id: z.coerce.number().int().positive().describe('The order id') });

const listQuery = z.object({
  status: z.string().regex(/^[a-z_]{1,16}(,[a-z_]{1,16})*$/).optional().describe('One status, or several separated by commas'),
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/).optional().describe('shop, custom, …'),
  customer_id: z.coerce.number().int().positive().optional().describe("The customer's Telegram user id"),
  external_id: z.string().min(1).max(64).optional(),
  created_from: moment.optional().describe('Created at or after (ISO 8601 or epoch ms)'),
  created_to: moment.optional().describe('Created before (ISO 8601 or epoch ms)'),
  updated_since: moment.optional().describe('Changed at or after (ISO 8601 or epoch ms)'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  starting_after: z.coerce.number().int().positive().optional().describe('The id of the last order of the previous page (its next_cursor)'),
});

const statusBody = z.object({
  to: z.string().regex(/^[a-z_]{1,16}$/).describe('The status to move the order to'),
  expected_from: z.string().regex(/^[a-z_]{1,16}$/).optional().describe('The status you saw; if the order has moved since, 409 orders.status_changed and nothing changes'),
  note: z.string().max(500).optional().describe('Kept in the order history'),
});

const noteBody = z.object({ text: z.string().trim().min(1).max(2000) });

const patchBody = z.object({
  external_id: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .nullable()
    .describe("The order's id in your system; unique among orders; null clears it"),
});

const historyView = z.object({ from: z.string().nullable(), to: z.string(), actor: z.string(), note: z.string().nullable(), at: z.string() });
const noteView = z.object({ object: z.literal('order_note'), id: z.number(), order_id: z.number(), author: z.object({ type: z.string(), name: z.string() }), text: z.string(), created_at: z.string() });

const apiHistory = (row: OrderStatusChangeRecord) => ({ from: row.from_status, to: row.to_status, actor: row.actor_type, note: row.note, at: isoTime(row.at) });
const apiNote = (row: OrderNoteRecord) => ({ object: 'order_note' as const, id: row.id, order_id: row.order_id, author: { type: row.author_type, name: row.author_name }, text: row.text, created_at: isoTime(row.at) });

/**
 * Orders in the integration API: a back end lists them (filters, cursor pages), reads one
 * with its history and notes, moves it (the customer is told exactly as when staff move it
 * in the panel; "refunded" for an order paid online refunds the payment), adds a staff note,
 * and stores its own id on it.
 */
export function createOrdersApi(deps: { orders: OrdersService; payments?: OrderPayments | undefined }): AnyApiRoute[] {
  const { orders } = deps;
  const detail = async (id: number) => {
    const order = await orders.detail(id);
    if (!order) throw new OrdersError('orders.not_found', 'There is no such order.');
    return { ...apiOrder(order), history: order.history.map(apiHistory), notes: (await orders.notesOf(id)).map(apiNote) };
  };
  const detailView = orderView.extend({ history: z.array(historyView), notes: z.array(noteView) });
  return [
    integrationRoute({
      method: 'GET',
      url: '/orders',
      tag: 'orders',
      scope: 'orders:read',
      summary: 'Orders matching the filters, newest first, a page at a time',
      query: listQuery,
      response: z.object({ object: z.literal('list'), data: z.array(orderView), has_more: z.boolean(), next_cursor: z.number().nullable() }),
      handler: async ({ query }) => {
        const { orders: page, hasMore } = await orders.page(
          {
            kind: query.kind,
            userId: query.customer_id,
            statuses: query.status?.split(','),
            externalId: query.external_id,
            fromMs: query.created_from,
            toMs: query.created_to,
            updatedSinceMs: query.updated_since,
          },
          { limit: query.limit, startingAfter: query.starting_after },
        );
        return { object: 'list' as const, data: page.map(apiOrder), has_more: hasMore, next_cursor: hasMore ? (page.at(-1)?.id ?? null) : null };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/orders/:id',
      tag: 'orders',
      scope: 'orders:read',
      summary: 'One order with its lines, status history and staff notes',
      params: idParams,
      response: detailView,
      handler: ({ params }) => detail(params.id),
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/orders/:id',
      tag: 'orders',
      scope: 'orders:write',
      summary: "Stores the order's id in your system (external_id)",
      params: idParams,
      body: patchBody,
      response: detailView,
      handler: async ({ params, body }) => {
        await orders.setExternalId(params.id, body.external_id);
        return detail(params.id);
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/orders/:id/status',
      tag: 'orders',
      scope: 'orders:write',
      summary: 'Moves an order to another status; the customer is told as when staff move it; “refunded” refunds an online payment',
      params: idParams,
      body: statusBody,
      response: detailView,
      handler: async ({ params, body, principal, request }) => {
        const moved = await changeStatusAsStaff(deps, { orderId: params.id, to: body.to, expectedFrom: body.expected_from, actorId: apiKeyActorId(principal), note: body.note });
        noteAudit(request, { subject: { type: 'order', id: params.id }, summary: { to: body.to, status: moved?.status } });
        return detail(params.id);
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/orders/:id/notes',
      tag: 'orders',
      scope: 'orders:write',
      status: 201,
      summary: 'Adds a staff note to an order (never shown to the customer)',
      params: idParams,
      body: noteBody,
      response: noteView,
      handler: async ({ params, body, principal }) => apiNote(await orders.addNote(params.id, { type: 'api_key', id: apiKeyActorId(principal), name: principal.name }, body.text)),
    }),
  ];
}
