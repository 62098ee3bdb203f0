import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { startSimulatorServer, type SimulatorServer } from '../sim/index.ts';
import { API_TRANSPORT, apiFetch } from './api-transport.ts';

/** A server whose answer each test sets; it records what it was sent. */
async function fakeApi(answer: (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => void) {
  const received: { url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ url: request.url ?? '', headers: request.headers, body });
      answer(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the Bot API transport, through grammY's client", () => {
  let server: SimulatorServer;
  before(async () => {
    server = await startSimulatorServer({ simulator: { token: '555:TRANSPORT', rateLimits: false } });
  });
  after(async () => {
    await server.close();
  });

  test('a JSON call and a file upload reach the simulator and their answers come back parsed', async () => {
    const api = new Api('555:TRANSPORT', { apiRoot: server.apiRoot, ...API_TRANSPORT });
    const user = server.sim.user({ id: 7001, first_name: 'Асель', language_code: 'kk' });
    await user.send('/start');
    const message = await api.sendMessage(7001, 'Сәлем — привет 👋');
    assert.equal(message.text, 'Сәлем — привет 👋');
    const bytes = Buffer.from('Артикул;Цена\nКружка;4500\n'.repeat(2000));
    const document = await api.sendDocument(7001, new InputFile(bytes, 'price.csv'), { caption: 'Прайс' });
    assert.equal(document.document?.file_name, 'price.csv');
    const file = await api.getFile(document.document?.file_id ?? '');
    const download = await fetch(`${server.apiRoot}/file/bot555:TRANSPORT/${file.file_path}`);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes, 'the multipart stream arrived whole');
  });

  test("Telegram's refusal comes back as grammY's error, with its code and description", async () => {
    const api = new Api('555:TRANSPORT', { apiRoot: server.apiRoot, ...API_TRANSPORT });
    await assert.rejects(api.sendMessage(7001, ''), (error: unknown) => error instanceof GrammyError && error.error_code === 400 && /message text is empty/i.test(error.description));
  });
});

describe('the Bot API transport on its own', () => {
  test('sends the JSON text with its length and headers to the path under the API root', async () => {
    const fake = await fakeApi((_request, _body, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"result":1}'));
    try {
      const body = JSON.stringify({ chat_id: 1, text: 'Привет' });
      const answer = await apiFetch(`${fake.root}/bot1:x/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.deepEqual(await answer.json(), { ok: true, result: 1 });
      assert.equal(answer.status, 200);
      const [sent] = fake.received;
      assert.equal(sent?.url, '/bot1:x/sendMessage');
      assert.equal(sent?.headers['content-length'], String(Buffer.byteLength(body)));
      assert.equal(sent?.headers['content-type'], 'application/json');
      assert.equal(sent?.body.toString('utf8'), body);
    } finally {
      await fake.close();
    }
  });

  test('an answer that is not JSON (a proxy error page) fails json(), with the status kept', async () => {
    const fake = await fakeApi((_request, _body, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
    try {
      const answer = await apiFetch(`${fake.root}/bot1:x/getMe`, { method: 'POST' });
      assert.equal(answer.status, 502);
      assert.equal(answer.ok, false);
      await assert.rejects(answer.json(), SyntaxError);
      assert.equal(await answer.text(), '<html>Bad Gateway</html>');
    } finally {
      await fake.close();
    }
  });

  test('an abort ends a call that hangs, as an AbortError; a signal aborted before never connects', async () => {
    const fake = await fakeApi(() => {
      // Never answers.
    });
    try {
      const controller = new AbortController();
      const call = apiFetch(`${fake.root}/bot1:x/getUpdates`, { method: 'POST', body: '{}', signal: controller.signal });
      while (fake.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await assert.rejects(call, { name: 'AbortError' });
      await assert.rejects(apiFetch(`${fake.root}/bot1:x/getMe`, { signal: AbortSignal.abort() }), { name: 'AbortError' });
      assert.equal(fake.received.length, 1);
    } finally {
      await fake.close();
    }
  });

  test("grammY's own timeout aborts the call and reports it as its HttpError", async () => {
    const fake = await fakeApi(() => {
      // Never answers.
    });
    try {
      const api = new Api('1:x', { apiRoot: fake.root, timeoutSeconds: 0.2, ...API_TRANSPORT });
      await assert.rejects(api.getMe(), (error: unknown) => error instanceof HttpError && /timed out|aborted/i.test(String(error.message) + String((error.error as Error).message)));
    } finally {
      await fake.close();
    }
  });

  test('a connection closed in the middle of an answer is a failure, not a short answer', async () => {
    const fake = await fakeApi((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"ok":true,');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    try {
      await assert.rejects(apiFetch(`${fake.root}/bot1:x/getMe`, { method: 'POST' }));
    } finally {
      await fake.close();
    }
  });

  test('nothing listening is a failure grammY reports as a network error', async () => {
    const fake = await fakeApi(() => {});
    await fake.close();
    const api = new Api('1:x', { apiRoot: fake.root, ...API_TRANSPORT });
    await assert.rejects(api.getMe(), (error: unknown) => error instanceof HttpError && /ECONNREFUSED/.test(String((error.error as Error).message ?? error.error)));
  });
});
