// The control API the browser sandbox (and anyone else) uses to act as users and watch
// chats: plain JSON in and out, errors as `{ error }` with a 4xx status. README.md lists it.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { BodyParseError, parseRequestBody } from './body-parser.ts';
import type { ParsedRequest } from './body-parser.ts';
import type { FaultSpec } from './faults.ts';
import type { SimUser } from './sim-user.ts';
import type { TelegramSimulator } from './simulator.ts';
import { streamSimEvents } from './sse.ts';
import { signWebAppInitData } from './web-app.ts';

/** A control request that cannot be served; becomes `{ error }` with this status. */
class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const MAX_CALLBACK_WAIT_MS = 30_000;

function body(request: { query: unknown; body: unknown; headers: Record<string, unknown> }): ParsedRequest {
  try {
    return parseRequestBody({}, request.body as Buffer | undefined, request.headers['content-type'] as string | undefined);
  } catch (error) {
    if (error instanceof BodyParseError) throw new ControlError(400, error.message);
    throw error;
  }
}

function integer(value: unknown, name: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new ControlError(400, `${name} must be an integer`);
  return number;
}

/** Adds the /sim/* routes to a scope whose body parser hands over raw Buffers. */
export function registerControlRoutes(scope: FastifyInstance, sim: TelegramSimulator, closing: AbortSignal): void {
  scope.setErrorHandler((error: Error & { status?: number; statusCode?: number }, _request, reply: FastifyReply) => {
    const status = error instanceof ControlError ? error.status : (error.statusCode ?? 500);
    if (status >= 500) console.error('simulator control route failed', error);
    return reply.code(status).send({ error: error.message });
  });

  const actor = (userId: unknown): SimUser => {
    const id = integer(userId, 'from');
    const user = sim.getUser(id);
    if (!user) throw new ControlError(404, `user ${id} does not exist; create it with POST /sim/users`);
    return user;
  };
  const chatExists = (chatId: number): void => {
    try {
      sim.chat(chatId);
    } catch {
      throw new ControlError(404, `chat ${chatId} does not exist`);
    }
  };
  /** Turns a thrown Error from the actor API (a missing button, a non-member) into a 400. */
  const asClientError = async <T>(action: () => Promise<T> | T): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ControlError) throw error;
      throw new ControlError(400, (error as Error).message);
    }
  };

  scope.get('/sim/info', async () => sim.info());

  scope.post('/sim/users', async (request) => {
    const { params } = body(request);
    if (typeof params.first_name !== 'string' || params.first_name === '') throw new ControlError(400, 'first_name is required');
    const user = sim.user({
      id: integer(params.id, 'id'),
      first_name: params.first_name,
      ...(typeof params.last_name === 'string' ? { last_name: params.last_name } : {}),
      ...(typeof params.username === 'string' ? { username: params.username } : {}),
      ...(typeof params.language_code === 'string' ? { language_code: params.language_code } : {}),
      ...(typeof params.phone_number === 'string' ? { phone_number: params.phone_number } : {}),
    });
    return user.profile;
  });

  scope.post('/sim/groups', async (request) => {
    const { params } = body(request);
    const members = Array.isArray(params.members) ? params.members.map((id) => integer(id, 'members[]')) : [];
    return asClientError(() =>
      sim.group({ id: integer(params.id, 'id'), title: String(params.title ?? 'Group'), members, botIsAdmin: params.botIsAdmin === true }),
    );
  });

  scope.post('/sim/channels', async (request) => {
    const { params } = body(request);
    return asClientError(() =>
      sim.channel({
        id: integer(params.id, 'id'),
        title: String(params.title ?? 'Channel'),
        ...(typeof params.username === 'string' ? { username: params.username } : {}),
        botIsAdmin: params.botIsAdmin === true,
      }),
    );
  });

  scope.get<{ Params: { chatId: string } }>('/sim/chats/:chatId', async (request) => {
    const chatId = integer(request.params.chatId, 'chatId');
    chatExists(chatId);
    return sim.chat(chatId);
  });

  scope.post<{ Params: { chatId: string } }>('/sim/chats/:chatId/messages', async (request) => {
    const chatId = integer(request.params.chatId, 'chatId');
    const { params, files } = body(request);
    const user = actor(params.from ?? chatId);
    const target = { chatId };
    const file = files.get('file');
    if (file) {
      const caption = typeof params.caption === 'string' && params.caption !== '' ? params.caption : undefined;
      if (params.kind === 'photo') return asClientError(() => user.sendPhoto(file.data, caption, target));
      return asClientError(() => user.sendDocument(file.data, file.filename, file.mimeType, caption, target));
    }
    if (params.contact === true || params.contact === 'true') {
      if (chatId !== user.id) throw new ControlError(400, 'contacts can only be shared in the private chat');
      return asClientError(() => user.shareContact(typeof params.phone_number === 'string' ? params.phone_number : undefined));
    }
    if (typeof params.text !== 'string' || params.text === '') throw new ControlError(400, 'text, contact or a file is required');
    const text = params.text;
    return asClientError(() => user.send(text, target));
  });

  scope.post<{ Params: { chatId: string } }>('/sim/chats/:chatId/callback', async (request) => {
    const chatId = integer(request.params.chatId, 'chatId');
    const { params } = body(request);
    const user = actor(params.from ?? chatId);
    const messageId = integer(params.message_id, 'message_id');
    if (typeof params.callback_data !== 'string') throw new ControlError(400, 'callback_data is required');
    const data = params.callback_data;
    const timeoutMs = Math.min(MAX_CALLBACK_WAIT_MS, params.timeout_ms === undefined ? 5000 : integer(params.timeout_ms, 'timeout_ms'));
    const answer = await asClientError(() => user.pressCallback(messageId, data, { chatId, timeoutMs }));
    return answer ?? { answered: false };
  });

  scope.post<{ Params: { chatId: string; messageId: string } }>('/sim/chats/:chatId/invoices/:messageId/pay', async (request) => {
    const chatId = integer(request.params.chatId, 'chatId');
    const { params } = body(request);
    const user = actor(params.from ?? chatId);
    const messageId = integer(request.params.messageId, 'messageId');
    return asClientError(() => user.payInvoice(messageId, { chatId }));
  });

  // A user paying an invoice link (createInvoiceLink) from a Mini App: `WebApp.openInvoice`.
  scope.post('/sim/invoice-links/pay', async (request) => {
    const { params } = body(request);
    const user = actor(params.from);
    if (typeof params.link !== 'string' || params.link === '') throw new ControlError(400, 'link is required (the invoice link or its slug)');
    const link = params.link;
    return asClientError(() => user.payInvoice(link));
  });

  // What Telegram hands a Mini App the user opens: initData signed with the bot's token.
  scope.post<{ Params: { id: string } }>('/sim/users/:id/web-app', async (request) => {
    const user = actor(request.params.id);
    const { params } = body(request);
    // A test may ask for launch data signed at another time (an expired session).
    const authDateSec = params.auth_date === undefined ? Math.floor(Date.now() / 1000) : integer(params.auth_date, 'auth_date');
    return { init_data: signWebAppInitData(sim.token, user.profile, authDateSec, { chatType: 'sender' }) };
  });

  for (const action of ['block', 'unblock'] as const) {
    scope.post<{ Params: { id: string } }>(`/sim/users/:id/${action}`, async (request) => {
      const user = actor(request.params.id);
      if (action === 'block') await user.blockBot();
      else await user.unblockBot();
      return { blocked: action === 'block' };
    });
  }

  scope.post<{ Params: { id: string } }>('/sim/channels/:id/members', async (request) => {
    const chatId = integer(request.params.id, 'id');
    const { params } = body(request);
    const userId = integer(params.user_id, 'user_id');
    const status = typeof params.status === 'string' ? params.status : 'member';
    if (!['creator', 'administrator', 'member', 'restricted', 'left', 'kicked'].includes(status)) {
      throw new ControlError(400, `unknown member status ${status}`);
    }
    chatExists(chatId);
    await asClientError(() => sim.setMember(chatId, userId, status));
    return { chatId, userId, status };
  });

  scope.get<{ Querystring: { chat_id?: string; user_id?: string; language_code?: string } }>('/sim/commands', async (request) => {
    const { chat_id, user_id, language_code } = request.query;
    const chatId = integer(chat_id, 'chat_id');
    chatExists(chatId);
    return sim.resolveCommands({
      chatId,
      ...(user_id !== undefined ? { userId: integer(user_id, 'user_id') } : chatId > 0 ? { userId: chatId } : {}),
      ...(language_code ? { languageCode: language_code } : {}),
    });
  });

  scope.get<{ Params: { fileId: string } }>('/sim/files/:fileId', async (request, reply) => {
    const file = sim.file(request.params.fileId);
    if (!file) throw new ControlError(404, 'file not found');
    // Files the bot sent by URL were never downloaded; the browser may fetch them itself.
    if (!file.data) return reply.redirect(file.url ?? '/', 302);
    return reply
      .type(file.mimeType)
      .header('cache-control', 'private, max-age=3600')
      .header('content-disposition', `inline; filename="${encodeURIComponent(file.fileName ?? file.filePath.split('/').pop() ?? 'file')}"`)
      .send(file.data);
  });

  scope.get('/sim/events', async (request, reply) => {
    const raw = (request.query as Record<string, string | string[] | undefined>).chat_id;
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((value) => value.split(','));
    const chatIds = values.length === 0 ? undefined : new Set(values.map((value) => integer(value, 'chat_id')));
    streamSimEvents(reply, sim.events, chatIds, closing);
  });

  scope.post('/sim/faults', async (request) => {
    const { params } = body(request);
    const fault: FaultSpec = { kind: params.kind as FaultSpec['kind'] };
    if (typeof params.method === 'string') fault.method = params.method;
    if (params.count !== undefined) fault.count = integer(params.count, 'count');
    if (params.delayMs !== undefined) fault.delayMs = integer(params.delayMs, 'delayMs');
    if (params.status === 502 || params.status === 500) fault.status = params.status;
    if (params.afterEffect === true) fault.afterEffect = true;
    if (typeof params.description === 'string') fault.description = params.description.slice(0, 200);
    await asClientError(() => sim.injectFault(fault));
    return { injected: fault };
  });

  scope.delete('/sim/faults', async () => {
    sim.clearFaults();
    return { cleared: true };
  });

  scope.get('/sim/stats', async () => sim.stats());
  scope.post('/sim/stats/reset', async () => {
    sim.resetStats();
    return { reset: true };
  });
}
