import { Api, type Bot, type Transformer } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BusinessConfig } from '../config/business.ts';
import type { Env } from '../config/env.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { ModuleInstance } from '../modules/module.ts';
import type { UsersService } from '../modules/users/users.service.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { BotContext } from '../telegram/context.ts';
import type { Translator } from '../telegram/i18n.ts';
import { createChatMigrations } from './chat-migrations.ts';
import { DAILY_REPORT_JOB, createDailyReportHandler } from './daily-report.ts';
import { createOutboxRepository } from './outbox.repository.ts';
import { createRateLimiter, type SendRateLimiter } from './rate-limiter.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';
import { withLocalFallback } from './fallback-rate-limiter.ts';
import { redisReady } from '../db/redis.ts';
import { outsideUnitOfWork } from '../db/unit-of-work.ts';
import { cancelJob, createScheduler, ensureRecurringJob, type JobHandler, type Scheduler } from './scheduler.ts';
import { createOutboxSender, type ApiCall, type OutboxSender } from './sender.ts';
import { apiMetrics } from '../telegram/api-metrics.ts';
import { commitBeforeSending } from '../telegram/dedupe.ts';
import { enqueueOutbox } from './outbox.ts';
import { paceReplies, type RawApiCall } from './reply-pacing.ts';

/** The scheduled job kind that deletes old finished outbox rows. */
export const OUTBOX_PRUNE_JOB = 'core.outbox_prune';
/** How long finished outbox rows are kept (broadcasts keep their own totals). */
const OUTBOX_RETENTION_MS = 30 * 86_400_000;

/** Everything the delivery engine needs, passed in explicitly. */
export interface DeliveryDeps {
  env: Env;
  config: BusinessConfig;
  database: DatabaseHandle;
  logger: Logger;
  metrics: Metrics;
  i18n: Translator;
  bot: Bot<BotContext>;
  users: UsersService;
  modules: readonly { name: string; instance: ModuleInstance }[];
  /** Present when REDIS_URL is set: the send rate is then shared by every instance. */
  redis?: Redis;
  now?: () => number;
}

/** The delivery engine of one Lavka instance: limiter, outbox sender and scheduler. */
export interface Delivery {
  limiter: SendRateLimiter;
  sender: OutboxSender;
  scheduler: Scheduler;
  /** Declares the core recurring jobs and starts the sender and the scheduler. */
  start(): Promise<void>;
  /** Schedules the daily report's next run in the business's current time zone. */
  scheduleDailyReport(): Promise<void>;
  /**
   * The user of this private chat pressed Start: messages kept because they had not (see
   * `unreachableKeepMs` of the sender) go out now.
   */
  chatStarted(chatId: number): Promise<void>;
  /** Stops both gracefully: calls in flight finish and are recorded. Call before the database closes. */
  stop(): Promise<void>;
  /** Tests only: stops the sender as a killed process would (see {@link OutboxSender.stopAbruptly}). */
  stopAbruptly(): Promise<void>;
}

/** Bot API methods that post a message and so draw on the send budget. */
export function isSendMethod(method: string): boolean {
  return /^(send|copy|forward)/.test(method) && method !== 'sendChatAction';
}

/**
 * Creates the delivery engine and puts direct replies on the same send budget. With
 * `REPLY_PACING` on (the default with Redis, i.e. several instances) a reply waits for its
 * place in the bot-wide window and its chat's window, shared with the outbox and every
 * instance, and goes to the outbox after a bounded wait (see {@link paceReplies}). Off, a
 * reply is counted in the bot-wide window without waiting (the outbox leaves room for it and
 * waits for what it filled); only a 429 pause holds it.
 */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const { env, database, logger } = deps;
  const now = deps.now ?? Date.now;
  const limits = { globalPerSecond: env.SEND_RATE_PER_SECOND, paidPerSecond: env.PAID_BROADCAST_RATE_PER_SECOND };
  const redis = deps.redis;
  const limiter = redis
    ? withLocalFallback({
        shared: createRedisRateLimiter(redis, {
          limits,
          prefix: `lavka:{send:${deps.bot.token.split(':')[0]}}:`,
          onError: (error) => logger.warn({ err: error }, 'could not record an answered send in Redis; its place frees later'),
        }),
        // While Redis is down this instance counts its sends itself (see withLocalFallback).
        local: createRateLimiter({ limits }),
        available: () => redisReady(redis),
      })
    : createRateLimiter({ limits });

  // Replies use a client of their own without auto-retry (each attempt takes its own place)
  // and the bot's own timeouts (a reply may upload a file).
  let replyApi: Api | undefined;
  const replyCall: RawApiCall = (method, payload, signal) => {
    if (!replyApi) {
      replyApi = new Api(deps.bot.token, deps.bot.api.options);
      replyApi.config.use(apiMetrics(deps.metrics));
      replyApi.config.use(commitBeforeSending(deps.database.db));
    }
    const raw = replyApi.raw as unknown as Record<string, (payload: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>>;
    const send = raw[method];
    if (typeof send !== 'function') return Promise.reject(new Error(`unknown Bot API method ${method}`));
    return send(payload, signal);
  };
  const pacing = env.REPLY_PACING === 'auto' ? (redis ? 'on' : 'off') : env.REPLY_PACING;
  deps.bot.api.config.use(
    pacing === 'on'
      ? paceReplies({
          limiter,
          call: replyCall,
          isSendMethod,
          logger,
          handOver: async (message) => {
            await enqueueOutbox(database.db, message, now());
            sender.wake();
          },
        })
      : replyBudget(limiter),
  );

  // A separate client for outbox sends: without auto-retry, so that a 429 reaches the sender
  // (which pauses everything for it) instead of being waited out inside one call.
  let api: Api | undefined;
  const call: ApiCall = (method, payload) => {
    if (!api) {
      api = new Api(deps.bot.token, { ...deps.bot.api.options, timeoutSeconds: Math.max(5, Math.floor(env.DELIVERY_LEASE_SECONDS / 2)) });
      api.config.use(apiMetrics(deps.metrics));
      // A notification never goes out ahead of the commit that enqueued it reaching the disk.
      api.config.use(commitBeforeSending(deps.database.db));
    }
    const raw = api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
    const send = raw[method];
    if (typeof send !== 'function') return Promise.reject(new Error(`unknown Bot API method ${method}`));
    return send(payload);
  };

  const chatMigrations = createChatMigrations(database.db);
  const followUpgrades = async () => {
    for (const { from, to } of await chatMigrations.rewrite(deps.config.adminChatIds)) {
      logger.warn({ fromChatId: from, toChatId: to }, `staff chat ${from} is now the supergroup ${to}: alerts go there; put ${to} in adminChatIds of the business config`);
    }
  };

  const outbox = createOutboxRepository(database.db, database.dialect);
  const sender = createOutboxSender({
    repository: outbox,
    limiter,
    call,
    logger,
    metrics: deps.metrics,
    onBlocked: (chatId) => deps.users.setBlocked(chatId, true),
    blockedChats: async (chatIds) => {
      const users = await Promise.all(chatIds.map((id) => deps.users.get(id)));
      return new Set(users.filter((user) => user?.is_blocked === 1).map((user) => user?.id as number));
    },
    onChatMigrated: async (fromChatId, toChatId) => {
      await chatMigrations.record(fromChatId, toChatId, now());
      await followUpgrades();
    },
    options: {
      leaseMs: env.DELIVERY_LEASE_SECONDS * 1000,
      paidBroadcast: env.PAID_BROADCAST === 'on',
      uncertainResend: env.DELIVERY_UNCERTAIN_RESEND,
    },
  });

  const handlers = new Map<string, JobHandler>();
  handlers.set(
    DAILY_REPORT_JOB,
    createDailyReportHandler({
      db: database.db,
      config: deps.config,
      i18n: deps.i18n,
      users: deps.users,
      adminIds: env.ADMIN_IDS,
      modules: deps.modules,
      now,
    }),
  );
  handlers.set(OUTBOX_PRUNE_JOB, async () => {
    const removed = await createOutboxRepository(database.db, database.dialect).prune(now() - OUTBOX_RETENTION_MS);
    if (removed > 0) logger.info({ removed }, 'old outbox rows deleted');
  });
  for (const { name, instance } of deps.modules) {
    for (const [kind, handler] of Object.entries(instance.jobHandlers ?? {})) {
      if (handlers.has(kind)) throw new Error(`job kind ${kind} of module ${name} is already registered`);
      handlers.set(kind, handler);
    }
  }
  const scheduler = createScheduler({ db: database.db, dialect: database.dialect, handlers, logger });

  /**
   * Puts the daily report at its time in the business's time zone as it is now. Called at
   * start and whenever the owner changes the zone: the next run moves to the new zone.
   */
  const scheduleDailyReport = async () => {
    if (env.DAILY_REPORT_TIME === 'off') {
      await cancelJob(database.db, DAILY_REPORT_JOB, now());
      return;
    }
    const recurrence = { type: 'daily', time: env.DAILY_REPORT_TIME, timeZone: deps.config.business.timeZone } as const;
    await ensureRecurringJob(database.db, { kind: DAILY_REPORT_JOB, dedupeKey: DAILY_REPORT_JOB, recurrence }, now());
  };

  let started = false;
  return {
    limiter,
    sender,
    scheduler,
    scheduleDailyReport,
    async chatStarted(chatId) {
      // Nearly every /start finds nothing kept: a plain read (on PostgreSQL, with the reads of
      // other updates) tells so, and only a chat with kept messages pays for the write. That is
      // committed on its own, whatever the /start update does: the user did press Start, the
      // sender may take the messages at once, and a /start that writes nothing else stays an
      // update without a transaction.
      if (!(await outbox.hasUnreachable(chatId, now()))) return;
      const released = await outsideUnitOfWork(() => outbox.releaseUnreachable(chatId, now()));
      if (released === 0) return;
      logger.info({ chatId, released }, 'the user pressed Start: the messages kept for them go now');
      sender.chatReachable(chatId);
    },
    async start() {
      // Staff chats named in the config by an id Telegram has since replaced.
      await followUpgrades();
      await scheduleDailyReport();
      await ensureRecurringJob(
        database.db,
        { kind: OUTBOX_PRUNE_JOB, dedupeKey: OUTBOX_PRUNE_JOB, recurrence: { type: 'interval', everyMs: 6 * 3600_000 } },
        now(),
      );
      sender.start();
      scheduler.start();
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await scheduler.stop();
      await sender.stop();
    },
    async stopAbruptly() {
      started = false;
      sender.stopAbruptly();
      await scheduler.stop();
    },
  };
}

/** Direct replies are counted in the bot-wide window for each message they post, until a second after their answer. */
function replyBudget(limiter: SendRateLimiter): Transformer {
  return async (prev, method, payload, signal) => {
    if (!isSendMethod(method)) return prev(method, payload, signal);
    const paid = (payload as { allow_paid_broadcast?: boolean } | undefined)?.allow_paid_broadcast === true;
    const slot = await limiter.acquire({ paid }, signal as globalThis.AbortSignal | undefined);
    try {
      return await prev(method, payload, signal);
    } finally {
      void slot.settle();
    }
  };
}
