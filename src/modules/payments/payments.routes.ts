import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { staffActorOf } from '../../platform/principal.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { PaymentsError } from './payments.errors.ts';
import { orderPaymentView } from './payments.views.ts';
import type { PaymentsService } from './payments.service.ts';
import type { ReceiptFiles } from './payments.receipts.ts';
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

/**
 * The staff API under `/api/payments`: lists, the event log, a receipt, opening a payment for
 * a user, approve, decline and refund. The acting staff member comes from the principal.
 */
export function createPaymentsRoutes(deps: {
  payments: PaymentsService;
  receipts?: ReceiptFiles | undefined;
  /** The customer's name as the panel shows it (first and last name, else @username); undefined for one the bot does not know. */
  customerName?: ((userId: number) => Promise<string | undefined>) | undefined;
}): AnyApiRoute[] {
  const { payments } = deps;
  /**
   * A payment as the panel's list shows it: also its method as the bot names it, what it pays
   * for in the purpose's own words (a Stars order's number and Stars), in `locale`, and who pays.
   */
  const describedView = async (payment: PaymentRecord, locale: Locale | undefined) => ({
    ...view(payment),
    methodLabel: payments.methodLabel(payment, locale ?? payments.staffLocale),
    subject: (await payments.staffSubject(payment, locale ?? payments.staffLocale)) ?? null,
    customerName: (await deps.customerName?.(payment.user_id)) ?? null,
  });
  const paymentOf = async (id: number) => {
    const payment = await payments.get(id);
    if (!payment) throw new PaymentsError('payments.not_found', 'There is no such payment.');
    return payment;
  };
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Payments matching the filters, newest first, with their method and what they pay for',
      query: listQuery,
      handler: async ({ query }) => {
        const { status, provider, userId, fromMs, toMs, limit, page, locale } = query;
        const offset = page === undefined ? query.offset : (page - 1) * limit;
        const found = await payments.search({ status, provider, userId, fromMs, toMs }, limit, offset);
        const described = await Promise.all(found.payments.map((payment) => describedView(payment, locale)));
        return { payments: described, total: found.total, page: Math.floor(offset / limit) + 1, pages: Math.max(1, Math.ceil(found.total / limit)) };
      },
    }),
    route({
      method: 'GET',
      url: '/events',
      summary: 'The gateways’ event log',
      query: eventsQuery,
      handler: async ({ query }) => {
        const rows = await payments.listEvents({ status: query.status, provider: query.provider }, query.limit);
        return { events: rows.map(({ payload: _payload, ...rest }) => rest) };
      },
    }),
    route({
      method: 'GET',
      url: '/:id',
      summary: 'One payment',
      params: idParams,
      handler: async ({ params }) => ({ payment: view(await paymentOf(params.id)) }),
    }),
    route({
      method: 'GET',
      url: '/:id/receipt',
      summary: 'The transfer receipt the customer sent, for the approval card (fetched from Telegram)',
      produces: 'application/octet-stream',
      params: idParams,
      handler: async ({ params, reply }) => {
        const payment = await payments.get(params.id);
        if (!payment?.receipt_file_id) throw new PaymentsError('payments.no_receipt', 'This payment has no receipt.');
        if (!deps.receipts) return reply.code(503).send({ error: 'payments.receipt_unavailable', message: 'Receipts cannot be fetched here.' });
        const receipt = await deps.receipts.get(payment.receipt_file_id);
        return reply
          .header('content-type', receipt.mimeType)
          .header('x-content-type-options', 'nosniff')
          // A PDF opened in its own tab must not run anything, whatever it holds.
          .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
          .header('content-disposition', `inline; filename="receipt-${payment.id}.${receipt.mimeType === 'application/pdf' ? 'pdf' : (receipt.mimeType.split('/')[1] ?? 'bin')}"`)
          .send(receipt.bytes);
      },
    }),
    route({
      method: 'POST',
      url: '/',
      summary: 'Opens a payment for a user (a Mini App back end, server to server)',
      body: createBody,
      handler: async ({ body, reply }) => {
        const { payment, start } = await payments.start(body);
        const answer: Record<string, unknown> = { payment: view(payment), type: start.type };
        if (start.type === 'telegram_invoice') answer.invoiceLink = await payments.invoiceLink(payment, start);
        if (start.type === 'link') answer.url = start.url;
        if (start.type === 'qr') Object.assign(answer, { reference: start.reference, qrContent: start.content, qrPngBase64: start.png.toString('base64') });
        if (start.type === 'manual') answer.requisites = start.requisites;
        return reply.code(201).send(answer);
      },
    }),
    route({
      method: 'POST',
      url: '/:id/approve',
      summary: 'Confirms a transfer: the money is credited in the same transaction',
      params: idParams,
      handler: async ({ params, principal }) => {
        const outcome = await payments.confirm(params.id, staffActorOf(principal));
        return { payment: outcome.payment ? view(outcome.payment) : undefined };
      },
    }),
    route({
      method: 'POST',
      url: '/:id/decline',
      summary: 'Declines a transfer with a reason the customer is told',
      params: idParams,
      body: declineBody,
      handler: async ({ params, body, principal }) => ({ payment: view(await payments.decline(params.id, staffActorOf(principal), body.reason)) }),
    }),
    route({
      method: 'POST',
      url: '/:id/refund',
      summary: 'Refunds a payment (Stars back through Telegram, a gateway’s through the gateway)',
      params: idParams,
      handler: async ({ params, principal }) => {
        const result = await payments.refund(params.id, staffActorOf(principal));
        return { payment: view(result.payment), viaProvider: result.viaProvider };
      },
    }),
  ];
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
