/**
 * The order back end: the business's own system that keeps orders (an ERP, a production
 * system). New orders go to it through a webhook endpoint the config file sets up (signed,
 * retried, in order, idempotent by event id) and its answer's id becomes the order's
 * external_id; statuses it sets come back through its own webhook or the integration API and
 * reach the customer exactly as a move in the panel does.
 */
import type { DbExecutor } from '../../../db/database.ts';
import type { IntegrationsModuleService } from '../../integrations/integrations.module.ts';
import type { OrderPayments } from '../orders.payments.ts';
import { OrdersError, type Order, type OrdersService } from '../orders.service.ts';
import { changeStatusAsStaff } from '../orders.staff-status.ts';
import type { OrdersBackendConfig } from './orders-backend.config.ts';

/** The connector's name: its webhook endpoint's `managed_by`, and the actor of the moves it makes. */
export const ORDERS_BACKEND = 'orders_backend';

/** The Standard Webhooks secret both sides derive from the token: `whsec_` and its bytes in base64. */
export function signingSecretOf(token: string): string {
  return `whsec_${Buffer.from(token, 'utf8').toString('base64')}`;
}

/** The order an `order.created` event Lavka wrote is about. */
function orderIdOfEvent(body: string): number {
  const event = JSON.parse(body) as { resource?: { type?: string; id?: string } };
  const id = Number(event.resource?.id);
  if (event.resource?.type !== 'order' || !Number.isSafeInteger(id)) throw new Error('the event names no order');
  return id;
}

/** The back end's id in its answer to `order.created`: `{ "id": "…" }`, a string or a number, 1–64 characters. */
function backendIdOf(answer: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    parsed = undefined;
  }
  const id = parsed && typeof parsed === 'object' ? (parsed as { id?: unknown }).id : undefined;
  const text = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : typeof id === 'string' ? id.trim() : '';
  if (text.length === 0 || text.length > 64) throw new Error(`expected {"id": "<your order id>"} (1–64 characters) in the answer to order.created, got: ${answer.slice(0, 120) || '(empty)'}`);
  return text;
}

/** What the connector needs. */
export interface OrdersBackendDeps {
  config: OrdersBackendConfig;
  orders: OrdersService;
  payments?: OrderPayments | undefined;
  webhooks: Pick<IntegrationsModuleService['webhooks'], 'manage'>;
}

/** A status the back end sets, as its webhook sends it. */
export interface BackendStatus {
  orderId?: number | undefined;
  externalId?: string | undefined;
  /** The back end's name of the status, or Lavka's own. */
  status: string;
  note?: string | undefined;
}

/** Connects the order back end: its endpoint set up as the config file says, and its statuses read. */
export async function createOrdersBackend(deps: OrdersBackendDeps) {
  const { config, orders } = deps;
  await deps.webhooks.manage(
    ORDERS_BACKEND,
    { url: config.url, eventTypes: config.events, description: config.description, secret: signingSecretOf(config.token) },
    {
      // The event id is the idempotency key: every retry of one order's creation carries the same one.
      headers: ({ eventId }) => ({ authorization: `Bearer ${config.token}`, 'idempotency-key': eventId }),
      async accept(executor: DbExecutor, delivery, answer) {
        if (delivery.type !== 'order.created') return;
        await orders.recordExternalId(executor, orderIdOfEvent(delivery.body), backendIdOf(answer.body));
      },
    },
  );

  /** The Lavka status a back-end status name stands for on `order`, or a refusal listing what is understood. */
  const lavkaStatusOf = (order: Order, status: string): string => {
    const machine = orders.machineOf(order.kind);
    const mapped = config.statusMap[status] ?? status;
    if (machine.statuses.includes(mapped)) return mapped;
    const known = [...Object.keys(config.statusMap).filter((name) => machine.statuses.includes(config.statusMap[name] ?? '')), ...machine.statuses];
    throw new OrdersError('orders.backend_unknown_status', `Status "${status}" means nothing for ${order.kind} orders; map it under connectors.orders.statusMap or send one of: ${known.join(', ')}.`, {
      status,
      known,
    });
  };

  return {
    token: config.token,
    secret: signingSecretOf(config.token),

    /**
     * Moves an order to the status the back end set, as staff would in the panel (the customer
     * told in their language, a paid print job stopped refunded first). An order already there
     * is left as it is and nobody is told again.
     */
    async receiveStatus(input: BackendStatus): Promise<{ changed: boolean; order: Order }> {
      const id = input.orderId ?? (input.externalId === undefined ? undefined : await orders.idOfExternal(input.externalId));
      const order = id === undefined ? undefined : await orders.get(id);
      if (!order) throw new OrdersError('orders.not_found', 'There is no such order.', { orderId: input.orderId ?? null, externalId: input.externalId ?? null });
      const to = lavkaStatusOf(order, input.status);
      if (order.status === to) return { changed: false, order };
      const moved = await changeStatusAsStaff(deps, { orderId: order.id, to, expectedFrom: order.status, actorId: ORDERS_BACKEND, note: input.note });
      return { changed: true, order: moved ?? (await orders.get(order.id)) ?? order };
    },
  };
}

/** The order back end of a running Lavka. */
export type OrdersBackend = Awaited<ReturnType<typeof createOrdersBackend>>;
