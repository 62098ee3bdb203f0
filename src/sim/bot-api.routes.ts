// The Bot API over HTTP: POST|GET {prefix}/bot<token>/<method> and file downloads at
// GET {prefix}/file/bot<token>/<file_path>, answering with Telegram's status codes.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DroppedRequestError } from './api-error.ts';
import { BodyParseError, parseRequestBody } from './body-parser.ts';
import type { TelegramSimulator } from './simulator.ts';

/** Adds the Bot API routes to a scope whose body parser hands over raw Buffers. */
export function registerBotApiRoutes(scope: FastifyInstance, sim: TelegramSimulator, closing: AbortSignal): void {
  const handler = async (request: FastifyRequest<{ Params: { token: string; method: string } }>, reply: FastifyReply): Promise<unknown> => {
    const { token, method } = request.params;
    let parsed;
    try {
      parsed = parseRequestBody(request.query as Record<string, unknown>, request.body as Buffer | undefined, request.headers['content-type']);
    } catch (error) {
      if (!(error instanceof BodyParseError)) throw error;
      return reply.code(400).send({ ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
    }
    // A client that hangs up (grammY stopping) or a closing server ends a waiting long poll.
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    try {
      const response = await sim.callApi(token, method, parsed.params, parsed.files, {
        signal: AbortSignal.any([controller.signal, closing]),
      });
      return reply.code(response.ok ? 200 : response.error_code).type('application/json').send(response);
    } catch (error) {
      if (!(error instanceof DroppedRequestError)) throw error;
      // An injected `drop`: the connection dies without a response, as on a network failure.
      reply.hijack();
      request.raw.socket.destroy();
      return undefined;
    }
  };
  scope.route({ method: ['GET', 'POST'], url: '/bot:token/:method', handler });

  scope.get<{ Params: { token: string; '*': string } }>('/file/bot:token/*', async (request, reply) => {
    if (request.params.token !== sim.token) {
      return reply.code(401).send({ ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const file = sim.fileByPath(request.params['*']);
    if (!file?.data) return reply.code(404).send({ ok: false, error_code: 404, description: 'Not Found' });
    return reply.type('application/octet-stream').header('content-length', file.data.length).send(file.data);
  });
}
