// A minimal Bot API for throughput benchmarks. Every bot under test sends its replies here
// over real HTTP (keep-alive), and every bot gets the same cheap, Telegram-shaped answers,
// so the figures measure the bots, not the server they talk to. Unlike the simulator it
// keeps no chat state and never refuses an edit; the calls can still be checked against the
// Bot API spec (the simulator's validator) during warm-up, where speed does not matter.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserFromGetMe } from 'grammy/types';
import { ApiError } from '../../src/sim/api-error.ts';
import { parseRequestBody } from '../../src/sim/body-parser.ts';
import { loadBotApiSpec } from '../../src/sim/spec.ts';
import { createParamValidator, type ParamValidator, type UploadedFile } from '../../src/sim/validate.ts';
import { STUB_BOT_INFO, STUB_BOT_TOKEN, type StubStats } from './stub-client.ts';

export { STUB_BOT_INFO, STUB_BOT_TOKEN, stubControl, type StubStats } from './stub-client.ts';

/** A running stub. */
export interface StubBotApi {
  /** What to give a bot as its API root, e.g. `http://127.0.0.1:40123`. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  stats(): StubStats;
  resetStats(): void;
  /** Checks every following call against the Bot API spec (slower; for warm-up and tests). */
  setValidation(on: boolean): void;
  close(): Promise<void>;
}

/** Methods whose answer is a Message (sent or edited). */
const MESSAGE_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'editMessageText',
  'editMessageCaption',
  'editMessageMedia',
  'editMessageReplyMarkup',
  'copyMessage',
  'forwardMessage',
]);

/** Starts the stub on 127.0.0.1 (a free port unless `port` is given). */
export async function startStubBotApi(options: { port?: number; validate?: boolean } = {}): Promise<StubBotApi> {
  let validator: ParamValidator | undefined;
  let validate = options.validate ?? false;
  const ensureValidator = () => (validator ??= createParamValidator(loadBotApiSpec()));
  if (validate) ensureValidator();

  let stats = emptyStats();
  const nextMessageId = new Map<number, number>();
  let fileCounter = 0;
  const prefix = `/bot${STUB_BOT_TOKEN}/`;

  const answer = (method: string, params: Record<string, unknown>, files: ReadonlyMap<string, UploadedFile>): unknown => {
    if (method === 'getMe') return STUB_BOT_INFO;
    if (method === 'getUpdates') return [];
    if (method === 'getWebhookInfo') return { url: '', has_custom_certificate: false, pending_update_count: 0 };
    if (!MESSAGE_METHODS.has(method)) return true;
    const chatId = Number(params.chat_id ?? 0);
    let messageId = Number(params.message_id ?? 0);
    if (!method.startsWith('edit')) {
      messageId = (nextMessageId.get(chatId) ?? 0) + 1;
      nextMessageId.set(chatId, messageId);
    }
    const message: Record<string, unknown> = {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Bench' },
      from: { id: STUB_BOT_INFO.id, is_bot: true, first_name: STUB_BOT_INFO.first_name, username: STUB_BOT_INFO.username },
    };
    if (method.startsWith('edit')) message.edit_date = message.date;
    if (typeof params.text === 'string') message.text = params.text;
    if (typeof params.caption === 'string') message.caption = params.caption;
    const photoRef = method === 'sendPhoto' ? params.photo : method === 'editMessageMedia' ? mediaOf(params.media) : undefined;
    if (photoRef !== undefined) {
      const given = typeof photoRef === 'string' && !photoRef.startsWith('attach://') && !files.has('photo') ? photoRef : undefined;
      const fileId = given ?? `stub-photo-${++fileCounter}`;
      message.photo = [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 512, height: 512, file_size: 4096 }];
      const caption = method === 'editMessageMedia' ? (mediaCaption(params.media) ?? undefined) : undefined;
      if (caption !== undefined) message.caption = caption;
    }
    // Telegram echoes only inline keyboards in the Message it returns.
    const markup = typeof params.reply_markup === 'string' ? safeJson(params.reply_markup) : params.reply_markup;
    if (markup && typeof markup === 'object' && 'inline_keyboard' in markup) message.reply_markup = markup;
    return message;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    // Control routes let a benchmark child switch validation and read the counters.
    if (url.startsWith('/control/')) {
      for await (const _chunk of request) {
        // drain the body
      }
      if (url === '/control/stats') return send(response, 200, stats);
      if (url === '/control/reset') {
        stats = emptyStats();
        return send(response, 200, { ok: true });
      }
      if (url === '/control/validation/on' || url === '/control/validation/off') {
        validate = url.endsWith('/on');
        if (validate) ensureValidator();
        return send(response, 200, { ok: true, validate });
      }
      return send(response, 404, { ok: false });
    }
    if (!url.startsWith(prefix)) {
      send(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = url.slice(prefix.length).split('?')[0] ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    stats.totalCalls += 1;
    try {
      const parsed = parseRequestBody({}, Buffer.concat(chunks), request.headers['content-type']);
      let params = parsed.params;
      // Telegraf names the method inside its multipart bodies too; Telegram ignores it.
      if (params.method === method) delete params.method;
      if (validate) {
        stats.validatedCalls += 1;
        const checker = ensureValidator();
        const canonical = checker.resolveMethod(method);
        if (!canonical) throw new ApiError(404, 'Not Found');
        params = checker.validate(canonical, params, parsed.files);
      }
      send(response, 200, { ok: true, result: answer(method, params, parsed.files) });
    } catch (error) {
      const code = error instanceof ApiError ? error.errorCode : 400;
      const description = error instanceof ApiError ? error.description : `Bad Request: ${(error as Error).message}`;
      stats.invalidCalls += 1;
      if (stats.invalidSamples.length < 10) stats.invalidSamples.push(`${method}: ${description}`);
      send(response, code, { ok: false, error_code: code, description });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { ok: false, error_code: 500, description: String(error) }));
  });
  // Bots keep their sockets open between calls; the server must not close them first.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token: STUB_BOT_TOKEN,
    botInfo: STUB_BOT_INFO,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setValidation: (on) => {
      validate = on;
      if (on) ensureValidator();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function emptyStats(): StubStats {
  return { calls: {}, totalCalls: 0, invalidCalls: 0, invalidSamples: [], validatedCalls: 0 };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function mediaOf(media: unknown): unknown {
  const value = typeof media === 'string' ? safeJson(media) : media;
  return value && typeof value === 'object' && 'media' in value ? (value as { media: unknown }).media : undefined;
}

function mediaCaption(media: unknown): string | undefined {
  const value = typeof media === 'string' ? safeJson(media) : media;
  return value && typeof value === 'object' && 'caption' in value && typeof (value as { caption: unknown }).caption === 'string'
    ? (value as { caption: string }).caption
    : undefined;
}
