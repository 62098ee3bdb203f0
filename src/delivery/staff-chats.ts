// Whether the bot can write to each staff chat. Telegram refuses to write first to a user who
// never pressed Start, and a group the bot is not in (or may not post in) refuses too: without
// this check, staff alerts would wait or fail with nobody knowing why.

import { GrammyError } from 'grammy';
import type { Logger } from 'pino';
import type { BusinessConfig } from '../config/business.ts';
import type { ReadinessCheck } from '../http/server.ts';

/**
 * The chats staff alerts go to: the business config's `adminChatIds` when set, else the
 * admins of ADMIN_IDS in their private chats. Read at use time: a group's upgrade to a
 * supergroup rewrites `adminChatIds`.
 */
export function staffChatIds(config: Pick<BusinessConfig, 'adminChatIds'>, adminIds: readonly number[]): readonly number[] {
  return config.adminChatIds.length > 0 ? config.adminChatIds : adminIds;
}

/** The Bot API calls the check makes (the bot's Api fits). */
export interface StaffChatsApi {
  getChat(chatId: number): Promise<{ type: string; permissions?: { can_send_messages?: boolean } }>;
  getChatMember(chatId: number, userId: number): Promise<{ status: string; can_send_messages?: boolean; can_post_messages?: boolean }>;
}

/** What the staff-chat check needs, passed in explicitly. */
export interface StaffChatsDeps {
  api: StaffChatsApi;
  /** The staff chats as configured now (see {@link staffChatIds}). */
  chatIds(): readonly number[];
  /** The bot's own id and username (its t.me link goes into the advice). */
  me(): Promise<{ id: number; username?: string }>;
  logger: Logger;
  /** How long messages to a user who has not pressed Start are kept (the sender's bound). */
  keptForMs: number;
  clock?: () => number;
  /** How long an answer is reused (default 60 s): readiness probes must not flood Telegram. */
  cacheMs?: number;
}

/** One staff chat: reachable, or why not in plain words with the fix. */
export interface StaffChatState {
  chatId: number;
  state: 'reachable' | 'unreachable' | 'unknown';
  /** For `unreachable` and `unknown`: a sentence an operator can act on. */
  reason?: string;
}

/** The staff-chat check: per chat, with the answer cached. */
export interface StaffChatsCheck {
  /** Every staff chat's state (cached for `cacheMs` when nothing was in doubt). */
  check(): Promise<StaffChatState[]>;
  /** Logs a warning for each staff chat that cannot be reached (at start-up). */
  warnUnreachable(): Promise<void>;
  /** A user pressed Start: if theirs was a staff chat found unreachable, the next check asks again. */
  chatStarted(chatId: number): void;
  /** The `staff-chats` entry of `/health/ready`: listed, but never makes the instance "not ready". */
  readiness(): ReadinessCheck;
}

/** Creates the staff-chat check. */
export function createStaffChatsCheck(deps: StaffChatsDeps): StaffChatsCheck {
  const clock = deps.clock ?? Date.now;
  const cacheMs = deps.cacheMs ?? 60_000;
  let cached: { key: string; untilMs: number; states: StaffChatState[] } | undefined;
  let running: Promise<StaffChatState[]> | undefined;

  const keptFor = () => {
    const days = deps.keptForMs / 86_400_000;
    if (days >= 1) return `${Math.round(days * 10) / 10} day${days === 1 ? '' : 's'}`;
    return `${Math.max(1, Math.round(deps.keptForMs / 3_600_000))} hours`;
  };

  const checkPrivate = async (chatId: number, link: string): Promise<StaffChatState> => {
    try {
      await deps.api.getChat(chatId);
      return { chatId, state: 'reachable' };
    } catch (error) {
      if (isRefusal(error)) {
        return {
          chatId,
          state: 'unreachable',
          reason:
            `Staff chat ${chatId} cannot be reached: this Telegram user has not started the bot. ` +
            `Ask them to open ${link} and press Start; their notifications are kept for ${keptFor()} and sent then.`,
        };
      }
      return unknown(chatId, error);
    }
  };

  const checkGroup = async (chatId: number, botId: number): Promise<StaffChatState> => {
    const fix = 'add the bot to the group and allow it to post messages there, or correct adminChatIds in the business config.';
    try {
      const chat = await deps.api.getChat(chatId);
      const member = await deps.api.getChatMember(chatId, botId);
      if (member.status === 'left' || member.status === 'kicked') {
        return { chatId, state: 'unreachable', reason: `Staff chat ${chatId} cannot be reached: the bot is not a member of this ${chat.type}. To fix it, ${fix}` };
      }
      const canPost =
        chat.type === 'channel'
          ? member.status === 'creator' || (member.status === 'administrator' && member.can_post_messages !== false)
          : member.status === 'creator' ||
            member.status === 'administrator' ||
            (member.status === 'restricted' ? member.can_send_messages === true : chat.permissions?.can_send_messages !== false);
      if (!canPost) {
        return { chatId, state: 'unreachable', reason: `Staff chat ${chatId} cannot be reached: the bot may not post in this ${chat.type}. To fix it, ${fix}` };
      }
      return { chatId, state: 'reachable' };
    } catch (error) {
      if (isRefusal(error)) {
        return { chatId, state: 'unreachable', reason: `Staff chat ${chatId} cannot be reached: Telegram knows no such group for this bot. To fix it, ${fix}` };
      }
      return unknown(chatId, error);
    }
  };

  const run = async (chatIds: readonly number[]): Promise<StaffChatState[]> => {
    const me = await deps.me();
    const link = me.username ? `t.me/${me.username}` : 'the bot in Telegram';
    return Promise.all(chatIds.map((chatId) => (chatId > 0 ? checkPrivate(chatId, link) : checkGroup(chatId, me.id))));
  };

  const check = async (): Promise<StaffChatState[]> => {
    const chatIds = [...new Set(deps.chatIds())];
    const key = chatIds.join(',');
    if (cached && cached.key === key && clock() < cached.untilMs) return cached.states;
    running ??= run(chatIds).finally(() => {
      running = undefined;
    });
    const states = await running;
    // An answer in doubt (Telegram unreachable) is asked again next time.
    if (states.every((item) => item.state !== 'unknown')) cached = { key, untilMs: clock() + cacheMs, states };
    return states;
  };

  return {
    check,
    chatStarted(chatId) {
      if (cached?.states.some((item) => item.chatId === chatId && item.state !== 'reachable')) cached = undefined;
    },
    async warnUnreachable() {
      try {
        for (const item of await check()) {
          if (item.state === 'unreachable') deps.logger.warn({ chatId: item.chatId }, item.reason);
        }
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not check whether the staff chats can be reached');
      }
    },
    readiness() {
      return {
        name: 'staff-chats',
        critical: false,
        async check() {
          const states = await check();
          if (states.length === 0) return { ok: true, detail: 'no staff chat is configured (ADMIN_IDS or adminChatIds)' };
          const problems = states.filter((item) => item.state !== 'reachable');
          if (problems.length === 0) return { ok: true, detail: `${states.length} staff chat${states.length === 1 ? '' : 's'} reachable` };
          return { ok: false, detail: problems.map((item) => item.reason).join(' ') };
        },
      };
    },
  };
}

/** Telegram's "no" for a chat the bot may not see or write to (as opposed to an outage). */
function isRefusal(error: unknown): boolean {
  return error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403);
}

function unknown(chatId: number, error: unknown): StaffChatState {
  const why = error instanceof GrammyError ? `${error.error_code}: ${error.description}` : (error as Error)?.message ?? String(error);
  return { chatId, state: 'unknown', reason: `Staff chat ${chatId} could not be checked just now (${why}); it is checked again on the next probe.` };
}
