import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** An event as a receiver got it, after checking its signature. */
export interface ReceivedEvent {
  id: string;
  type: string;
  sequence: number;
  resource: { type: string; id: string };
  data: Record<string, unknown>;
  /** The webhook-id header (the same on every delivery of one event). */
  webhookId: string;
}

/**
 * A small receiver of Lavka's webhooks, as a business's back end would run one: it verifies
 * every request with the Standard Webhooks library and the endpoint's secret, and answers
 * with the status the test sets (500 while "down").
 */
export async function startWebhookReceiver(): Promise<{
  url: string;
  /** Events accepted (2xx answered), in arrival order. */
  accepted: ReceivedEvent[];
  /** Every request seen, accepted or not. */
  attempts: number;
  /** Requests whose signature did not verify. */
  forged: number;
  setSecret(secret: string): void;
  answer(status: number): void;
  waitFor(predicate: (events: readonly ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}> {
  let verifier: Webhook | undefined;
  let status = 200;
  const state = { accepted: [] as ReceivedEvent[], attempts: 0, forged: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.attempts += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      let event: Omit<ReceivedEvent, 'webhookId'>;
      try {
        event = verifier?.verify(body, request.headers as Record<string, string>) as Omit<ReceivedEvent, 'webhookId'>;
      } catch {
        state.forged += 1;
        response.writeHead(400).end('bad signature');
        return;
      }
      if (status >= 200 && status < 300) state.accepted.push({ ...event, webhookId: String(request.headers['webhook-id']) });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver is down' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/lavka`,
    get accepted() {
      return state.accepted;
    },
    get attempts() {
      return state.attempts;
    },
    get forged() {
      return state.forged;
    },
    setSecret(secret) {
      verifier = new Webhook(secret);
    },
    answer(next) {
      status = next;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(state.accepted)) {
        if (Date.now() > deadline) throw new Error(`the receiver did not get the expected events; it has: ${state.accepted.map((item) => `${item.type}#${item.sequence}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
