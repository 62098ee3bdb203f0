import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { isUsersError } from '../users/users.errors.ts';
import { isPaymentsError } from './payments.errors.ts';
import { orderPaymentView } from './payments.views.ts';
import type { PaymentsService } from './payments.service.ts';
import { ReceiptUnavailableError, type ReceiptFiles } from './payments.receipts.ts';
import { PROVIDER_IDS, type PaymentRecord } from './payments.tables.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  status: z.enum(['pending', 'paid', 'declined', 'expired', 'failed', 'refunding', 'refunded']).optional(),
  provider: z.enum(PROVIDER_IDS).optional(),
  userId: z.coerce.number().int().positive().optional(),
  /** Created at or after / before, epoch ms. */
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Pages of `limit` rows; takes the place of `offset` when given. */
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  /** The panel's language: method labels and what each payment is for are written in it. */
  locale: z.enum(SUPPORTED_LOCALES).optional(),
});
const eventsQuery = z.object({
  status: z.enum(['received', 'processed', 'rejected', 'ignored', 'failed']).optional(),
  provider: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const createBody = z.object({
  userId: z.number().int().positive(),
  purpose: z.string().regex(/^[a-z_]{1,12}$/),
  ref: z.string().regex(/^[A-Za-z0-9_-]{1,24}$/),
  method: z.string().regex(/^[a-z0-9_.]{1,24}$/),
  locale: z.enum(SUPPORTED_LOCALES).default('en'),
});
const declineBody = z.object({ reason: z.string().trim().min(1).max(400) });
const webhookParams = z.object({ provider: z.enum(['heleket', 'qr']) });

/** A payment as the API shows it (receipt file ids and details are internal). */
function view(payment: PaymentRecord) {
  return {
    ...orderPaymentView(payment),
    userId: payment.user_id,
    purpose: payment.purpose,
    ref: payment.purpose_ref,
    units: payment.units,
    externalId: payment.external_id,
    payUrl: payment.pay_url,
    hasReceipt: payment.receipt_file_id !== null,
    decidedBy: payment.decided_by,
    expiresAt: payment.expires_at,
  };
}

function fail(reply: FastifyReply, error: unknown) {
  if (isUsersError(error)) return reply.code(404).send({ error: error.code, message: error.message });
  if (isPaymentsError(error)) {
    const status = error.code === 'payments.not_found' ? 404 : error.code === 'payments.gateway_unavailable' ? 503 : 409;
    return reply.code(status).send({ error: error.code, message: error.message, details: error.details });
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(code)) {
    return reply.code(409).send({ error: code, message: (error as Error).message });
  }
  throw error;
}

/** Who is acting in a staff request (the admin gate's session). */
export type StaffActorOf = (request: FastifyRequest) => { type: 'admin'; id: string | number };

/**
 * The staff API under `/api/payments`, behind the admin gate: lists, the event log, opening a
 * payment for a user, approve, decline and refund. The acting staff member comes from the session.
 */
export function createPaymentsRoutes(deps: { payments: PaymentsService; actorOf: StaffActorOf; receipts?: ReceiptFiles }): FastifyPluginAsync {
  const { payments } = deps;
  /**
   * A payment as the panel's list shows it: also its method as the bot names it, and what it
   * pays for in the purpose's own words (a Stars order's number and Stars), in `locale`.
   */
  const describedView = async (payment: PaymentRecord, locale: Locale | undefined) => ({
    ...view(payment),
    methodLabel: payments.methodLabel(payment, locale ?? payments.staffLocale),
    subject: (await payments.staffSubject(payment, locale ?? payments.staffLocale)) ?? null,
  });
  return async (app) => {
    app.get('/', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'payments.invalid_query', issues: query.error.issues });
      const { status, provider, userId, fromMs, toMs, limit, page, locale } = query.data;
      const offset = page === undefined ? query.data.offset : (page - 1) * limit;
      const found = await payments.search({ status, provider, userId, fromMs, toMs }, limit, offset);
      const described = await Promise.all(found.payments.map((payment) => describedView(payment, locale)));
      return { payments: described, total: found.total, page: Math.floor(offset / limit) + 1, pages: Math.max(1, Math.ceil(found.total / limit)) };
    });

    app.get('/events', async (request, reply) => {
      const query = eventsQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'payments.invalid_query', issues: query.error.issues });
      const rows = await payments.listEvents({ status: query.data.status, provider: query.data.provider }, query.data.limit);
      return { events: rows.map(({ payload: _payload, ...rest }) => rest) };
    });

    app.get('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'payments.invalid_id' });
      const payment = await payments.get(params.data.id);
      if (!payment) return reply.code(404).send({ error: 'payments.not_found' });
      return { payment: view(payment) };
    });

    // The transfer receipt the customer sent, for the approval card (fetched from Telegram).
    app.get('/:id/receipt', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'payments.invalid_id', message: 'The payment id is not a number.' });
      const payment = await payments.get(params.data.id);
      if (!payment?.receipt_file_id) return reply.code(404).send({ error: 'payments.no_receipt', message: 'This payment has no receipt.' });
      if (!deps.receipts) return reply.code(503).send({ error: 'payments.receipt_unavailable', message: 'Receipts cannot be fetched here.' });
      try {
        const receipt = await deps.receipts.get(payment.receipt_file_id);
        return reply
          .header('content-type', receipt.mimeType)
          .header('x-content-type-options', 'nosniff')
          // A PDF opened in its own tab must not run anything, whatever it holds.
          .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
          .header('content-disposition', `inline; filename="receipt-${payment.id}.${receipt.mimeType === 'application/pdf' ? 'pdf' : (receipt.mimeType.split('/')[1] ?? 'bin')}"`)
          .send(receipt.bytes);
      } catch (error) {
        if (error instanceof ReceiptUnavailableError) return reply.code(502).send({ error: error.code, message: error.message });
        throw error;
      }
    });

    // admin-only: server-to-server (a Mini App backend opens a payment for a user).
    app.post('/', async (request, reply) => {
      const body = createBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'payments.invalid_input', issues: body.error.issues });
      try {
        const { payment, start } = await payments.start(body.data);
        const answer: Record<string, unknown> = { payment: view(payment), type: start.type };
        if (start.type === 'telegram_invoice') answer.invoiceLink = await payments.invoiceLink(payment, start);
        if (start.type === 'link') answer.url = start.url;
        if (start.type === 'qr') Object.assign(answer, { reference: start.reference, qrContent: start.content, qrPngBase64: start.png.toString('base64') });
        if (start.type === 'manual') answer.requisites = start.requisites;
        return reply.code(201).send(answer);
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/approve', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'payments.invalid_input' });
      try {
        const outcome = await payments.confirm(params.data.id, deps.actorOf(request));
        return { payment: outcome.payment ? view(outcome.payment) : undefined };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/decline', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = declineBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'payments.invalid_input' });
      try {
        return { payment: view(await payments.decline(params.data.id, deps.actorOf(request), body.data.reason)) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/refund', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'payments.invalid_input' });
      try {
        const result = await payments.refund(params.data.id, deps.actorOf(request));
        return { payment: view(result.payment), viaProvider: result.viaProvider };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}

/**
 * The gateways' webhooks under `/public/payments/webhooks/<heleket|qr>`: open to anyone, so
 * each one authenticates its caller itself (signature, source address, freshness).
 */
export function createPaymentsWebhookRoutes(deps: { payments: PaymentsService }): FastifyPluginAsync {
  const { payments } = deps;
  return async (app) => {
    // Webhooks get the raw bytes: signatures are computed over what was sent, not a re-parse.
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
      // Public: authenticated by the gateway's signature, not by a session.
      hooks.post('/webhooks/:provider', async (request, reply) => {
        const params = webhookParams.safeParse(request.params);
        if (!params.success) return reply.code(404).send({ error: 'payments.unknown_webhook' });
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await payments.handleCallback(params.data.provider, { rawBody, headers: request.headers, ip: request.ip });
        return reply
          .code(result.httpStatus)
          .send(result.httpStatus === 200 ? { ok: true, ...(result.code ? { note: result.code } : {}) } : { ok: false, error: result.code, ...(result.detail ? { message: result.detail } : {}) });
      });
    });
  };
}
