import { z } from 'zod';
import { lineTitlesSchema } from './orders.lines.ts';
import type { OrderLineRecord, OrderRecord } from './orders.tables.ts';
import { isoTime } from '../../platform/api-values.ts';

const lineView = z.object({
  position: z.number(),
  kind: z.enum(['product', 'item', 'fee']),
  product_id: z.number().nullable(),
  variant_id: z.number().nullable(),
  title: z.string(),
  variant_title: z.string().nullable(),
  titles: z.record(z.string(), z.object({ title: z.string(), variantTitle: z.string().nullable() })).nullable().describe('The names in every language at ordering time'),
  unit_price_minor: z.number(),
  quantity: z.number(),
  total_minor: z.number(),
});

/** An order as the integration API and its webhooks show it. */
export const orderView = z.object({
  object: z.literal('order'),
  id: z.number(),
  number: z.string(),
  external_id: z.string().nullable(),
  kind: z.string(),
  status: z.string(),
  customer: z.object({ id: z.number(), name: z.string(), phone: z.string().nullable() }),
  currency: z.string(),
  total_minor: z.number().describe('Minor units (kopecks, tiyn)'),
  payment: z.object({ method: z.string(), payment_id: z.number().nullable() }),
  delivery: z.object({ method: z.string().nullable(), address: z.string().nullable(), pickup_point: z.string().nullable() }),
  comment: z.string().nullable(),
  lines: z.array(lineView),
  created_at: z.string(),
  updated_at: z.string(),
});

function titlesOf(raw: string | null): z.infer<typeof lineView>['titles'] {
  if (raw === null) return null;
  const parsed = lineTitlesSchema.safeParse((() => { try { return JSON.parse(raw) as unknown; } catch { return undefined; } })());
  return parsed.success ? (parsed.data as z.infer<typeof lineView>['titles']) : null;
}

/** An order as the integration API and its webhooks show it. */
export function apiOrder(order: OrderRecord & { lines: readonly OrderLineRecord[] }): z.infer<typeof orderView> {
  return {
    object: 'order',
    id: order.id,
    number: order.number,
    external_id: order.external_id,
    kind: order.kind,
    status: order.status,
    customer: { id: order.user_id, name: order.contact_name, phone: order.contact_phone },
    currency: order.currency,
    total_minor: order.total_minor,
    payment: { method: order.payment_method, payment_id: order.payment_id },
    delivery: { method: order.delivery_method, address: order.delivery_address, pickup_point: order.pickup_point },
    comment: order.comment,
    lines: order.lines.map((line) => ({
      position: line.position,
      kind: line.line_kind,
      product_id: line.product_id,
      variant_id: line.variant_id,
      title: line.title,
      variant_title: line.variant_title,
      titles: titlesOf(line.titles),
      unit_price_minor: line.unit_price_minor,
      quantity: line.quantity,
      total_minor: line.total_minor,
    })),
    created_at: isoTime(order.created_at),
    updated_at: isoTime(order.updated_at),
  };
}

