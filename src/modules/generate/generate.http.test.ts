import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { drawPromptPicture } from './generate.demo.ts';
import { createHttpGenerator } from './generate.http.ts';

const request = (prompt: string) => ({ jobId: 42, prompt, locale: 'ru' as const, signal: new AbortController().signal });
const noProgress = async () => undefined;

describe('the HTTP generator', () => {
  let server: Server;
  let url = '';
  const seen: { body: unknown; idempotencyKey: string | undefined }[] = [];
  // What the fake generator service answers, by prompt.
  const answer = (prompt: string, response: ServerResponse) => {
    if (prompt === 'picture') return void response.writeHead(200, { 'content-type': 'image/png' }).end(drawPromptPicture('picture', 64));
    if (prompt === 'poem') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'Степь да степь кругом' }));
    if (prompt === 'broken') return void response.writeHead(200, { 'content-type': 'image/png' }).end('not a png');
    if (prompt === 'slow') return void setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"late"}'), 3000);
    response.writeHead(503).end();
  };

  before(async () => {
    server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
      let raw = '';
      incoming.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      incoming.on('end', () => {
        const body = JSON.parse(raw) as { prompt: string };
        seen.push({ body, idempotencyKey: incoming.headers['idempotency-key'] as string | undefined });
        answer(body.prompt, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/generate`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a PNG answer becomes a picture with its size, and the request carries the prompt and an idempotency key', async () => {
    const result = await createHttpGenerator({ url, timeoutMs: 2000 }).run(request('picture'), noProgress);
    assert.equal(result.kind, 'image');
    assert.deepEqual(result.kind === 'image' ? [result.widthPx, result.heightPx] : [], [64, 64]);
    assert.deepEqual(seen.at(-1), { body: { jobId: 42, prompt: 'picture', locale: 'ru' }, idempotencyKey: 'lavka-generate-42' });
  });

  test('a JSON answer with text becomes a text result', async () => {
    assert.deepEqual(await createHttpGenerator({ url, timeoutMs: 2000 }).run(request('poem'), noProgress), { kind: 'text', text: 'Степь да степь кругом' });
  });

  test('an error status, a false PNG and no answer in time each fail the job with generate.job_failed', async () => {
    const generator = createHttpGenerator({ url, timeoutMs: 300 });
    for (const prompt of ['unavailable', 'broken', 'slow']) {
      await assert.rejects(generator.run(request(prompt), noProgress), (error: Error & { code?: string }) => error.code === 'generate.job_failed', prompt);
    }
  });
});
