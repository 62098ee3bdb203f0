import { Bot, GrammyError, HttpError, enhanceStorage, lazySession, type BotError } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import type { Logger } from 'pino';
import type { BusinessConfig } from '../config/business.ts';
import type { Db } from '../db/database.ts';
import type { CommandSpec, ModuleInstance, StaffRole } from '../modules/module.ts';
import type { UsersService } from '../modules/users/users.service.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createBaseComposer, createFallbackComposer } from './base.bot.ts';
import type { ChatLock } from './chat-lock.ts';
import type { BotContext, SessionData } from './context.ts';
import { dedupeUpdates } from './dedupe.ts';
import { flowRouter, type FlowDefinition } from './flow.ts';
import type { Translator } from './i18n.ts';
import { createDbSessionStorage } from './session-storage.ts';
import { apiMetrics } from './api-metrics.ts';

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
  /** Serialises a chat's updates across instances (Redis); absent with one instance. */
  chatLock?: ChatLock;
  /** Known bot identity, to skip the getMe call (tests, benchmarks). */
  botInfo?: Bot['botInfo'];
  now?: () => number;
}

/** The key updates are serialised and sessions stored by: the chat, else the sender. */
export function chatKey(ctx: { chat?: { id: number }; from?: { id: number } }): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

/**
 * Creates the grammY bot: error boundary, metrics and logging first, then de-duplication,
 * per-chat ordering, the user and their language, the session, the base commands, the
 * active flow, the modules' handlers in order, and the fallback last.
 */
export function createBot(deps: CreateBotDeps): Bot<BotContext> {
  const now = deps.now ?? Date.now;
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });

  bot.api.config.use(apiMetrics(deps.metrics));
  // Replies wait out a 429 (up to a minute) and retry 5xx/network errors a few times.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowInternalServerErrors: false }));

  const enabledModules = new Set(deps.modules.map((entry) => entry.name));

  bot.use(async (ctx, next) => {
    const type = Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
    ctx.log = deps.logger.child({ update_id: ctx.update.update_id, user_id: ctx.from?.id });
    const started = performance.now();
    try {
      await next();
    } finally {
      deps.metrics.updatesTotal.inc({ type });
      deps.metrics.updateDurationSeconds.observe({ type }, (performance.now() - started) / 1000);
    }
  });
  // Ordering comes before any awaited work: updates that wait on the database first would
  // reach `sequentialize` in the order their queries finished, not the order they were sent.
  bot.use(sequentialize(chatKey));
  if (deps.chatLock) {
    const lock = deps.chatLock;
    bot.use((ctx, next) => {
      const key = chatKey(ctx);
      return key === undefined ? next() : lock.withLock(key, next);
    });
  }
  bot.use(dedupeUpdates(deps.db, now));

  // Blocked / unblocked: Telegram tells the bot through my_chat_member in private chats.
  bot.on('my_chat_member', async (ctx, next) => {
    if (ctx.chat.type === 'private') {
      const status = ctx.myChatMember.new_chat_member.status;
      await deps.users.setBlocked(ctx.from.id, status === 'kicked');
      ctx.log.info({ status }, 'bot membership changed');
      return;
    }
    await next();
  });

  bot.use(async (ctx, next) => {
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

  bot.use(
    lazySession<SessionData, BotContext>({
      initial: () => ({}),
      getSessionKey: chatKey,
      storage: enhanceStorage<SessionData>({
        storage: createDbSessionStorage(deps.db, now),
        migrations: { [SESSION_VERSION]: (old: SessionData) => old },
      }),
    }),
  );

  const deepLinks = Object.assign({}, ...deps.modules.map((entry) => entry.instance.deepLinks ?? {}));
  const flows: FlowDefinition[] = deps.modules.flatMap((entry) => [...(entry.instance.flows ?? [])]);
  for (const entry of deps.modules) {
    if (entry.instance.guard) bot.use(entry.instance.guard);
  }
  bot.use(
    createBaseComposer({
      config: deps.config,
      i18n: deps.i18n,
      users: deps.users,
      enabledModules,
      commands: deps.commands,
      deepLinks,
    }),
  );
  bot.use(flowRouter(flows));
  for (const entry of deps.modules) {
    if (entry.instance.composer) bot.use(entry.instance.composer);
  }
  bot.use(createFallbackComposer({ config: deps.config, enabledModules }));

  bot.catch((error) => handleBotError(error, deps.logger, deps.metrics));
  return bot;
}

/**
 * The error boundary: one failing handler never stops the bot. The user is told something
 * went wrong (best effort), and the log says whether Telegram refused a call or the network
 * failed, which need different fixes.
 */
async function handleBotError(error: BotError<BotContext>, logger: Logger, metrics: Metrics): Promise<void> {
  const ctx = error.ctx;
  const cause = error.error;
  const log = ctx.log ?? logger;
  const type = Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
  metrics.updateErrorsTotal.inc({ type });
  if (cause instanceof GrammyError) {
    log.error({ err: cause, method: cause.method, code: cause.error_code }, `Telegram refused ${cause.method}: ${cause.description}`);
  } else if (cause instanceof HttpError) {
    log.error({ err: cause }, 'could not reach the Telegram Bot API');
  } else {
    log.error({ err: cause }, 'update handler failed');
  }
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t?.('error-generic') ?? 'Error' });
    else if (ctx.chat?.type === 'private') await ctx.reply(ctx.t?.('error-generic') ?? 'Something went wrong.');
  } catch {
    // The apology failed too (network down, query expired); the log above already has the cause.
  }
}
