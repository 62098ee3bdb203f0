import { z } from 'zod';
import { ConfigError, type Env } from '../../../config/env.ts';

/** The events an order back end may hear; `order.created` always, for it answers with its id. */
export const ORDERS_BACKEND_EVENTS = ['order.created', 'order.paid', 'order.status_changed'] as const;

/** `connectors.orders` in the config file: where the order back end is and how its statuses read. */
export const ordersBackendConfigSchema = z
  .object({
    /** Where Lavka posts the events (an address inside your network needs outgoing.allowPrivate). */
    url: z.url({ protocol: /^https?$/, message: 'expected the http(s) URL of your order back end' }),
    /** Shown with the endpoint on the panel's Webhooks page. */
    description: z.string().trim().max(200).default('Order back end'),
    events: z
      .array(z.enum(ORDERS_BACKEND_EVENTS))
      .min(1)
      .default(['order.created'])
      .refine((events) => events.includes('order.created'), { message: 'order.created must be among the events: the back end answers it with its order id' }),
    /** The back end's status names → Lavka's (`in_production: in_progress`); Lavka's own names are read as they are. */
    statusMap: z.record(z.string().trim().min(1).max(64), z.string().regex(/^[a-z][a-z_]{0,15}$/, 'expected a Lavka status such as in_progress')).default({}),
  })
  .strict();

/** A valid `connectors.orders` with the token from the environment. */
export type OrdersBackendConfig = z.output<typeof ordersBackendConfigSchema> & { token: string };

/**
 * Reads `connectors.orders`; undefined when the config file has none. Stops start-up with
 * every problem listed, the missing `ORDERS_BACKEND_TOKEN` among them.
 */
export function readOrdersBackendConfig(raw: unknown, env: Pick<Env, 'ORDERS_BACKEND_TOKEN'>): OrdersBackendConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = ordersBackendConfigSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `connectors.orders.${issue.path.join('.')}: ${issue.message}`);
  if (!env.ORDERS_BACKEND_TOKEN) problems.push('ORDERS_BACKEND_TOKEN: the order back end needs the token both sides share (32+ characters)');
  if (!parsed.success || !env.ORDERS_BACKEND_TOKEN) throw new ConfigError('Lavka cannot start: connectors.orders in the business configuration is invalid.', problems);
  return { ...parsed.data, token: env.ORDERS_BACKEND_TOKEN };
}
