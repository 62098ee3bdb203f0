import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { isLavkaError } from '../../../platform/errors.ts';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint, type IdempotencyStore } from '../../../platform/idempotency.ts';
import { IntegrationError, sendApiError, sendIntegrationError } from '../../../platform/integration.errors.ts';
import { apiOrder } from '../orders.api.view.ts';
import { OrdersError } from '../orders.service.ts';
import type { OrdersBackend } from './orders-backend.ts';

/**
 * The back end's status webhook keeps its idempotent answers with the integration API's, under
 * this key id, which no API key has (their ids start at 1).
 */
export const ORDERS_BACKEND_IDEMPOTENCY_ID = 0;

/** The path under `/public/orders`. */
export const ORDERS_BACKEND_WEBHOOK_PATH = '/webhooks/backend';

const statusBody = z
  .object({
    order_id: z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]).optional(),
    external_id: z.string().trim().min(1).max(64).optional(),
    status: z.string().trim().min(1).max(64),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((body) => (body.order_id === undefined) !== (body.external_id === undefined), { message: 'name the order by order_id (Lavka\'s) or external_id (yours), one of them' });

/** True when the request carries the token, or a valid Standard Webhooks signature made with it. */
function authenticated(request: FastifyRequest, rawBody: string, backend: Pick<OrdersBackend, 'token' | 'secret'>): boolean {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const given = Buffer.from(header.slice('Bearer '.length).trim());
    const expected = Buffer.from(backend.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  if (request.headers['webhook-signature'] === undefined) return false;
  try {
    new Webhook(backend.secret.replace(/^whsec_/, '')).verify(rawBody, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/**
 * `POST /public/orders/webhooks/backend`: the order back end sets an order's status. It is
 * authenticated by the shared token (`Authorization: Bearer …`) or a Standard Webhooks
 * signature, idempotent by `webhook-id` (or `Idempotency-Key`): a replay gets the first answer
 * and tells nobody again. Refusals change nothing and say why.
 */
export function createOrdersBackendRoutes(deps: { backend: OrdersBackend; idempotency: IdempotencyStore }): FastifyPluginAsync {
  return async (app) => {
    // Raw bytes: a signature is checked over what was sent, not a re-parse.
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
      hooks.post(ORDERS_BACKEND_WEBHOOK_PATH, async (request, reply) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
        if (!authenticated(request, rawBody, deps.backend)) {
          return sendIntegrationError(reply, new OrdersError('orders.backend_unauthorized', 'Send the token of ORDERS_BACKEND_TOKEN as "Authorization: Bearer …", or sign the request as Standard Webhooks with it.'));
        }
        let json: unknown;
        try {
          json = JSON.parse(rawBody);
        } catch {
          json = undefined;
        }
        const parsed = statusBody.safeParse(json);
        if (!parsed.success) {
          return sendApiError(reply, 400, {
            code: 'orders.invalid_request',
            message: 'Expected JSON { "order_id" | "external_id", "status", "note"? }.',
            details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
          });
        }
        const key = [request.headers['webhook-id'], request.headers['idempotency-key']].find((value): value is string => typeof value === 'string');
        if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
          return sendIntegrationError(reply, new IntegrationError('api.idempotency_key_invalid', 'A webhook-id or Idempotency-Key is 1–255 printable ASCII characters.'));
        }
        if (key !== undefined) {
          const start = await deps.idempotency.begin(ORDERS_BACKEND_IDEMPOTENCY_ID, key, requestFingerprint('POST', ORDERS_BACKEND_WEBHOOK_PATH, json));
          if (start.state === 'replay') return reply.code(start.status).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true').send(start.body);
          if (start.state === 'mismatch') return sendIntegrationError(reply, new IntegrationError('api.idempotency_key_reused', 'This webhook-id was used for another status. Use a new id for a new change.'));
          if (start.state === 'in_progress') return sendIntegrationError(reply, new IntegrationError('api.idempotency_in_progress', 'A request with this webhook-id is still running. Try again in a moment.'));
        }
        const answer = await run(reply, () =>
          deps.backend.receiveStatus({ orderId: parsed.data.order_id, externalId: parsed.data.external_id, status: parsed.data.status, note: parsed.data.note }),
        );
        if (key !== undefined) {
          // A failure inside Lavka, or input refused before anything was looked up, may be sent again with the same id.
          if (answer.status >= 500 || answer.status === 400) await deps.idempotency.abandon(ORDERS_BACKEND_IDEMPOTENCY_ID, key);
          else await deps.idempotency.finish(ORDERS_BACKEND_IDEMPOTENCY_ID, key, answer);
        }
        return reply.code(answer.status).header('content-type', 'application/json; charset=utf-8').send(answer.body);
      });
    });
  };
}

/** Runs the change and writes its answer (a refusal the integration API's way) without sending it yet. */
async function run(reply: FastifyReply, work: () => ReturnType<OrdersBackend['receiveStatus']>): Promise<{ status: number; body: string }> {
  try {
    const { changed, order } = await work();
    return { status: 200, body: JSON.stringify({ changed, order: apiOrder(order) }) };
  } catch (error) {
    if (!isLavkaError(error)) {
      reply.log.error({ err: error }, 'the order back end status webhook failed');
      return { status: 500, body: JSON.stringify({ error: { code: 'orders.internal', message: 'Lavka could not take this status now; send it again.' } }) };
    }
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    return { status: error.status, body: JSON.stringify({ error: { code: error.code, message: error.message, ...details } }) };
  }
}
