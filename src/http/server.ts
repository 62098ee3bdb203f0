import { timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type AjvCompiler from '@fastify/ajv-compiler';
import type SerializerSelector from '@fastify/fast-json-stringify-compiler';
import fastifyCookie from '@fastify/cookie';
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
  /**
   * False for a check whose failure needs the operator but does not stop this instance from
   * serving (a staff chat the bot cannot write to): it is listed with its detail and in
   * `warnings`, and the instance stays ready. Default true.
   */
  critical?: boolean;
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
  /**
   * `TRUST_PROXY`: proxy hops in front of Lavka, or their addresses. `request.ip` is then the
   * address the nearest untrusted hop appended to X-Forwarded-For; 0 or absent: the socket peer.
   */
  trustProxy?: number | readonly string[];
  /**
   * Resolves once what the database committed so far is on disk (SQLite's group commit):
   * every answer waits for it, so no response acknowledges a write that a power cut could
   * still take back — a webhook's 200, an API's 201, a payment gateway's notification.
   */
  untilDurable?: () => Promise<void>;
}

/** The webhook route. */
export interface WebhookOptions {
  path: string;
  secret: string;
  /** The bot, once it exists: routes must be added before the server listens, the bot comes later. */
  bot(): Bot<BotContext> | undefined;
}

const requireCompiler = createRequire(import.meta.url);
let validatorBuilder: AjvCompiler.BuildCompilerFromPool | undefined;
let serializerBuilder: SerializerSelector.SerializerFactory | undefined;

/**
 * Fastify's JSON-schema compilers (Ajv and fast-json-stringify, some 250 files), loaded when a
 * route first declares a JSON schema, as Fastify would have them. Lavka's routes check their
 * input with zod (src/platform/route.ts) and send plain JSON, so a start loads neither.
 */
const lazySchemaCompilers = {
  buildValidator: ((externalSchemas, options) =>
    (validatorBuilder ??= (requireCompiler('@fastify/ajv-compiler') as typeof AjvCompiler)())(externalSchemas, options)) satisfies AjvCompiler.BuildCompilerFromPool,
  buildSerializer: ((externalSchemas, options) =>
    (serializerBuilder ??= (requireCompiler('@fastify/fast-json-stringify-compiler') as typeof SerializerSelector)())(externalSchemas, options)) satisfies SerializerSelector.SerializerFactory,
};

/**
 * Creates the Fastify server: liveness, readiness (all dependencies, and `/health/db`,
 * `/health/redis`, `/health/payments` one at a time), Prometheus metrics and the
 * plugins of the modules. The webhook is added with {@link registerWebhook} before listening.
 */
export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request logs would drown the per-update logs that matter; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 25 * 1024 * 1024,
    return503OnClosing: true,
    trustProxy: trustProxyOption(deps.trustProxy),
    schemaController: { compilersFactory: lazySchemaCompilers },
  });
  // One cookie parser and writer for every route (`request.cookies`, `reply.setCookie`).
  await app.register(fastifyCookie);
  const untilDurable = deps.untilDurable;
  if (untilDurable) {
    app.addHook('onSend', async (_request, _reply, payload) => {
      await untilDurable();
      return payload;
    });
  }

  app.get('/health', async () => ({ status: 'ok' }));

  const runChecks = (items: readonly ReadinessCheck[]) =>
    Promise.all(
      items.map(async (item) => {
        const optional = item.critical === false ? { critical: false } : {};
        try {
          const result = await withTimeout(item.check(), 3000);
          return { name: item.name, ...result, ...optional };
        } catch (error) {
          return { name: item.name, ok: false, detail: (error as Error).message, ...optional };
        }
      }),
    );

  app.get('/health/ready', async (_request, reply) => {
    const results = await runChecks(deps.readiness);
    // A load balancer takes a "not ready" instance out: only critical checks decide that.
    const ok = results.every((item) => item.ok || item.critical === false);
    const warnings = results.filter((item) => !item.ok && item.critical === false).map((item) => `${item.name}: ${item.detail ?? 'failing'}`);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results, ...(warnings.length > 0 ? { warnings } : {}) });
  });

  // One dependency each, for monitors that alert per dependency: 503 while any of its checks
  // fails (critical or not), 200 `not_configured` when this deployment does not use it.
  for (const [route, belongs] of Object.entries(DEPENDENCY_CHECKS)) {
    app.get(`/health/${route}`, async (_request, reply) => {
      const items = deps.readiness.filter((item) => belongs(item.name));
      if (items.length === 0) return reply.code(200).send({ status: 'not_configured', checks: [] });
      const results = await runChecks(items);
      const ok = results.every((item) => item.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'failing', checks: results });
    });
  }

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  for (const { prefix, plugin } of deps.plugins ?? []) {
    await app.register(plugin, { prefix });
  }
  return app;
}

/** `/health/<route>`: which readiness checks belong to it, by name. */
const DEPENDENCY_CHECKS: Record<string, (name: string) => boolean> = {
  db: (name) => name === 'database',
  redis: (name) => name === 'redis',
  // payments.heleket, payments.card, …: one per configured gateway with a circuit breaker.
  payments: (name) => name.startsWith('payments.'),
};

/** The longest webhook body accepted: a Bot API update is a few kilobytes, never megabytes. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Receives updates from Telegram. The secret header is compared in constant time before the
 * body is read (an `onRequest` hook): a wrong or missing secret gets 401 and costs no memory.
 * Every update that was handled or refused answers 200 — the bot's error boundary has dealt
 * with it, and anything else would make Telegram resend the same update again and again.
 * Nothing internal ever reaches the answer.
 */
export function registerWebhook(app: FastifyInstance, options: WebhookOptions): void {
  const expected = Buffer.from(options.secret);
  app.post(options.path, {
    bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
    onRequest: async (request, reply) => {
      const header = request.headers['x-telegram-bot-api-secret-token'];
      const given = Buffer.from(typeof header === 'string' ? header : '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        // The body is never read: close the connection rather than drain a large upload.
        reply.header('connection', 'close');
        return reply.code(401).send({ ok: false, error: 'wrong secret token' });
      }
    },
    handler: async (request, reply) => {
      const update = request.body as Update | undefined;
      if (!update || typeof update !== 'object' || Array.isArray(update) || !Number.isSafeInteger(update.update_id)) {
        return reply.code(400).send({ ok: false, error: 'expected a Telegram update' });
      }
      const bot = options.bot();
      // Not ready yet (start-up): Telegram retries a non-2xx delivery later.
      if (!bot?.isInited()) return reply.code(503).send({ ok: false, error: 'starting' });
      try {
        await bot.handleUpdate(update);
      } catch (error) {
        // The error boundary inside the bot handles handler errors; this is what it could not
        // (it failed itself). Logged here, never sent back.
        request.log.error({ err: error, update_id: update.update_id }, 'update failed outside the error boundary');
      }
      return reply.code(200).send({ ok: true });
    },
  });
}

/**
 * Fastify's `trustProxy` for `TRUST_PROXY`. Never `true`: that takes the leftmost
 * X-Forwarded-For entry, which the client writes. A hop count becomes a function of the hop
 * index (0 is the socket peer), because Fastify reads a bare number as "trust nothing".
 */
function trustProxyOption(setting: HttpServerDeps['trustProxy']): ((address: string, hop: number) => boolean) | string[] | false {
  if (typeof setting === 'number') return setting > 0 ? (_address, hop) => hop < setting : false;
  return setting && setting.length > 0 ? [...setting] : false;
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
