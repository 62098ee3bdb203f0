import { Bot, enhanceStorage, lazySession } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { sql } from 'kysely';
import { sequentialize } from '@grammyjs/runner';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BusinessConfig } from '../config/business.ts';
import type { Db } from '../db/database.ts';
import type { CommandSpec, ModuleInstance } from '../modules/module.ts';
import type { StaffRole } from '../platform/roles.ts';
import type { UsersService } from '../modules/users/users.service.ts';
import type { Metrics } from '../observability/metrics.ts';
import { API_TRANSPORT } from './api-transport.ts';
import { createBaseComposer, createFallbackComposer } from './base.bot.ts';
import type { ChatLock } from './chat-lock.ts';
import type { BotContext, SessionData } from './context.ts';
import { holdWhileDatabaseDown } from './database-wait.ts';
import { commitBeforeSending, dedupeUpdates, type DedupeTiming } from './dedupe.ts';
import { guardCallbackCalls } from './callback-calls.ts';
import { errorHandler, updateType } from './error-boundary.ts';
import { flowRouter, type FlowDefinition } from './flow.ts';
import { floodControl } from './flood-control.ts';
import type { Translator } from './i18n.ts';
import { createDbSessionStorage, createSessionPrefetch } from './session-storage.ts';
import { apiMetrics } from './api-metrics.ts';
import { checkUpdate } from './update-schema.ts';
import { installFastComposer } from './fast-composer.ts';
import { updateLogger } from './update-logger.ts';

// Every composer's branch (under on, command, callbackQuery…) without a new composer per
// update, and its handlers run from a list instead of nested async wrappers; installed when
// this file loads, before any module registers its handlers.
installFastComposer();

/** Version of the stored session shape; bump it and add a migration when it changes. */
export const SESSION_VERSION = 1;

/** Everything the bot needs, passed in explicitly. */
export interface CreateBotDeps {
  token: string;
  apiRoot: string;
  config: BusinessConfig;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  i18n: Translator;
  users: UsersService;
  modules: readonly { name: string; instance: ModuleInstance }[];
  commands: readonly CommandSpec[];
  /** Staff roles from the admin panel's staff accounts; without it only ADMIN_IDS are staff. */
  staff?: { roleOfTelegram(telegramId: number): Promise<StaffRole | undefined> };
  /** Orders a chat's updates by update id across instances (Redis); absent with one instance. */
  chatLock?: ChatLock;
  /** Known bot identity, to skip the getMe call (tests, benchmarks). */
  botInfo?: Bot['botInfo'];
  now?: () => number;
  /** Claim lease of the update de-duplication (tests shorten it). */
  dedupeTiming?: Partial<DedupeTiming>;
  /** Present when REDIS_URL is set: flood-control counts are then shared by every instance. */
  redis?: Redis;
  /** A user pressed Start in their private chat: messages kept until they could be reached go now. */
  onPrivateStart?(chatId: number): Promise<void>;
}

/** The key updates are serialised and sessions stored by: the chat, else the sender. */
export function chatKey(ctx: { chat?: { id: number }; from?: { id: number } }): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

/**
 * Creates the grammY bot: error boundary, metrics and logging first, then the check that
 * the update fits the Bot API, per-chat ordering, de-duplication, the user and their
 * language, flood control, the session, the base commands, the active flow, the modules'
 * handlers in order, and the fallback last.
 */
export function createBot(deps: CreateBotDeps): Bot<BotContext> {
  const now = deps.now ?? Date.now;
  const bot = new Bot<BotContext>(deps.token, {
    // Calls go through Lavka's own HTTP client (api-transport.ts), not node-fetch.
    client: { apiRoot: deps.apiRoot, ...API_TRANSPORT },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });

  bot.api.config.use(apiMetrics(deps.metrics));
  // Replies wait out a 429 (up to a minute) and retry 5xx/network errors a few times.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowInternalServerErrors: false }));
  // A reply may confirm what its update wrote: the update's unit of work commits first.
  bot.api.config.use(commitBeforeSending(deps.db));

  const enabledModules = new Set(deps.modules.map((entry) => entry.name));

  // One error boundary around everything, the same in polling and webhook mode: no handler
  // error ever leaves the bot (grammY's webhook path would rethrow it into the HTTP route).
  const root = bot.errorBoundary(errorHandler(deps.logger, deps.metrics, deps.i18n));

  root.use(async (ctx, next) => {
    const type = updateType(ctx.update);
    ctx.log = updateLogger(deps.logger, { update_id: ctx.update.update_id, user_id: numericId(ctx.update, type) });
    const started = performance.now();
    try {
      await next();
    } finally {
      deps.metrics.updatesTotal.inc({ type });
      deps.metrics.updateDurationSeconds.observe({ type }, (performance.now() - started) / 1000);
    }
  });
  // Nothing from outside is read or written before it is known to fit the Bot API.
  root.use((ctx, next) => {
    const refusal = checkUpdate(ctx.update);
    if (!refusal) return next();
    deps.metrics.updatesRefusedTotal.inc({ type: refusal.kind });
    ctx.log.warn({ kind: refusal.kind, problems: refusal.problems }, 'update refused: it does not fit the Bot API');
  });
  root.use(guardCallbackCalls());
  // Ordering comes before any awaited work: updates that wait on the database first would
  // reach `sequentialize` in the order their queries finished, not the order they were sent.
  // Across instances the Redis queue orders a chat's updates by update id, this instance's
  // too, so it replaces `sequentialize` (whose arrival order could contradict it).
  const lock = deps.chatLock;
  if (lock) {
    root.use((ctx, next) => {
      const key = sequenceKey(ctx);
      return key === undefined ? next() : lock.withLock(key, ctx.update.update_id, next);
    });
  } else {
    root.use(sequentialize(sequenceKey));
  }
  // A short database outage (a PostgreSQL restart) holds the next updates instead of failing them.
  root.use(holdWhileDatabaseDown({ health: () => sql`select 1`.execute(deps.db).then(() => ({ ok: true })) }));
  // The session row is read with the duplicate check, in one statement (one round trip).
  const sessionPrefetch = createSessionPrefetch();
  root.use(dedupeUpdates({ db: deps.db, now, timing: deps.dedupeTiming, logger: deps.logger, sessions: { keyOf: chatKey, prefetch: sessionPrefetch } }));

  // Blocked / unblocked: Telegram tells the bot through my_chat_member in private chats.
  root.on('my_chat_member', async (ctx, next) => {
    if (ctx.chat.type === 'private') {
      const status = ctx.myChatMember.new_chat_member.status;
      await deps.users.setBlocked(ctx.from.id, status === 'kicked');
      ctx.log.info({ status }, 'bot membership changed');
      return;
    }
    await next();
  });

  root.use(async (ctx, next) => {
    let locale = deps.i18n.defaultLocale;
    if (ctx.from && !ctx.from.is_bot) {
      ctx.user = await deps.users.register(ctx.from);
      locale = deps.users.localeOf(ctx.user, deps.i18n.defaultLocale);
    }
    const configuredOwner = ctx.from ? deps.users.isAdmin(ctx.from.id) : false;
    ctx.staffRole = configuredOwner ? 'owner' : ctx.from && deps.staff ? await deps.staff.roleOfTelegram(ctx.from.id) : undefined;
    ctx.isAdmin = ctx.staffRole === 'owner' || ctx.staffRole === 'manager';
    ctx.locale = locale;
    ctx.t = (key, variables) => deps.i18n.t(ctx.locale, key, variables);
    ctx.setLocale = (next) => {
      ctx.locale = next;
    };
    await next();
  });
  const onPrivateStart = deps.onPrivateStart;
  if (onPrivateStart) {
    // Only /start pays for this: a user who never pressed Start cannot have written anything else.
    root.chatType('private').command('start', async (ctx, next) => {
      await onPrivateStart(ctx.chat.id).catch((error: unknown) => ctx.log.error({ err: error }, 'could not release the messages kept for this user'));
      await next();
    });
  }
  root.use(
    floodControl({
      settings: deps.config.floodControl,
      metrics: deps.metrics,
      redis: deps.redis,
      redisPrefix: `lavka:flood:${deps.token.split(':')[0]}:`,
      isStaff: (ctx) => ctx.staffRole !== undefined,
      clock: deps.redis ? undefined : now,
    }),
  );

  root.use(
    lazySession<SessionData, BotContext>({
      initial: () => ({}),
      getSessionKey: chatKey,
      storage: enhanceStorage<SessionData>({
        storage: createDbSessionStorage(deps.db, now, sessionPrefetch),
        migrations: { [SESSION_VERSION]: (old: SessionData) => old },
      }),
    }),
  );

  const deepLinks = Object.assign({}, ...deps.modules.map((entry) => entry.instance.deepLinks ?? {}));
  const flows: FlowDefinition[] = deps.modules.flatMap((entry) => [...(entry.instance.flows ?? [])]);
  for (const entry of deps.modules) {
    if (entry.instance.guard) root.use(entry.instance.guard);
  }
  root.use(
    createBaseComposer({
      config: deps.config,
      i18n: deps.i18n,
      users: deps.users,
      enabledModules,
      commands: deps.commands,
      deepLinks,
    }),
  );
  root.use(flowRouter(flows));
  for (const entry of deps.modules) {
    if (entry.instance.composer) root.use(entry.instance.composer);
  }
  root.use(createFallbackComposer({ config: deps.config, enabledModules }));

  // A last resort for what the boundary itself could not handle (the runner calls it).
  bot.catch(errorHandler(deps.logger, deps.metrics, deps.i18n));
  return bot;
}

/**
 * The key updates are serialised by. A pre-checkout query is answered outside its chat's
 * queue: Telegram cancels the purchase unless it is answered within 10 seconds, whatever the
 * chat's earlier updates are doing, and the check only reads.
 */
export function sequenceKey(ctx: { update: object; chat?: { id: number }; from?: { id: number } }): string | undefined {
  if ('pre_checkout_query' in ctx.update) return undefined;
  return chatKey(ctx);
}

/** The sender's id for the log, read defensively: the update has not been checked yet. */
function numericId(update: object, type: string): number | undefined {
  const payload = (update as Record<string, unknown>)[type];
  const from = typeof payload === 'object' && payload !== null ? (payload as { from?: unknown }).from : undefined;
  const id = typeof from === 'object' && from !== null ? (from as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : undefined;
}
