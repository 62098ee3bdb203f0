import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { Bot, InputFile } from 'grammy';
import type { ApiMessage, ApiUpdate } from './api-types.ts';
import { registerSimulatorRoutes } from './sim.routes.ts';
import { startSimulatorServer } from './server.ts';
import type { SimulatorServer } from './server.ts';
import { createSimulator } from './simulator.ts';
import { TINY_PNG } from './test-helpers.ts';

let server: SimulatorServer;
let api: string;
before(async () => {
  server = await startSimulatorServer({ simulator: { rateLimits: false, webhook: { retryBaseMs: 20, retryMaxMs: 50 } } });
  api = `${server.apiRoot}/bot${server.sim.token}`;
});
after(async () => {
  await server.close();
});

async function post(method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('a grammY bot over real HTTP', () => {
  test('long polling receives a user\'s /start and the reply appears in the user\'s chat view', async () => {
    const bot = new Bot(server.sim.token, { client: { apiRoot: server.apiRoot } });
    bot.command('start', (ctx) => ctx.reply(`Welcome, <b>${ctx.from?.first_name}</b>! Code: ${ctx.match}`, { parse_mode: 'HTML' }));
    await bot.init();
    assert.equal(bot.botInfo.username, 'lavka_sim_bot');
    const polling = bot.start({ timeout: 1 });
    try {
      const user = server.sim.user({ id: 1001, first_name: 'Aigerim', language_code: 'en' });
      const sent = await user.send('/start p_12');
      assert.deepEqual(sent.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);
      const reply = await user.waitForMessage((message) => Boolean(message.text?.startsWith('Welcome')), { timeoutMs: 5000 });
      assert.equal(reply.text, 'Welcome, Aigerim! Code: p_12');
      assert.deepEqual(reply.entities, [{ type: 'bold', offset: 9, length: 7 }]);
      assert.deepEqual(user.chat().messages.map((m) => [m.from_bot, m.text]), [[false, '/start p_12'], [true, 'Welcome, Aigerim! Code: p_12']]);
    } finally {
      await bot.stop();
      await polling;
    }
  });

  test('a photo uploaded as multipart round-trips through getFile and the download route', async () => {
    server.sim.user({ id: 1002, first_name: 'Pic', hasStartedBot: true });
    const bot = new Bot(server.sim.token, { client: { apiRoot: server.apiRoot } });
    const sent = await bot.api.sendPhoto(1002, new InputFile(TINY_PNG, 'dot.png'), { caption: 'a dot' });
    const photo = sent.photo.at(-1);
    assert.equal(photo?.width, 1);
    const file = await bot.api.getFile(photo?.file_id ?? '');
    const download = await fetch(`${server.apiRoot}/file/bot${server.sim.token}/${file.file_path}`);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), TINY_PNG);
  });
});

describe('the Bot API over HTTP answers like Telegram', () => {
  test('a wrong token is 401 and an unknown method is 404', async () => {
    const wrong = await fetch(`${server.apiRoot}/bot1:NOPE/getMe`);
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await post('sendTelepathy', {});
    assert.deepEqual([unknown.status, unknown.json], [404, { ok: false, error_code: 404, description: 'Not Found' }]);
  });

  test('validation failures come back as 400 with Telegram\'s descriptions', async () => {
    server.sim.user({ id: 1003, first_name: 'Val', hasStartedBot: true });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['sendMessage', { chat_id: 1003 }, 'Bad Request: message text is empty'],
      ['sendMessage', { chat_id: 1003, text: 'x', bogus: 1 }, 'Bad Request: unknown parameter "bogus"'],
      ['sendMessage', { chat_id: 1003, text: 'x'.repeat(4097) }, 'Bad Request: message is too long'],
      ['sendMessage', { chat_id: 1003, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] } }, 'Bad Request: BUTTON_DATA_INVALID'],
      ['sendMessage', { chat_id: 1003, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: ['d'] }]] } }, 'Bad Request: wrong type of "reply_markup.inline_keyboard[0][0].callback_data": expected String, got Array'],
      ['sendMessage', { chat_id: 1003, text: 'Hi.', parse_mode: 'MarkdownV2' }, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"],
      ['editMessageText', { chat_id: 1003, message_id: 4242, text: 'x' }, 'Bad Request: message to edit not found'],
    ];
    for (const [method, body, description] of cases) {
      const { status, json } = await post(method, body);
      assert.deepEqual([status, json], [400, { ok: false, error_code: 400, description }], `${method} ${JSON.stringify(body).slice(0, 60)}`);
    }
    const sent = await post('sendMessage', { chat_id: 1003, text: 'same' });
    const same = await post('editMessageText', { chat_id: 1003, message_id: (sent.json.result as ApiMessage).message_id, text: 'same' });
    assert.equal(same.status, 400);
    assert.match(String(same.json.description), /^Bad Request: message is not modified/);
  });

  test('form-encoded bodies decode JSON-string parameters like Telegram', async () => {
    server.sim.user({ id: 1004, first_name: 'Form', hasStartedBot: true });
    const response = await fetch(`${api}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '1004', text: 'pick', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }) }),
    });
    const json = (await response.json()) as { ok: boolean; result: ApiMessage };
    assert.equal(json.ok, true);
    assert.deepEqual(json.result.reply_markup, { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
  });

  test('a raw multipart sendDocument stores the bytes, file name and type', async () => {
    server.sim.user({ id: 1005, first_name: 'Doc', hasStartedBot: true });
    const form = new FormData();
    form.set('chat_id', '1005');
    form.set('caption', 'the menu');
    form.set('document', new Blob([Buffer.from('%PDF-1.4 menu')], { type: 'application/pdf' }), 'menu.pdf');
    const response = await fetch(`${api}/sendDocument`, { method: 'POST', body: form });
    const json = (await response.json()) as { ok: boolean; result: ApiMessage };
    assert.equal(json.ok, true, JSON.stringify(json));
    assert.deepEqual([json.result.document?.file_name, json.result.document?.mime_type, json.result.document?.file_size], ['menu.pdf', 'application/pdf', 13]);
    const bytes = await fetch(`${server.url}/sim/files/${encodeURIComponent(json.result.document?.file_id ?? '')}`);
    assert.equal(bytes.headers.get('content-type'), 'application/pdf');
    assert.equal(await bytes.text(), '%PDF-1.4 menu');
  });

  test('an injected server error answers 5xx once and then the method recovers', async () => {
    server.sim.injectFault({ method: 'getMe', kind: 'server_error', count: 1, status: 502 });
    const failed = await fetch(`${api}/getMe`);
    assert.equal(failed.status, 502);
    assert.equal(((await failed.json()) as { error_code: number }).error_code, 502);
    const recovered = await fetch(`${api}/getMe`);
    assert.equal(recovered.status, 200);
  });

  test('an injected drop destroys the connection without a response', async () => {
    server.sim.injectFault({ method: 'getMe', kind: 'drop' });
    await assert.rejects(fetch(`${api}/getMe`));
    assert.equal((await fetch(`${api}/getMe`)).status, 200);
  });
});

describe('webhook delivery', () => {
  test('updates are pushed in order with the secret header, a failed delivery is retried, and a webhook reply is executed', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; update: ApiUpdate }> = [];
    let failuresLeft = 1;
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (failuresLeft-- > 0) {
          response.writeHead(500).end();
          return;
        }
        const update = JSON.parse(body) as ApiUpdate;
        received.push({ headers: request.headers, update });
        const message = update.message as ApiMessage | undefined;
        if (message?.text === 'answer inline') {
          // A webhook reply: the method call rides back in the response body.
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: 'sendMessage', chat_id: message.chat.id, text: 'inline answer' }));
          return;
        }
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      assert.equal((await post('setWebhook', { url: hookUrl, secret_token: 'sekret_123' })).json.ok, true);
      const user = server.sim.user({ id: 1006, first_name: 'Hook' });
      await user.send('first');
      await user.send('second');
      const deadline = Date.now() + 3000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(received.map((r) => (r.update.message as ApiMessage).text), ['first', 'second']);
      assert.ok(received.every((r) => r.headers['x-telegram-bot-api-secret-token'] === 'sekret_123'));
      const info = (await post('getWebhookInfo', {})).json.result as { url: string; pending_update_count: number; last_error_message?: string };
      assert.equal(info.url, hookUrl);
      assert.equal(info.pending_update_count, 0);
      assert.equal(info.last_error_message, 'Wrong response from the webhook: 500 Internal Server Error');
      assert.ok(server.sim.stats().webhookDeliveries >= 2);
      assert.ok(server.sim.stats().webhookFailures >= 1);
      await user.send('answer inline');
      assert.equal((await user.waitForMessage(undefined, { timeoutMs: 3000 })).text, 'inline answer');
    } finally {
      await post('deleteWebhook', {});
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});

describe('the control API', () => {
  test('a sandbox user writes, presses a button and sees the bot\'s answer through the control routes', async () => {
    const base = `${server.url}/sim`;
    const json = async (path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    assert.equal((await json('/users', { id: 1010, first_name: 'Sandy', language_code: 'en' })).status, 200);
    const info = await json('/info');
    assert.ok((info.body.users as Array<{ id: number }>).some((u) => u.id === 1010));

    const stream = await fetch(`${base}/events?chat_id=1010`);
    const reader = stream.body?.getReader();
    const sentMessage = await json('/chats/1010/messages', { from: 1010, text: 'hello' });
    assert.equal(sentMessage.body.text, 'hello');
    let streamed = '';
    while (!streamed.includes('event: message')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      streamed += Buffer.from(chunk.value).toString();
    }
    await reader?.cancel();
    assert.match(streamed, /event: message\ndata: \{"type":"message","chatId":1010/);

    const keyboard = await post('sendMessage', { chat_id: 1010, text: 'Choose', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } });
    const messageId = (keyboard.json.result as ApiMessage).message_id;
    const answering = (async () => {
      for (;;) {
        const updates = (await post('getUpdates', { timeout: 1 })).json.result as ApiUpdate[];
        const query = updates.find((u) => u.callback_query)?.callback_query as { id: string } | undefined;
        if (updates.length > 0) await post('getUpdates', { offset: (updates.at(-1) as ApiUpdate).update_id + 1 });
        if (query) return post('answerCallbackQuery', { callback_query_id: query.id, text: 'Done' });
      }
    })();
    const pressed = await json('/chats/1010/callback', { from: 1010, message_id: messageId, callback_data: 'yes' });
    await answering;
    assert.deepEqual([pressed.body.text, pressed.body.data], ['Done', 'yes']);

    const view = await json('/chats/1010');
    assert.deepEqual((view.body.messages as Array<{ text: string }>).map((m) => m.text), ['hello', 'Choose']);
    assert.equal((await json('/chats/424242')).status, 404);

    await post('setMyCommands', { commands: [{ command: 'help', description: 'Help' }], language_code: 'en' });
    const commands = await json('/commands?chat_id=1010&language_code=en');
    assert.deepEqual(commands.body.commands, [{ command: 'help', description: 'Help' }]);

    assert.deepEqual((await json('/users/1010/block', {})).body, { blocked: true });
    assert.equal((await post('sendMessage', { chat_id: 1010, text: 'x' })).status, 403);
    await json('/users/1010/unblock', {});

    const fault = await json('/faults', { method: 'getChat', kind: 'server_error' });
    assert.equal(fault.status, 200);
    assert.equal((await post('getChat', { chat_id: 1010 })).status, 500);
    const stats = await json('/stats');
    assert.ok(((stats.body.calls as Record<string, number>).getChat ?? 0) >= 1);
  });

  test('the simulator mounts under a prefix inside another Fastify app that parses JSON itself', async () => {
    const sim = createSimulator({ rateLimits: false });
    const app = Fastify();
    app.post('/echo', async (request) => request.body);
    await registerSimulatorRoutes(app, sim, { prefix: '/sandbox/telegram' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const me = await fetch(`${base}/sandbox/telegram/bot${sim.token}/getMe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(((await me.json()) as { ok: boolean }).ok, true);
      const echo = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      assert.deepEqual(await echo.json(), { a: 1 });
    } finally {
      await app.close();
      await sim.close();
    }
  });
});
