// The actor API: a simulated person who talks to the bot. Every action produces the update
// Telegram would send and returns once it is queued; waitForMessage then follows the bot's
// answers in order, never missing one that arrived before the wait started.

import type { ApiInlineButton, ApiKeyboardButton, ApiUser } from './api-types.ts';
import { findMessage, toView, viewOfChat } from './chat-ops.ts';
import type { CallbackAnswer, ChatRecord, ChatView, StoredMessage, ViewMessage } from './chat-types.ts';
import type { SimEvent } from './event-bus.ts';
import type { PaymentFlow, PaymentResult } from './payment-flow.ts';
import type { SimState } from './sim-state.ts';
import { privateChatOf, setBlocked, setMembership, userPressesCallback, userSends } from './user-actions.ts';
import type { UserContent } from './user-actions.ts';

/** Who the user is. */
export interface SimUserInit {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  /** The number shareContact sends by default. */
  phone_number?: string;
  /** Treat the user as having already started the bot (the bot may write first). */
  hasStartedBot?: boolean;
}

/** What pressing an inline button did. */
export type PressResult =
  | { type: 'callback'; callbackQueryId: string; messageId: number; data: string }
  | { type: 'url'; url: string; messageId: number }
  | { type: 'web_app'; url: string; messageId: number }
  | { type: 'copy_text'; text: string; messageId: number }
  | { type: 'pay'; messageId: number };

/** Where an action happens: the private chat unless `chatId` names a group. */
export interface ChatTarget {
  chatId?: number;
}

/** A simulated user. */
export interface SimUser {
  readonly id: number;
  /** The user's live `User` object: change a field and the next update carries it. */
  readonly profile: ApiUser;
  send(text: string, options?: ChatTarget & { replyToMessageId?: number }): Promise<ViewMessage>;
  pressButton(labelOrPredicate: string | ((button: ApiInlineButton) => boolean), options?: ChatTarget & { messageId?: number }): Promise<PressResult>;
  /**
   * Sends a callback_query with any `data` for a message (a stale or forged button) and
   * resolves with the bot's answer, or undefined if it does not answer within `timeoutMs`.
   */
  pressCallback(messageId: number, data: string, options?: ChatTarget & { timeoutMs?: number }): Promise<CallbackAnswer | undefined>;
  pressReplyButton(label: string): Promise<ViewMessage>;
  shareContact(phone?: string): Promise<ViewMessage>;
  sendPhoto(bytes: Uint8Array, caption?: string, options?: ChatTarget): Promise<ViewMessage>;
  sendDocument(bytes: Uint8Array, filename: string, mimeType: string, caption?: string, options?: ChatTarget): Promise<ViewMessage>;
  /** Pays an invoice message (its id) or link (slug or URL); waits for the bot's pre-checkout answer. */
  payInvoice(target: number | string, options?: ChatTarget & { timeoutMs?: number }): Promise<PaymentResult>;
  blockBot(): Promise<void>;
  unblockBot(): Promise<void>;
  joinChannel(channelId: number): Promise<void>;
  leaveChannel(channelId: number): Promise<void>;
  /** The private chat as it looks now. */
  chat(): ChatView;
  /** The latest message the bot sent (as edited since) in the private chat. */
  lastMessage(options?: ChatTarget): ViewMessage | undefined;
  /**
   * The next bot message or edit in the chat since this user's last action that matches;
   * each one is returned once.
   */
  waitForMessage(predicate?: (message: ViewMessage) => boolean, options?: ChatTarget & { timeoutMs?: number }): Promise<ViewMessage>;
  /** Resolves when the bot answers the given callback query. */
  waitForCallbackAnswer(callbackQueryId: string, options?: { timeoutMs?: number }): Promise<CallbackAnswer>;
  callbackAnswers(): CallbackAnswer[];
}

/** Dependencies of one user handle. */
export interface SimUserDeps {
  state: SimState;
  payments: PaymentFlow;
  userId: number;
}

type BotMessageEvent = Extract<SimEvent, { type: 'message' | 'edit' }>;

const KEPT_EVENTS = 1000;

/** A user handle plus the hook the simulator feeds with the bot's messages in that user's chats. */
export interface SimUserEntry {
  handle: SimUser;
  /** Remembers a bot message or edit in one of the user's chats, for waitForMessage. */
  record(event: SimEvent): void;
}

/** Creates the actor handle for an existing user record. */
export function createSimUser({ state, payments, userId }: SimUserDeps): SimUserEntry {
  const user = (): ApiUser => {
    const record = state.users.get(userId);
    if (!record) throw new Error(`user ${userId} does not exist`);
    return record.user;
  };
  // Bot messages and edits seen in chats this user is in, oldest first.
  const seen: BotMessageEvent[] = [];
  const cursorByChat = new Map<number, number>();

  const record = (event: SimEvent): void => {
    if ((event.type !== 'message' && event.type !== 'edit') || !event.message.from_bot) return;
    seen.push(event);
    if (seen.length > KEPT_EVENTS) seen.shift();
  };

  const chatFor = (target?: ChatTarget): ChatRecord => {
    if (target?.chatId === undefined || target.chatId === userId) return privateChatOf(state, user());
    const chat = state.chats.get(target.chatId);
    if (!chat) throw new Error(`chat ${target.chatId} does not exist`);
    return chat;
  };

  /** Every action moves the cursor: waits then look at what the bot does next. */
  function act(chat: ChatRecord, content: UserContent, replyToMessageId?: number): ViewMessage {
    cursorByChat.set(chat.chat.id, state.events.lastSeq());
    return toView(userSends(state, user(), chat, content, { replyToMessageId }));
  }

  function latestWith<T>(chat: ChatRecord, pick: (stored: StoredMessage) => T | undefined, messageId?: number): { stored: StoredMessage; found: T } | undefined {
    if (messageId !== undefined) {
      const stored = findMessage(chat, messageId);
      const found = stored ? pick(stored) : undefined;
      return stored && found !== undefined ? { stored, found } : undefined;
    }
    for (let i = chat.messages.length - 1; i >= 0; i--) {
      const stored = chat.messages[i] as StoredMessage;
      if (stored.deleted || !stored.fromBot) continue;
      const found = pick(stored);
      if (found !== undefined) return { stored, found };
    }
    return undefined;
  }

  const handle: SimUser = {
    id: userId,
    get profile() {
      return user();
    },

    async send(text, options) {
      return act(chatFor(options), { kind: 'text', text }, options?.replyToMessageId);
    },

    async pressButton(labelOrPredicate, options) {
      const chat = chatFor(options);
      const matches =
        typeof labelOrPredicate === 'string' ? (button: ApiInlineButton) => button.text === labelOrPredicate : labelOrPredicate;
      const hit = latestWith(
        chat,
        (stored) => stored.message.reply_markup?.inline_keyboard.flat().find(matches),
        options?.messageId,
      );
      if (!hit) {
        const visible = chat.messages
          .filter((m) => !m.deleted && m.message.reply_markup)
          .flatMap((m) => m.message.reply_markup?.inline_keyboard.flat().map((b) => `"${b.text}" (message ${m.message.message_id})`) ?? []);
        throw new Error(`no inline button ${typeof labelOrPredicate === 'string' ? `"${labelOrPredicate}"` : 'matching the predicate'} in chat ${chat.chat.id}; visible: ${visible.join(', ') || 'none'}`);
      }
      const { stored, found: button } = hit;
      const messageId = stored.message.message_id;
      cursorByChat.set(chat.chat.id, state.events.lastSeq());
      if (button.callback_data !== undefined) {
        const callbackQueryId = userPressesCallback(state, user(), chat, stored, button);
        return { type: 'callback', callbackQueryId, messageId, data: button.callback_data };
      }
      if (button.url !== undefined) return { type: 'url', url: button.url, messageId };
      if (button.login_url !== undefined) return { type: 'url', url: button.login_url.url, messageId };
      if (button.web_app !== undefined) return { type: 'web_app', url: button.web_app.url, messageId };
      if (button.copy_text !== undefined) return { type: 'copy_text', text: button.copy_text.text, messageId };
      if (button.pay) return { type: 'pay', messageId };
      throw new Error(`the simulator cannot press button "${button.text}": its action is not supported`);
    },

    async pressCallback(messageId, data, options = {}) {
      const chat = chatFor(options);
      const stored = findMessage(chat, messageId);
      if (!stored) throw new Error(`no message ${messageId} in chat ${chat.chat.id}`);
      cursorByChat.set(chat.chat.id, state.events.lastSeq());
      const callbackQueryId = userPressesCallback(state, user(), chat, stored, { text: '', callback_data: data });
      try {
        return await handle.waitForCallbackAnswer(callbackQueryId, { timeoutMs: options.timeoutMs ?? 5000 });
      } catch {
        return undefined;
      }
    },

    async pressReplyButton(label) {
      const chat = chatFor();
      const button = chat.replyKeyboard?.keyboard.flat().find((b: ApiKeyboardButton) => b.text === label);
      if (!chat.replyKeyboard || !button) {
        const visible = chat.replyKeyboard?.keyboard.flat().map((b) => `"${b.text}"`).join(', ');
        throw new Error(`no reply keyboard button "${label}" in chat ${chat.chat.id}; visible: ${visible || 'no keyboard'}`);
      }
      const record = state.users.get(userId);
      const content: UserContent = button.request_contact
        ? { kind: 'contact', phoneNumber: record?.phoneNumber ?? '' }
        : button.request_location
          ? { kind: 'location', latitude: 55.7558, longitude: 37.6173 }
          : { kind: 'text', text: button.text };
      const sent = act(chat, content);
      if (chat.replyKeyboard.one_time_keyboard) {
        chat.replyKeyboardCollapsed = true;
        state.events.emit({ type: 'reply_keyboard', chatId: chat.chat.id, keyboard: structuredClone(chat.replyKeyboard) });
      }
      return sent;
    },

    async shareContact(phone) {
      const record = state.users.get(userId);
      return act(chatFor(), { kind: 'contact', phoneNumber: phone ?? record?.phoneNumber ?? '' });
    },

    async sendPhoto(bytes, caption, options) {
      return act(chatFor(options), { kind: 'photo', data: Buffer.from(bytes), caption });
    },

    async sendDocument(bytes, filename, mimeType, caption, options) {
      return act(chatFor(options), { kind: 'document', data: Buffer.from(bytes), fileName: filename, mimeType, caption });
    },

    async payInvoice(target, options) {
      const chat = chatFor(options);
      cursorByChat.set(chat.chat.id, state.events.lastSeq());
      return payments.pay(user(), target, {
        chatId: chat.chat.id,
        ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    },

    async blockBot() {
      setBlocked(state, user(), true);
    },
    async unblockBot() {
      setBlocked(state, user(), false);
    },

    async joinChannel(channelId) {
      setMembership(state, channelOf(channelId), user(), 'member');
    },
    async leaveChannel(channelId) {
      setMembership(state, channelOf(channelId), user(), 'left');
    },

    chat() {
      return viewOfChat(chatFor());
    },

    lastMessage(options) {
      const hit = latestWith(chatFor(options), (stored) => stored);
      return hit ? toView(hit.stored) : undefined;
    },

    waitForMessage(predicate = () => true, options = {}) {
      const chatId = chatFor(options).chat.id;
      const accept = (event: SimEvent): event is BotMessageEvent =>
        (event.type === 'message' || event.type === 'edit') &&
        event.chatId === chatId &&
        event.message.from_bot &&
        event.seq > (cursorByChat.get(chatId) ?? 0) &&
        predicate(event.message);
      const already = seen.find(accept);
      if (already) {
        cursorByChat.set(chatId, already.seq);
        return Promise.resolve(structuredClone(already.message));
      }
      const timeoutMs = options.timeoutMs ?? 5000;
      return state.events
        .waitFor(accept, { timeoutMs })
        .then((event) => {
          cursorByChat.set(chatId, event.seq);
          return structuredClone((event as BotMessageEvent).message);
        })
        .catch((error: unknown) => {
          throw new Error(`user ${userId} got no matching bot message in chat ${chatId} within ${timeoutMs} ms`, { cause: error });
        });
    },

    async waitForCallbackAnswer(callbackQueryId, options = {}) {
      const answered = chatFor().callbackAnswers.find((a) => a.callbackQueryId === callbackQueryId)
        ?? [...state.chats.values()].flatMap((c) => c.callbackAnswers).find((a) => a.callbackQueryId === callbackQueryId);
      if (answered) return structuredClone(answered);
      const event = await state.events.waitFor(
        (e) => e.type === 'callback_answer' && e.answer.callbackQueryId === callbackQueryId,
        { timeoutMs: options.timeoutMs ?? 5000 },
      );
      return structuredClone((event as Extract<SimEvent, { type: 'callback_answer' }>).answer);
    },

    callbackAnswers() {
      return structuredClone(chatFor().callbackAnswers);
    },
  };

  function channelOf(channelId: number): ChatRecord {
    const chat = state.chats.get(channelId);
    if (!chat || chat.chat.type !== 'channel') throw new Error(`channel ${channelId} does not exist`);
    return chat;
  }

  return { handle, record };
}
