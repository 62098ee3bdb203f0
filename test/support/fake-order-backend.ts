import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** A model file as an `order.created` event describes it. */
export interface BackendFile {
  id: number;
  name: string;
  size: number;
  mime_type: string;
  sha256: string;
  url: string | null;
  content_base64?: string;
}

/** An order the back end keeps: Lavka's event and the id it answered with. */
export interface BackendOrder {
  id: string;
  lavkaOrderId: number;
  number: string;
  kind: string;
  idempotencyKey: string;
  files: BackendFile[];
  /** Each file as downloaded by its URL (or decoded inline), with the SHA-256 it really has. */
  downloads: { name: string; bytes: Buffer; sha256: string; matches: boolean }[];
}

/**
 * A business's order back end as Lavka's contract describes it, small enough for a test: it
 * checks the Bearer token and the Standard Webhooks signature of every call, keeps one order per
 * Idempotency-Key (a retry gets the id it was given first), downloads each print file by its
 * link and checks its SHA-256, and answers `{ "id": … }`. While "down" it answers 500 — before
 * storing anything, or (`lostAnswers`) after storing, as a back end that crashed mid-answer;
 * `noId` answers 200 without the id the contract asks for.
 */
export async function startFakeOrderBackend(options: { token: string }) {
  const verifier = new Webhook(Buffer.from(options.token, 'utf8').toString('base64'));
  const orders = new Map<string, BackendOrder>();
  const state = { attempts: 0, unauthorised: 0, mode: 'up' as 'up' | 'down' | 'lostAnswers' | 'noId', events: [] as { type: string; webhookId: string; data: Record<string, unknown> }[] };
  let next = 500;

  const authorised = (header: string | undefined) => {
    const given = Buffer.from(header ?? '');
    const expected = Buffer.from(`Bearer ${options.token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const download = async (file: BackendFile) => {
    const bytes = file.url ? Buffer.from(await (await fetch(file.url)).arrayBuffer()) : Buffer.from(file.content_base64 ?? '', 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { name: file.name, bytes, sha256, matches: sha256 === file.sha256 && bytes.length === file.size };
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        state.attempts += 1;
        const body = Buffer.concat(chunks).toString('utf8');
        let event: { type: string; data: Record<string, unknown> };
        try {
          if (!authorised(request.headers.authorization)) throw new Error('bad token');
          event = verifier.verify(body, request.headers as Record<string, string>) as typeof event;
        } catch {
          state.unauthorised += 1;
          response.writeHead(401).end('unauthorised');
          return;
        }
        const key = String(request.headers['idempotency-key']);
        if (state.mode === 'down') {
          response.writeHead(500).end('back end is down');
          return;
        }
        state.events.push({ type: event.type, webhookId: String(request.headers['webhook-id']), data: event.data });
        if (event.type !== 'order.created') {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        let kept = orders.get(key);
        if (!kept) {
          const order = event.data.order as { id: number; number: string; kind: string };
          const files = (event.data.files as BackendFile[] | undefined) ?? [];
          next += 1;
          kept = { id: `BO-${next}`, lavkaOrderId: order.id, number: order.number, kind: order.kind, idempotencyKey: key, files, downloads: await Promise.all(files.map(download)) };
          orders.set(key, kept);
        }
        if (state.mode === 'lostAnswers') {
          response.writeHead(500).end('stored, but the answer was lost');
          return;
        }
        if (state.mode === 'noId') {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: kept.id }));
      })().catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/lavka/orders`,
    /** Orders kept, one per idempotency key. */
    orders: () => [...orders.values()],
    /** Every event accepted, in arrival order. */
    get events() {
      return state.events;
    },
    get attempts() {
      return state.attempts;
    },
    get unauthorised() {
      return state.unauthorised;
    },
    set(mode: 'up' | 'down' | 'lostAnswers' | 'noId') {
      state.mode = mode;
    },
    async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`the order back end did not get ${what}; it has ${orders.size} orders and ${state.events.length} events`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    /**
     * Sets a status in Lavka as the back end does: its webhook, with the token (or, with
     * `signed`, a Standard Webhooks signature instead) and `webhook-id`.
     */
    async pushStatus(lavkaUrl: string, body: Record<string, unknown>, headers: { webhookId?: string; token?: string; signed?: boolean } = {}) {
      const text = JSON.stringify(body);
      const id = headers.webhookId ?? `msg_${Math.random().toString(36).slice(2)}`;
      const signing: Record<string, string> = headers.signed
        ? { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': verifier.sign(id, new Date(), text) }
        : { authorization: `Bearer ${headers.token ?? options.token}`, 'webhook-id': id };
      const response = await fetch(`${lavkaUrl}/public/orders/webhooks/backend`, { method: 'POST', headers: { 'content-type': 'application/json', ...signing }, body: text });
      const answer = await response.text();
      return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (answer ? JSON.parse(answer) : {}) as { changed?: boolean; order?: { status: string; external_id: string | null }; error?: { code: string; message: string } } };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The fake order back end. */
export type FakeOrderBackend = Awaited<ReturnType<typeof startFakeOrderBackend>>;
