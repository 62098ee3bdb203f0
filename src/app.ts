import type { FastifyInstance } from 'fastify';
import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { loadBusinessConfig, type BusinessConfig } from './config/business.ts';
import { localUrl, type Env } from './config/env.ts';
import { withClinicErpUrl } from './config/env-aliases.ts';
import { startControlServer } from './db/backup.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { createDelivery, type Delivery } from './delivery/delivery.ts';
import { startJobs, type JobRunner } from './delivery/jobs.ts';
import { DEFAULT_UNREACHABLE_KEEP_MS } from './delivery/sender.ts';
import { createStaffChatsCheck, staffChatIds } from './delivery/staff-chats.ts';
import { LAVKA_VERSION } from './config/version.ts';
import { ADMIN_PAGE_DIR, adminPageRoutes } from './http/admin.ts';
import { MINIAPP_PAGE_DIR, miniAppPageRoutes } from './http/miniapp.ts';
import { apiDocument, apiPlugins } from './http/api.ts';
import { createAccessGuard } from './platform/access.ts';
import { createEvents } from './platform/events.ts';
import { createIntegrationGuard } from './platform/integration-access.ts';
import { createMiniAppGuard } from './platform/miniapp-access.ts';
import { createMemoryRequestLimiter, createRedisRequestLimiter } from './platform/rate-limit.ts';
import { sandboxAdminIds } from './http/sandbox.routes.ts';
import type { ReadinessCheck } from './http/server.ts';
import type { CommandSpec, JobSpec, LavkaModule, ModuleServices, Runtime } from './modules/module.ts';
import { coreServices, discoverModules, migrationGroups, moduleFacts, selectModules, setupModules, type ActiveModule } from './modules/registry.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import type { TelegramSimulator } from './sim/index.ts';
import { API_TRANSPORT } from './telegram/api-transport.ts';
import { createBot } from './telegram/bot.ts';
import { createRedisChatLock } from './telegram/chat-lock.ts';
import { shareUserCacheThroughRedis } from './modules/users/users.cache.ts';
import { shareCatalogCacheThroughRedis } from './modules/catalog/catalog.cache.ts';
import { BASE_COMMANDS, publishCommands, publishProfile } from './telegram/commands.ts';
import type { BotContext } from './telegram/context.ts';
import { pruneProcessedUpdates } from './telegram/dedupe.ts';
import { firstPollSignal, POLLING_RETRY, pollingOutageLog, untilBacklogHandled } from './telegram/polling.ts';
import { createTranslator, type Translator } from './telegram/i18n.ts';

/** Where the sandbox mounts the simulator's Bot API on Lavka's own port. */
export const SANDBOX_API_PREFIX = '/sandbox/telegram';

/** Options for {@link startLavka}. */
export interface StartOptions {
  env: Env;
  logger: Logger;
  /** Start the HTTP server and the update loop (false: build everything, start nothing). */
  start?: boolean;
  /** Replaces `Date.now` for the modules (tests). */
  now?: () => number;
  presetsDir?: string;
  /**
   * Modules defined in code rather than in `src/modules` (embedding Lavka, tests); they are
   * always enabled.
   */
  extraModules?: readonly LavkaModule[];
  /** Settings for the simulator the sandbox runs (no token configured). */
  sandbox?: { rateLimits?: false };
  /**
   * Restarts Lavka with a freshly read environment (the supervisor in main.ts). Without it
   * the panel cannot take the sandbox live by itself.
   */
  requestRestart?: () => void;
  /** `false` turns flood control off whatever the config says (tests whose simulated users type faster than people). */
  floodControl?: false;
}

/** A running Lavka. */
export interface LavkaApp {
  env: Env;
  config: BusinessConfig;
  database: DatabaseHandle;
  bot: Bot<BotContext>;
  http: FastifyInstance;
  i18n: Translator;
  metrics: Metrics;
  modules: readonly ActiveModule[];
  services: Partial<ModuleServices>;
  /** The base URL the server listens on (after start). */
  url?: string;
  /** Present in sandbox mode: the simulated Telegram the bot talks to. */
  sandbox?: TelegramSimulator;
  /** How updates arrive. */
  mode: 'sandbox' | 'polling' | 'webhook';
  /** The outbox sender, rate limiter and scheduler (started with the bot). */
  delivery: Delivery;
  /** Finishes in-flight updates, stops jobs, closes the server and the database. */
  stop(): Promise<void>;
}

/**
 * Builds and starts Lavka: config → database (migrated) → modules → HTTP → bot → updates.
 * Without a bot token it starts the sandbox: a simulated Telegram on the same port.
 */
export async function startLavka(options: StartOptions): Promise<LavkaApp> {
  const { logger } = options;
  // Without a token this is the sandbox, where the simulated admin is an admin when ADMIN_IDS is empty.
  const startEnv = options.env.TELEGRAM_BOT_TOKEN ? options.env : { ...options.env, ADMIN_IDS: sandboxAdminIds(options.env.ADMIN_IDS) };
  const now = options.now ?? Date.now;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
    cleanups.length = 0;
  };

  try {
    const fromFile = await loadBusinessConfig({ preset: startEnv.LAVKA_PRESET, configFile: startEnv.LAVKA_CONFIG, presetsDir: options.presetsDir });
    const loaded = withClinicErpUrl(fromFile, startEnv.CLINIC_ERP_URL);
    // The clinic on top of the reference ERP, when asked: the config then points at it.
    // The simulator, the sandbox page, the demo ERP and the Redis client load only when used:
    // a bot in production starts without their code (start-up time and idle memory).
    const demoErp = startEnv.LAVKA_CLINIC_BACKEND === 'demo' ? await (await import('./sim/clinic-erp/index.ts')).connectDemoErp(loaded) : undefined;
    if (demoErp) cleanups.push(() => demoErp.erp.close());
    const config = demoErp?.config ?? loaded;
    const env = demoErp ? { ...startEnv, CLINIC_ERP_TOKEN: demoErp.token } : startEnv;
    if (options.floodControl === false) config.floodControl = { ...config.floodControl, enabled: false };
    const i18n = createTranslator({ defaultLocale: config.business.defaultLocale, overrides: config.texts });
    const extraModules = options.extraModules ?? [];
    const allModules = [...(await discoverModules()), ...extraModules];
    const selected = selectModules(allModules, { ...config, modules: [...config.modules, ...extraModules.map((item) => item.name)] });

    const database = await createDatabase({ url: env.DATABASE_URL, logger, sqliteSync: env.SQLITE_SYNC });
    cleanups.push(() => database.close());
    const report = await migrate(database, migrationGroups(allModules));
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'database migrated');
    // No other process can open a SQLite file Lavka holds: `npm run backup` and `npm run doctor`
    // reach it through this process (src/db/backup.ts).
    if ((options.start ?? true) && database.backupTo && database.location !== ':memory:') {
      const control = await startControlServer({ database, file: database.location, logger });
      cleanups.push(() => control.close());
    }

    let redis: Redis | undefined;
    const redisTools = env.REDIS_URL ? await import('./db/redis.ts') : undefined;
    if (env.REDIS_URL && redisTools) {
      redis = await redisTools.connectRedis(env.REDIS_URL, { logger });
      const client = redis;
      cleanups.push(() => void client.disconnect());
    }

    const metrics = createMetrics();
    const mode: LavkaApp['mode'] = env.TELEGRAM_BOT_TOKEN ? env.BOT_MODE : 'sandbox';
    // Filled as the app starts; the modules read them at use time (the panel's system page).
    const readiness: ReadinessCheck[] = [{ name: 'database', check: () => database.health() }];
    const botRef: { api?: Api } = {};
    let active: ActiveModule[] = [];
    let document: Record<string, unknown> | undefined;
    const requestRestart = options.requestRestart;
    const runtime: Runtime = {
      mode,
      version: LAVKA_VERSION,
      startedAtMs: now(),
      metrics,
      readiness: () => readiness,
      telegram: () => botRef.api,
      modules: () => moduleFacts(active),
      apiDocument: () => (document ??= apiDocument(active, LAVKA_VERSION)),
      ...(mode === 'sandbox' && requestRestart
        ? { goLive: { migrations: migrationGroups(allModules), keep: selected.flatMap((item) => item.goLive?.keep ?? []), requestRestart } }
        : {}),
    };

    const events = createEvents();
    const setUp = await setupModules(selected, { env, config, database, logger, i18n, now, runtime, events });
    active = setUp.active;
    const services = setUp.services;
    const { admin, users, audit, integrations } = coreServices(services, ['admin', 'users', 'audit', 'integrations']);
    // What the modules publish in their transactions is kept for the webhooks from here on.
    events.deliverTo(integrations.webhooks.sink);
    // Parts of the modules' configuration the owner changes in the panel: what the panel
    // stored is applied before the bot takes its first update.
    for (const item of active) {
      if (item.instance.settings?.length) await admin.settings.register(item.instance.settings, item.name);
    }
    // Broadcasts offer the audience segments the other modules contribute (orders, wallet…).
    services.broadcasts?.useSegments(active.flatMap((item) => item.instance.segments ?? []));

    // The simulated Telegram continues the update numbering past what this database handled:
    // otherwise, after a restart, every message would be dropped as already handled.
    const sim = mode === 'sandbox' ? await import('./sim/index.ts') : undefined;
    const sandboxPage = mode === 'sandbox' ? await import('./http/sandbox.routes.ts') : undefined;
    const sandbox = sim ? sim.createSimulator({ rateLimits: options.sandbox?.rateLimits, firstUpdateId: (await lastUpdateId(database.db)) + 1 }) : undefined;
    if (sandbox) cleanups.push(() => sandbox.close());

    if (redis && redisTools) {
      const { redisReady } = redisTools;
      const client = redis;
      readiness.push({
        name: 'redis',
        check: async () => (redisReady(client) ? { ok: (await client.ping()) === 'PONG' } : { ok: false, detail: `not connected (${client.status})` }),
      });
    }
    for (const item of active) readiness.push(...(item.instance.health ?? []));

    // Module staff routes are mounted only behind the access check (session, role, CSRF, audit).
    const guard = createAccessGuard({ sessions: admin.sessions, audit, logger: logger.child({ component: 'access' }) });
    // The integration API: API keys, their scopes and rate (shared through Redis when there is one).
    const localLimiter = createMemoryRequestLimiter(now);
    const integrationGuard = createIntegrationGuard({
      keys: integrations.authenticator,
      idempotency: integrations.idempotency,
      limiter: redis
        ? createRedisRequestLimiter(redis, { now, fallback: localLimiter, onUnavailable: (error) => logger.debug({ err: error }, 'Redis unreachable: API rate counted by this instance alone') })
        : localLimiter,
      requestsPerSecond: () => integrations.settings.requestsPerSecond,
      audit,
      logger: logger.child({ component: 'integration-api' }),
    });
    // The Mini App's API: initData signed with this bot's token (the simulator's in the sandbox).
    const miniApp = services.miniapp;
    const miniAppGuard = miniApp
      ? createMiniAppGuard({
          botToken: () => sandbox?.token ?? (env.TELEGRAM_BOT_TOKEN as string),
          maxAgeSec: () => miniApp.maxAgeSec(),
          enabled: () => miniApp.enabled(),
          signIn: async (user) => ({ locale: users.localeOf(await users.register(user), config.business.defaultLocale) }),
          limiter: localLimiter,
          requestsPerSecond: 50,
          now,
          logger: logger.child({ component: 'miniapp-api' }),
        })
      : undefined;
    const start = options.start ?? true;
    let url: string | undefined;
    let botForWebhook: Bot<BotContext> | undefined;
    const webhookUrl = mode === 'webhook' ? new URL(env.WEBHOOK_URL as string) : undefined;
    /** The HTTP server: panel, APIs, pages, health, the webhook; listening when Lavka starts. */
    const openHttp = async () => {
      // Fastify loads here: for a polling bot, once it polls.
      const { createHttpServer, registerWebhook } = await import('./http/server.ts');
      const server = await createHttpServer({
        logger,
        metrics,
        readiness,
        untilDurable: () => database.untilDurable(),
        trustProxy: env.TRUST_PROXY,
        plugins: [
          ...apiPlugins(active, { staff: guard, integration: integrationGuard, ...(miniAppGuard ? { miniApp: miniAppGuard } : {}) }, LAVKA_VERSION),
          { prefix: '/admin', plugin: adminPageRoutes(ADMIN_PAGE_DIR) },
          ...(miniApp ? [{ prefix: '/app', plugin: miniAppPageRoutes({ pageDir: MINIAPP_PAGE_DIR, enabled: () => miniApp.enabled() }) }] : []),
          ...active
            .filter((item) => item.instance.publicRoutes)
            .map((item) => ({ prefix: `/public/${item.name}`, plugin: item.instance.publicRoutes! })),
          ...(sandbox && sim && sandboxPage
            ? [
                { prefix: SANDBOX_API_PREFIX, plugin: sim.registerSimulatorRoutes(sandbox) },
                {
                  prefix: '/sandbox',
                  plugin: sandboxPage.sandboxPageRoutes({
                    sim: sandbox,
                    config,
                    preset: env.LAVKA_PRESET,
                    adminIds: env.ADMIN_IDS,
                    apiPrefix: SANDBOX_API_PREFIX,
                    adminUrl: '/admin/',
                    miniApp: () => {
                      const button = services.miniapp?.openButton(config.business.defaultLocale);
                      return button ? { url: button.web_app.url, text: button.text } : null;
                    },
                  }),
                },
              ]
            : []),
        ],
      });
      cleanups.push(() => server.close());
      if (sandbox) server.get('/', (_request, reply) => reply.redirect('/sandbox'));
      // Fastify takes no routes once listening, and the bot needs the listening URL in the
      // sandbox, so the webhook route looks the bot up when an update arrives.
      if (webhookUrl) {
        registerWebhook(server, { path: webhookUrl.pathname, secret: env.WEBHOOK_SECRET as string, bot: () => botForWebhook });
      }
      if (start) {
        await server.listen({ port: env.PORT, host: env.HOST });
        const address = server.server.address();
        const port = typeof address === 'object' && address ? address.port : env.PORT;
        url = localUrl({ HOST: env.HOST, PORT: port });
        admin.setListeningUrl(url);
        services.miniapp?.setListeningUrl(url);
      }
      return server;
    };
    // A polling bot needs no HTTP server to take updates: it polls first, answers what waited
    // for it, and the panel, the APIs and the pages come up right after (a start's first
    // getUpdates comes about 0.2 s sooner, and so do the answers to the updates that waited).
    // The sandbox's bot talks to the simulator through it, and a webhook needs it.
    const httpAfterPolling = start && mode === 'polling';
    let http = httpAfterPolling ? undefined : await openHttp();

    const commands: CommandSpec[] = [...BASE_COMMANDS, ...active.flatMap((item) => item.instance.commands ?? [])];
    const token = sandbox ? sandbox.token : (env.TELEGRAM_BOT_TOKEN as string);
    if (redis) {
      // A user changed on one instance is dropped from the others' user caches.
      const stopSharing = await shareUserCacheThroughRedis(users.cache, redis, {
        channel: `lavka:${token.split(':')[0]}:users:changed`,
        onError: (error) => logger.debug({ err: error }, 'Redis unreachable: user cache changes stay on this instance for now'),
      }).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not subscribe to user changes through Redis: cached users may lag up to a minute behind other instances');
        return undefined;
      });
      if (stopSharing) cleanups.push(stopSharing);
      // A catalogue change on one instance drops the others' catalogue caches.
      const catalogCache = services.catalog?.readCache;
      const stopCatalogSharing = catalogCache
        ? await shareCatalogCacheThroughRedis(catalogCache, redis, {
            channel: `lavka:${token.split(':')[0]}:catalog:changed`,
            onError: (error) => logger.debug({ err: error }, 'Redis unreachable: catalogue cache entries live at most a few seconds for now'),
          }).catch((error: unknown) => {
            catalogCache.setSharing('broken');
            logger.warn({ err: error }, 'could not subscribe to catalogue changes through Redis: cached catalogue reads live at most a few seconds');
            return undefined;
          })
        : undefined;
      if (stopCatalogSharing) cleanups.push(stopCatalogSharing);
    }
    const apiRoot = sandbox ? `${url ?? 'http://127.0.0.1'}${SANDBOX_API_PREFIX}` : env.TELEGRAM_API_ROOT;
    const bot = createBot({
      token,
      apiRoot,
      config,
      db: database.db,
      logger,
      metrics,
      i18n,
      users,
      modules: active.map((item) => ({ name: item.name, instance: item.instance })),
      commands,
      staff: admin,
      chatLock: redis
        ? createRedisChatLock(redis, {
            prefix: `lavka:{order:${token.split(':')[0]}}:`,
            onUnavailable: (error) => logger.debug({ err: error }, 'Redis unreachable: the update runs without the cross-instance chat order'),
            onWaitedTooLong: (info) => logger.warn(info, 'an earlier update of this chat was still not done: handling this one anyway'),
            onGapSkipped: (info) => logger.info(info, 'an earlier update id never arrived: going on without it'),
          })
        : undefined,
      redis,
      botInfo: sandbox?.botInfo,
      now,
      // An update a stopped instance was handling is taken over as soon as its messages are.
      dedupeTiming: { leaseMs: env.DELIVERY_LEASE_SECONDS * 1000, heartbeatMs: (env.DELIVERY_LEASE_SECONDS * 1000) / 3 },
      onPrivateStart: (chatId) => {
        staffChats.chatStarted(chatId);
        return delivery.chatStarted(chatId);
      },
    });
    botRef.api = bot.api;
    // Readiness asks Telegram through a bare client: the bot's own retries would hide an outage.
    const probeApi = new Api(token, { apiRoot, ...API_TRANSPORT });
    readiness.push({
      name: 'telegram',
      check: async () => {
        await probeApi.getMe();
        return { ok: true };
      },
    });
    // Staff chats the bot cannot write to are named, with the fix; they never make the instance "not ready".
    const staffChats = createStaffChatsCheck({
      api: probeApi,
      chatIds: () => staffChatIds(config, env.ADMIN_IDS),
      me: async () => (bot.isInited() ? bot.botInfo : probeApi.getMe()),
      logger,
      keptForMs: DEFAULT_UNREACHABLE_KEEP_MS,
    });
    readiness.push(staffChats.readiness());

    const delivery = createDelivery({
      env,
      config,
      database,
      logger,
      metrics,
      i18n,
      bot,
      users,
      modules: active.map((item) => ({ name: item.name, instance: item.instance })),
      redis,
      now,
    });

    // A daily job at a local time follows the business's time zone from its next run.
    admin.settings.onApplied('time-zone', () => delivery.scheduleDailyReport());

    const jobList: JobSpec[] = [
      { name: 'prune-processed-updates', everyMs: 3600_000, run: async () => void (await pruneProcessedUpdates(database.db, now())) },
      ...active.flatMap((item) => item.instance.jobs ?? []),
    ];

    const seedDemo = env.LAVKA_DEMO_DATA === 'on' || (env.LAVKA_DEMO_DATA === 'auto' && mode === 'sandbox');
    if (seedDemo) {
      for (const item of active) {
        const data = config.demo[item.name];
        if (item.instance.seedDemo && data !== undefined) await item.instance.seedDemo(data);
      }
    }

    let runner: RunnerHandle | undefined;
    let jobs: JobRunner | undefined;
    if (start) {
      await bot.init();
      await staffChats.warnUnreachable();
      const publishMetadata = async () => {
        await publishProfile({ api: bot.api, i18n, business: config.business.name }).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not publish the bot description and menu button'),
        );
        // After the profile, which sets the command-list menu button: the app's replaces it.
        await services.miniapp?.publishMenuButton(bot.api, config.business.defaultLocale).catch((error: unknown) => logger.warn({ err: error }, 'could not set the Mini App menu button'));
        await publishCommands({ api: bot.api, i18n, commands, adminIds: env.ADMIN_IDS, logger }).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not publish the command list'),
        );
      };
      if (webhookUrl) {
        await publishMetadata();
        botForWebhook = bot;
        await bot.api.setWebhook(webhookUrl.href, { secret_token: env.WEBHOOK_SECRET, allowed_updates: ALLOWED_UPDATES });
        logger.info({ url: webhookUrl.origin + webhookUrl.pathname }, 'webhook set');
      } else {
        await bot.api.deleteWebhook();
        bot.api.config.use(pollingOutageLog(logger));
        // Only where the HTTP server waits for it (not in the sandbox, whose bot polls through it).
        const firstPoll = httpAfterPolling ? firstPollSignal() : undefined;
        if (firstPoll) bot.api.config.use(firstPoll.transformer);
        runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, ...POLLING_RETRY } });
        const handle = runner;
        cleanups.push(async () => {
          if (handle.isRunning()) await handle.stop();
          // stop() ends fetching but not the updates already handed out: wait for them so
          // their session writes land before the database closes.
          const deadline = Date.now() + 10_000;
          while (handle.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        });
        if (firstPoll) {
          // The updates that waited for this start are answered first (a second at most).
          await untilBacklogHandled({ answered: firstPoll.answered, inFlight: () => handle.size(), capMs: 1_000 });
          http = await openHttp();
        }
        // The description, menu button and commands are a dozen Bot API calls that no update
        // waits for: the bot polls first (start-up time), and Lavka is started once they are set.
        await publishMetadata();
      }
      jobs = startJobs(jobList, logger, redis && { redis, prefix: `lavka:${token.split(':')[0]}:job:` });
      const jobRunner = jobs;
      cleanups.push(() => jobRunner.stop());
      // Pushed last so it stops first: outcomes in flight are recorded before the database closes.
      await delivery.start();
      cleanups.push(() => delivery.stop());
    }

    // Not started (tests that drive the app without a port), or started before the bot.
    http ??= await openHttp();
    return {
      env,
      config,
      database,
      bot,
      http,
      i18n,
      metrics,
      modules: active,
      services,
      url,
      sandbox,
      mode,
      delivery,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The highest update id this database has seen (0 for none). */
async function lastUpdateId(db: DatabaseHandle['db']): Promise<number> {
  const row = await db.selectFrom('processed_updates').select((eb) => eb.fn.max('update_id').as('last')).executeTakeFirst();
  return Number(row?.last ?? 0);
}

/** Update types Lavka handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'pre_checkout_query',
  'my_chat_member',
  'chat_member',
  'inline_query',
] as const;
