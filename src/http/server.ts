import { timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { BotContext } from '../telegram/context.ts';

/** A dependency `/health/ready` reports on. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/** Everything the HTTP server needs. */
export interface HttpServerDeps {
  logger: Logger;
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  /** Extra plugins: module routes under `/api/<module>`, the sandbox, the admin panel. */
  plugins?: readonly { prefix: string; plugin: FastifyPluginAsync }[];
  /** Longest accepted request body (webhook updates, uploads through the sandbox). */
  bodyLimitBytes?: number;
}

/** The webhook route. */
export interface WebhookOptions {
  path: string;
  secret: string;
  /** The bot, once it exists: routes must be added before the server listens, the bot comes later. */
  bot(): Bot<BotContext> | undefined;
}

/**
 * Creates the Fastify server: liveness, readiness per dependency, Prometheus metrics and the
 * plugins of the modules. The webhook is added with {@link registerWebhook} before listening.
 */
export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request logs would drown the per-update logs that matter; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 25 * 1024 * 1024,
    return503OnClosing: true,
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async (item) => {
        try {
          const result = await withTimeout(item.check(), 3000);
          return { name: item.name, ...result };
        } catch (error) {
          return { name: item.name, ok: false, detail: (error as Error).message };
        }
      }),
    );
    const ok = results.every((item) => item.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  for (const { prefix, plugin } of deps.plugins ?? []) {
    await app.register(plugin, { prefix });
  }
  return app;
}

/**
 * Receives updates from Telegram. The secret header is compared in constant time; a wrong
 * or missing secret gets 401 and the update is not looked at. A handler error still answers
 * 200: the error boundary has dealt with it, and a non-200 would make Telegram resend the
 * same update again and again.
 */
export function registerWebhook(app: FastifyInstance, options: WebhookOptions): void {
  const expected = Buffer.from(options.secret);
  app.post(options.path, async (request, reply) => {
    const header = request.headers['x-telegram-bot-api-secret-token'];
    const given = Buffer.from(typeof header === 'string' ? header : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).send({ ok: false, error: 'wrong secret token' });
    }
    const update = request.body as Update | undefined;
    if (!update || typeof update !== 'object' || typeof update.update_id !== 'number') {
      return reply.code(400).send({ ok: false, error: 'expected a Telegram update' });
    }
    const bot = options.bot();
    // Not ready yet (start-up): Telegram retries a non-2xx delivery later.
    if (!bot?.isInited()) return reply.code(503).send({ ok: false, error: 'starting' });
    await bot.handleUpdate(update);
    return reply.code(200).send({ ok: true });
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
