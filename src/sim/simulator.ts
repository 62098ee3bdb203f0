// createSimulator: the in-memory Telegram. It owns the state, dispatches Bot API calls
// (token check → faults → spec validation → handler) and exposes the world-building and
// inspection API tests and the sandbox use.

import { ApiError, DroppedRequestError, badRequest } from './api-error.ts';
import type { UserFromGetMe } from '@grammyjs/types';
import type { ApiChat, ApiResponse, ApiUser } from './api-types.ts';
import { findChat, newChatRecord, requireChat, viewOfChat } from './chat-ops.ts';
import type { ChatRecord, ChatView, UserRecord } from './chat-types.ts';
import { createCommandStore } from './command-store.ts';
import type { BotCommand } from './command-store.ts';
import { createEventHub } from './event-bus.ts';
import type { SimEventBus } from './event-bus.ts';
import { createFaultInjector } from './faults.ts';
import type { FaultSpec } from './faults.ts';
import { createFileStore } from './file-store.ts';
import type { StoredFile } from './file-store.ts';
import { createBotMethods } from './methods/bot.ts';
import { createCallbackMethods } from './methods/callbacks.ts';
import { createChatMethods } from './methods/chats.ts';
import { createCommandMethods } from './methods/commands.ts';
import { createEditMethods } from './methods/edits.ts';
import { createFileMethods } from './methods/files.ts';
import { createMessageMethods } from './methods/messages.ts';
import { createPaymentMethods } from './methods/payments.ts';
import type { MethodTable } from './methods/types.ts';
import { createUpdateMethods } from './methods/updates.ts';
import { createPaymentFlow } from './payment-flow.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { RateLimitOptions } from './rate-limit.ts';
import { createSimUser } from './sim-user.ts';
import type { SimUser, SimUserEntry, SimUserInit } from './sim-user.ts';
import type { SimState } from './sim-state.ts';
import { loadBotApiSpec } from './spec.ts';
import type { BotApiSpec } from './spec.ts';
import { createStatsRecorder } from './stats.ts';
import type { SimStats } from './stats.ts';
import { createUpdateQueue } from './update-queue.ts';
import { privateChatOf, privateChatShape, setMembership } from './user-actions.ts';
import { createParamValidator } from './validate.ts';
import type { UploadedFile } from './validate.ts';
import { createWebhookPusher } from './webhook-pusher.ts';
import type { WebhookTiming } from './webhook-pusher.ts';

/** Options of createSimulator; everything has a default. */
export interface SimulatorOptions {
  /** The only token accepted (default '123456:SIM-TOKEN'); the bot's id is the part before ':'. */
  token?: string;
  /** Default 'lavka_sim_bot'; the bot's first_name is 'Lavka'. */
  botUsername?: string;
  /** Flood limits; false turns them off. */
  rateLimits?: false | RateLimitOptions;
  /** Milliseconds since the epoch; drives message dates, flood buckets and expiry. */
  clock?: () => number;
  /** Upper bound on how long one getUpdates may wait (default 30 000 ms). */
  longPollMaxMs?: number;
  /** How long a callback query can be answered (default 15 min). */
  callbackQueryTtlMs?: number;
  /** How long payInvoice waits for answerPreCheckoutQuery (default 10 000 ms, Telegram's limit). */
  preCheckoutTimeoutMs?: number;
  /**
   * The first update_id to give out. Telegram never reuses an id, and a bot remembers the
   * ids it handled: a simulator started again for the same bot must continue past them.
   */
  firstUpdateId?: number;
  /** Webhook delivery timing: retry backoff and request timeout. */
  webhook?: Partial<WebhookTiming>;
  /** A preloaded spec, to share one parse across many simulators. */
  spec?: BotApiSpec;
}

/** A group, supergroup or channel to create. */
export interface GroupInit {
  id: number;
  title: string;
  members: number[];
  /** Users among `members` who are administrators. */
  admins?: number[];
  botIsAdmin?: boolean;
  username?: string;
}

/** A channel to create. */
export interface ChannelInit {
  id: number;
  title: string;
  username?: string;
  botIsAdmin?: boolean;
}

/** Per-call options of callApi. */
export interface CallOptions {
  /** Aborting it (the HTTP client went away) ends a waiting long poll. */
  signal?: AbortSignal;
}

/** A snapshot of the simulated world for the sandbox. */
export interface SimInfo {
  bot: ApiUser;
  apiVersion: string;
  users: ApiUser[];
  groups: Array<ApiChat & { members: Array<{ userId: number; status: string }>; botIsAdmin: boolean }>;
  channels: Array<ApiChat & { members: Array<{ userId: number; status: string }>; botIsAdmin: boolean }>;
  webhook: { url: string; pendingUpdateCount: number };
}

/** The simulated Telegram Bot API. */
export interface TelegramSimulator {
  readonly token: string;
  /** The bot's User, as getMe returns it (usable as grammY's `botInfo`). */
  readonly botInfo: UserFromGetMe;
  /** Every chat change, for SSE and tests. */
  readonly events: SimEventBus;
  /** The Bot API root once served over HTTP by startSimulatorServer (grammY's `client.apiRoot`). */
  apiRoot: string | undefined;
  /** Same as apiRoot (kept for tests written against that name). */
  readonly apiRootForTests: string | undefined;
  /** Runs one Bot API call in-process; the HTTP route uses the same entry. Rejects only for an injected `drop`. */
  callApi(token: string, method: string, params: Record<string, unknown>, files?: Map<string, UploadedFile>, options?: CallOptions): Promise<ApiResponse>;
  /** Creates the user (or updates and returns the existing one); their private chat id is their user id. */
  user(init: SimUserInit): SimUser;
  /** An existing user's actor handle. */
  getUser(userId: number): SimUser | undefined;
  /** Creates or replaces a group (a negative id; ids from -100… are supergroups). */
  group(init: GroupInit): ApiChat;
  /** Creates or replaces a channel (an id from -100…). */
  channel(init: ChannelInit): ApiChat;
  /** Sets a user's status in a group or channel ("member", "administrator", "left", "kicked", …). */
  setMember(chatId: number, userId: number, status: string): void;
  /** Makes the bot an administrator of a group or channel, or takes that away. */
  setBotAdmin(chatId: number, isAdmin: boolean): void;
  /**
   * Upgrades a basic group to a supergroup with a new id (-100…), members and bot status
   * carried over. From then on every send to the old id answers 400 with `migrate_to_chat_id`.
   */
  upgradeGroup(chatId: number, supergroupId: number): ApiChat;
  /** The chat as it looks now; throws for an unknown chat. */
  chat(chatId: number): ChatView;
  info(): SimInfo;
  /** The command list a user sees in a chat, following Telegram's scope and language fallback. */
  commandsFor(query: { chatId: number; userId?: number; languageCode?: string }): BotCommand[];
  /** Like commandsFor, plus which scope and language the list came from (null: none set). */
  resolveCommands(query: { chatId: number; userId?: number; languageCode?: string }): { commands: BotCommand[]; scope: string | null; languageCode: string };
  /** A stored file (bytes, or only a URL for files sent by link). */
  file(fileId: string): StoredFile | undefined;
  /** A stored file by its getFile path. */
  fileByPath(filePath: string): StoredFile | undefined;
  stats(): SimStats;
  resetStats(): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /**
   * Queues an update exactly as given, unchecked, as a forged or broken delivery would bring
   * it (tests of what a bot does with updates that do not fit the Bot API). Returns its id.
   */
  injectUpdate(kind: string, payload: unknown): number | undefined;
  /** Stops timers, ends long polls and webhook pushes. */
  close(): Promise<void>;
}

const DEFAULT_TOKEN = '123456:SIM-TOKEN';

/** Creates a simulator with an empty world: no users, no chats, no updates. */
export function createSimulator(options: SimulatorOptions = {}): TelegramSimulator {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(token.split(':')[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error(`token must start with the bot id and a colon, got ${token}`);
  const clock = options.clock ?? Date.now;
  const spec = options.spec ?? loadBotApiSpec();
  const validator = createParamValidator(spec);
  const lifetime = new AbortController();
  const serials = new Map<string, number>();
  const stats = createStatsRecorder();
  const faults = createFaultInjector();
  const events = createEventHub(clock);
  const updates = createUpdateQueue({ longPollMaxMs: options.longPollMaxMs ?? 30_000, firstUpdateId: options.firstUpdateId, onCreated: () => stats.updateCreated() });

  const bot: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: 'Lavka',
    username: options.botUsername ?? 'lavka_sim_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  // Handlers are built after `state`, but the webhook needs to run replies through them.
  let dispatchRef: (method: string, params: Record<string, unknown>) => Promise<ApiResponse> = async () => ({ ok: true, result: true });

  const state: SimState = {
    options: {
      token,
      botUsername: bot.username,
      longPollMaxMs: options.longPollMaxMs ?? 30_000,
      callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15 * 60_000,
      preCheckoutTimeoutMs: options.preCheckoutTimeoutMs ?? 10_000,
      maxDownloadBytes: 20 * 1024 * 1024,
      maxUploadBytes: 50 * 1024 * 1024,
    },
    clock,
    bot,
    users: new Map(),
    chats: new Map(),
    events,
    files: createFileStore(),
    updates,
    webhook: createWebhookPusher({
      queue: updates,
      clock,
      timing: { retryBaseMs: 250, retryMaxMs: 10_000, timeoutMs: 30_000, ...options.webhook },
      onDelivered: () => stats.webhookDelivered(),
      onFailed: () => stats.webhookFailed(),
      runReply: (method, params) => dispatchRef(method, params),
    }),
    limiter: createRateLimiter(options.rateLimits ?? {}, clock),
    stats,
    commands: createCommandStore(),
    callbackQueries: new Map(),
    preCheckouts: new Map(),
    invoiceLinks: new Map(),
    payments: new Map(),
    starTransactions: [],
    settings: new Map(),
    nextSerial(name) {
      const next = (serials.get(name) ?? 0) + 1;
      serials.set(name, next);
      return next;
    },
    lifetime: lifetime.signal,
  };

  const handlers: MethodTable = {
    ...createBotMethods(state),
    ...createUpdateMethods(state),
    ...createMessageMethods(state),
    ...createEditMethods(state),
    ...createCallbackMethods(state),
    ...createCommandMethods(state),
    ...createChatMethods(state),
    ...createFileMethods(state),
    ...createPaymentMethods(state),
  };
  const payments = createPaymentFlow(state);
  const simUsers = new Map<number, SimUserEntry>();
  // One subscription routes the bot's messages to the users who can see them, so a broadcast
  // to thousands of users costs one lookup per message, not one per user.
  events.subscribe((event) => {
    if ((event.type !== 'message' && event.type !== 'edit') || !event.message.from_bot) return;
    const chat = state.chats.get(event.chatId);
    if (!chat) return;
    if (chat.chat.type === 'private') {
      simUsers.get(chat.chat.id)?.record(event);
      return;
    }
    for (const userId of chat.members.keys()) simUsers.get(userId)?.record(event);
  });

  async function dispatch(
    method: string,
    params: Record<string, unknown>,
    files: ReadonlyMap<string, UploadedFile>,
    signal: AbortSignal | undefined,
  ): Promise<ApiResponse> {
    const canonical = validator.resolveMethod(method);
    if (!canonical) {
      stats.error(404);
      return { ok: false, error_code: 404, description: 'Not Found' };
    }
    try {
      const validated = validator.validate(canonical, params, files);
      const handler = handlers[canonical];
      if (!handler) throw badRequest(`method ${canonical} is not implemented by the Lavka Telegram simulator`);
      const result = await handler({ params: validated, files, signal });
      return { ok: true, result };
    } catch (error) {
      if (!(error instanceof ApiError)) {
        // A bug in the simulator: answer like a Telegram outage, but loudly.
        console.error(`simulator failed on ${canonical}`, error);
        stats.error(500);
        return { ok: false, error_code: 500, description: `Internal Server Error: ${(error as Error).message}` };
      }
      stats.error(error.errorCode);
      return error.toResponse();
    }
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      lifetime.signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        lifetime.signal.removeEventListener('abort', done);
        resolve();
      }
    });

  function serverError(fault: FaultSpec): ApiResponse {
    const status = fault.status ?? 500;
    stats.error(status);
    return { ok: false, error_code: status, description: status === 502 ? 'Bad Gateway' : 'Internal Server Error' };
  }

  function refusedByFault(fault: FaultSpec): ApiResponse {
    stats.error(400);
    return { ok: false, error_code: 400, description: fault.description ?? 'Bad Request: rejected by an injected fault' };
  }

  function groupLike(chatId: number): ChatRecord {
    const chat = state.chats.get(chatId);
    if (!chat || chat.chat.type === 'private') throw new Error(`chat ${chatId} is not a group or channel`);
    return chat;
  }

  function ensureUser(userId: number): ApiUser {
    if (!state.users.has(userId)) simulator.user({ id: userId, first_name: `User ${userId}` });
    return (state.users.get(userId) as UserRecord).user;
  }

  const simulator: TelegramSimulator = {
    token,
    botInfo: structuredClone(bot),
    events,
    apiRoot: undefined,
    get apiRootForTests() {
      return simulator.apiRoot;
    },

    async callApi(callToken, method, params, files = new Map(), callOptions = {}) {
      const canonical = validator.resolveMethod(method) ?? method;
      stats.call(canonical);
      if (callToken !== token) {
        stats.error(401);
        return { ok: false, error_code: 401, description: 'Unauthorized' };
      }
      const fault = faults.take(canonical);
      if (fault) {
        stats.faultFired();
        if (fault.kind === 'slow') await sleep(fault.delayMs ?? 2000);
        // A 400 means the call did nothing, so it never takes effect first.
        if (fault.kind === 'bad_request') return refusedByFault(fault);
        if (!fault.afterEffect) {
          if (fault.kind === 'server_error') return serverError(fault);
          if (fault.kind === 'drop') throw new DroppedRequestError(canonical);
        }
      }
      const response = await dispatch(method, params, files, callOptions.signal);
      if (fault?.afterEffect) {
        if (fault.kind === 'server_error') return serverError(fault);
        if (fault.kind === 'drop') throw new DroppedRequestError(canonical);
      }
      return response;
    },

    user(init) {
      if (!Number.isSafeInteger(init.id) || init.id <= 0) throw new Error('user ids are positive integers');
      const existing = state.users.get(init.id);
      // The User object stays the same instance, so a SimUser's live `profile` keeps working.
      const user: ApiUser = existing?.user ?? { id: init.id, is_bot: false, first_name: init.first_name };
      for (const field of ['last_name', 'username', 'language_code'] as const) delete user[field];
      user.first_name = init.first_name;
      if (init.last_name) user.last_name = init.last_name;
      if (init.username) user.username = init.username;
      if (init.language_code) user.language_code = init.language_code;
      state.users.set(init.id, { user, phoneNumber: init.phone_number ?? existing?.phoneNumber ?? `+1555${String(init.id).padStart(7, '0').slice(-7)}` });
      const chat = privateChatOf(state, user);
      chat.chat = privateChatShape(user);
      if (init.hasStartedBot) chat.started = true;
      let entry = simUsers.get(init.id);
      if (!entry) {
        entry = createSimUser({ state, payments, userId: init.id });
        simUsers.set(init.id, entry);
      }
      return entry.handle;
    },

    getUser(userId) {
      return simUsers.get(userId)?.handle;
    },

    group(init) {
      if (init.id >= 0) throw new Error('group ids are negative');
      const type = init.id <= -1_000_000_000_000 ? 'supergroup' : 'group';
      const chat = newChatRecord({ id: init.id, type, title: init.title, ...(init.username ? { username: init.username } : {}) });
      chat.botIsAdmin = init.botIsAdmin ?? false;
      for (const userId of init.members) {
        ensureUser(userId);
        chat.members.set(userId, init.admins?.includes(userId) ? 'administrator' : 'member');
      }
      state.chats.set(init.id, chat);
      return structuredClone(chat.chat);
    },

    channel(init) {
      if (init.id >= 0) throw new Error('channel ids are negative (-100…)');
      const chat = newChatRecord({ id: init.id, type: 'channel', title: init.title, ...(init.username ? { username: init.username } : {}) });
      chat.botIsAdmin = init.botIsAdmin ?? false;
      state.chats.set(init.id, chat);
      return structuredClone(chat.chat);
    },

    setMember(chatId, userId, status) {
      setMembership(state, groupLike(chatId), ensureUser(userId), status);
    },

    setBotAdmin(chatId, isAdmin) {
      groupLike(chatId).botIsAdmin = isAdmin;
    },

    upgradeGroup(chatId, supergroupId) {
      const old = groupLike(chatId);
      if (old.chat.type !== 'group' || old.migratedTo !== undefined) throw new Error(`chat ${chatId} is not a basic group (or was upgraded already)`);
      if (supergroupId > -1_000_000_000_000) throw new Error('supergroup ids start at -100…');
      if (state.chats.has(supergroupId)) throw new Error(`chat ${supergroupId} exists already`);
      const chat = newChatRecord({ id: supergroupId, type: 'supergroup', title: old.chat.title ?? 'Group' });
      chat.botIsAdmin = old.botIsAdmin;
      for (const [userId, status] of old.members) chat.members.set(userId, status);
      state.chats.set(supergroupId, chat);
      old.migratedTo = supergroupId;
      return structuredClone(chat.chat);
    },

    chat(chatId) {
      const chat = findChat(state, chatId);
      if (!chat) throw new Error(`chat ${chatId} does not exist in the simulator`);
      return viewOfChat(chat);
    },

    info() {
      const describe = (chat: ChatRecord): SimInfo['groups'][number] => ({
        ...structuredClone(chat.chat),
        members: [...chat.members].map(([userId, status]) => ({ userId, status })),
        botIsAdmin: chat.botIsAdmin,
      });
      const chats = [...state.chats.values()];
      return {
        bot: structuredClone(bot),
        apiVersion: spec.version,
        users: [...state.users.values()].map((record) => structuredClone(record.user)),
        groups: chats.filter((c) => c.chat.type === 'group' || c.chat.type === 'supergroup').map(describe),
        channels: chats.filter((c) => c.chat.type === 'channel').map(describe),
        webhook: { url: state.webhook.config()?.url ?? '', pendingUpdateCount: updates.pendingCount() },
      };
    },

    commandsFor(query) {
      return simulator.resolveCommands(query).commands;
    },

    resolveCommands({ chatId, userId, languageCode }) {
      const chat = requireChat(state, chatId);
      const status = userId === undefined ? undefined : chat.members.get(userId);
      return state.commands.resolve({
        chatId: chat.chat.id,
        chatType: chat.chat.type,
        userId,
        isAdmin: status === 'administrator' || status === 'creator',
        languageCode: languageCode ?? (userId === undefined ? undefined : state.users.get(userId)?.user.language_code),
      });
    },

    file(fileId) {
      return state.files.byId(fileId);
    },
    fileByPath(filePath) {
      return state.files.byPath(filePath);
    },

    stats() {
      return stats.snapshot();
    },
    resetStats() {
      stats.reset();
    },
    injectFault(fault) {
      faults.inject(fault);
    },
    clearFaults() {
      faults.clear();
    },
    injectUpdate(kind, payload) {
      return updates.push(kind, payload)?.update_id;
    },

    async close() {
      if (lifetime.signal.aborted) return;
      lifetime.abort();
      updates.close();
      state.webhook.close();
      events.close();
    },
  };
  // Webhook replies go through the full entry: counted, fault-injected, validated.
  dispatchRef = (method, params) => simulator.callApi(token, method, params);
  return simulator;
}
