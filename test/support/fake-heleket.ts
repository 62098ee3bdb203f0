import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local stand-in for Heleket's payment API, written from its documentation: POST JSON to
 * `/v1/payment` and `/v1/payment/info` with the `merchant` and `sign` headers
 * (`sign = md5(base64(body) + API_KEY)`), answers wrapped as `{ state: 0, result }`, and
 * webhooks whose `sign` field is `md5(base64(json_encode(body without sign, JSON_UNESCAPED_UNICODE)) + API_KEY)`.
 * It never talks to the internet; tests drive it (pay, expire, fail) and read what it saw.
 */

/** An invoice as the fake keeps it. */
export interface FakeInvoice {
  uuid: string;
  order_id: string;
  amount: string;
  currency: string;
  url_callback?: string;
  status: string;
  is_final: boolean;
  expired_at: number;
  created: number;
}

/** A request the fake received. */
export interface FakeRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  signatureValid: boolean;
}

/** PHP `json_encode($value, JSON_UNESCAPED_UNICODE)`: slashes, U+2028 and U+2029 escaped, other characters literal. */
function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function sign(body: string, apiKey: string): string {
  return createHash('md5').update(Buffer.from(body, 'utf8').toString('base64') + apiKey).digest('hex');
}

/** Options of {@link startFakeHeleket}. */
export interface FakeHeleketOptions {
  merchantId: string;
  apiKey: string;
}

/** A running fake gateway. */
export interface FakeHeleket {
  /** Base URL for HELEKET_API_URL. */
  url: string;
  invoices: Map<string, FakeInvoice>;
  requests: FakeRequest[];
  /** The next `count` API calls answer with `status` (500: server error) or never answer (`hang`). */
  failNext(count: number, mode?: { status: number } | 'hang'): void;
  /** Marks an invoice paid (or another status) and, unless `deliver: false`, posts the webhook. */
  pay(uuid: string, options?: { status?: string; amount?: string; deliver?: boolean }): Promise<{ body: string; response?: Response }>;
  /** The signed webhook body Heleket would post for an invoice, with field overrides. */
  webhookBody(uuid: string, overrides?: Record<string, unknown>, options?: { apiKey?: string }): string;
  /**
   * A webhook body from the exact text PHP's `json_encode($data, JSON_UNESCAPED_UNICODE)` wrote
   * for the data (floats such as `1.0`, `\/`, `\u2028` as PHP writes them): `sign` is that
   * text's signature, appended as PHP appends `$data['sign']`.
   */
  signPhpJson(phpJsonText: string, options?: { apiKey?: string }): string;
  /** Posts a webhook body to a URL, as Heleket does, optionally with extra headers. */
  deliver(url: string, body: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and an ephemeral port. */
export async function startFakeHeleket(options: FakeHeleketOptions): Promise<FakeHeleket> {
  const invoices = new Map<string, FakeInvoice>();
  const requests: FakeRequest[] = [];
  const failures: ({ status: number } | 'hang')[] = [];
  const hanging = new Set<ServerResponse>();
  let base = '';

  const view = (invoice: FakeInvoice) => ({
    uuid: invoice.uuid,
    order_id: invoice.order_id,
    amount: invoice.amount,
    payment_amount: invoice.is_final && invoice.status.startsWith('paid') ? invoice.amount : null,
    currency: invoice.currency,
    url: `${base}/pay/${invoice.uuid}`,
    status: invoice.status,
    payment_status: invoice.status,
    is_final: invoice.is_final,
    expired_at: invoice.expired_at,
    additional_data: null,
  });

  const reply = (response: ServerResponse, status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(payload));
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = request.headers.merchant === options.merchantId && request.headers.sign === sign(body, options.apiKey);
      requests.push({ path: request.url ?? '', headers: request.headers, body, signatureValid });
      const failure = failures.shift();
      if (failure === 'hang') {
        hanging.add(response);
        return;
      }
      if (failure) return reply(response, failure.status, { state: 1, message: 'Server error' });
      if (request.method !== 'POST') return reply(response, 405, { state: 1, message: 'Method not allowed' });
      if (!signatureValid) return reply(response, 401, { state: 1, message: 'Invalid Sign' });
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(response, 422, { state: 1, message: 'Invalid JSON' });
      }
      if (request.url === '/v1/payment') {
        const errors: Record<string, string[]> = {};
        if (typeof input.amount !== 'string' || !/^\d+(\.\d+)?$/.test(input.amount)) errors.amount = ['The amount field is required.'];
        if (typeof input.currency !== 'string') errors.currency = ['The currency field is required.'];
        if (typeof input.order_id !== 'string' || !/^[\w-]{1,128}$/.test(input.order_id)) errors.order_id = ['The order id field is required.'];
        if (Object.keys(errors).length > 0) return reply(response, 422, { state: 1, errors });
        // An open invoice with the same order_id is returned again, never duplicated.
        const existing = [...invoices.values()].find((invoice) => invoice.order_id === input.order_id && !invoice.is_final);
        if (existing) return reply(response, 200, { state: 0, result: view(existing) });
        const lifetime = typeof input.lifetime === 'number' ? input.lifetime : 3600;
        const invoice: FakeInvoice = {
          uuid: randomUUID(),
          order_id: input.order_id as string,
          amount: input.amount as string,
          currency: input.currency as string,
          url_callback: typeof input.url_callback === 'string' ? input.url_callback : undefined,
          status: 'check',
          is_final: false,
          expired_at: Math.floor(Date.now() / 1000) + lifetime,
          created: Date.now(),
        };
        invoices.set(invoice.uuid, invoice);
        return reply(response, 200, { state: 0, result: view(invoice) });
      }
      if (request.url === '/v1/payment/info') {
        const invoice = typeof input.uuid === 'string' ? invoices.get(input.uuid) : [...invoices.values()].find((item) => item.order_id === input.order_id);
        if (!invoice) return reply(response, 422, { state: 1, message: 'Payment not found' });
        return reply(response, 200, { state: 0, result: view(invoice) });
      }
      return reply(response, 404, { state: 1, message: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const webhookBody = (uuid: string, overrides: Record<string, unknown> = {}, signing: { apiKey?: string } = {}) => {
    const invoice = invoices.get(uuid);
    if (!invoice) throw new Error(`the fake has no invoice ${uuid}`);
    // Field order as Heleket's documentation lists it; PHP keeps insertion order.
    const data: Record<string, unknown> = {
      type: 'payment',
      uuid: invoice.uuid,
      order_id: invoice.order_id,
      amount: invoice.amount,
      payment_amount: invoice.amount,
      payment_amount_usd: invoice.amount,
      merchant_amount: invoice.amount,
      commission: '0.00',
      is_final: invoice.is_final,
      status: invoice.status,
      from: 'TX1payer/address',
      wallet_address_uuid: null,
      network: 'tron',
      currency: invoice.currency,
      payer_currency: 'USDT',
      additional_data: null,
      txid: `tx-${invoice.uuid.slice(0, 8)}`,
      ...overrides,
    };
    return JSON.stringify({ ...data, sign: sign(phpJson(data), signing.apiKey ?? options.apiKey) }).replace(/\//g, '\\/');
  };

  const deliver = (url: string, body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  const signPhpJson = (phpJsonText: string, signing: { apiKey?: string } = {}) => {
    if (!/^\{.+\}$/s.test(phpJsonText)) throw new Error('expected the JSON text of an object with fields');
    return `${phpJsonText.slice(0, -1)},"sign":"${sign(phpJsonText, signing.apiKey ?? options.apiKey)}"}`;
  };

  return {
    url: base,
    invoices,
    requests,
    failNext(count, mode = { status: 500 }) {
      for (let i = 0; i < count; i += 1) failures.push(mode);
    },
    async pay(uuid, payOptions = {}) {
      const invoice = invoices.get(uuid);
      if (!invoice) throw new Error(`the fake has no invoice ${uuid}`);
      invoice.status = payOptions.status ?? 'paid';
      invoice.is_final = ['paid', 'paid_over', 'wrong_amount', 'cancel', 'fail', 'system_fail', 'refund_paid', 'refund_fail'].includes(invoice.status);
      if (payOptions.amount) invoice.amount = payOptions.amount;
      const body = webhookBody(uuid);
      if (payOptions.deliver === false || !invoice.url_callback) return { body };
      return { body, response: await deliver(invoice.url_callback, body) };
    },
    webhookBody,
    signPhpJson,
    deliver,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
