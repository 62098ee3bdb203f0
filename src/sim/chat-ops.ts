// Operations on chats shared by method handlers and the user actor API: finding a chat the
// way Telegram resolves chat_id, checking the bot may write there, and appending, editing and
// deleting messages while announcing each change on the event hub.

import { badRequest, forbidden, groupMigrated, tooManyRequests } from './api-error.ts';
import type { ApiChat, ApiMessage, ApiUser } from './api-types.ts';
import type { ChatRecord, ChatView, StoredMessage, ViewMessage } from './chat-types.ts';
import type { SimState } from './sim-state.ts';

/** A fresh chat record. */
export function newChatRecord(chat: ApiChat): ChatRecord {
  return {
    chat,
    messages: [],
    byId: new Map(),
    nextMessageId: 1,
    replyKeyboard: null,
    replyKeyboardCollapsed: false,
    lastChatAction: null,
    callbackAnswers: [],
    started: false,
    blocked: false,
    members: new Map(),
    botIsAdmin: false,
  };
}

/** Resolves a chat_id parameter (number, numeric string or @username); 400 "chat not found" otherwise. */
export function requireChat(state: SimState, chatId: unknown): ChatRecord {
  const chat = findChat(state, chatId);
  if (!chat) throw badRequest('chat not found');
  return chat;
}

/** Like requireChat, but undefined instead of an error. */
export function findChat(state: SimState, chatId: unknown): ChatRecord | undefined {
  if (typeof chatId === 'number') return state.chats.get(chatId);
  if (typeof chatId !== 'string') return undefined;
  if (/^-?\d+$/.test(chatId.trim())) return state.chats.get(Number(chatId));
  const username = chatId.replace(/^@/, '').toLowerCase();
  for (const chat of state.chats.values()) {
    if (chat.chat.type !== 'private' && chat.chat.username?.toLowerCase() === username) return chat;
  }
  return undefined;
}

/** The user a `user_id` names, or 400 "user not found". */
export function requireUser(state: SimState, userId: unknown): ApiUser {
  const record = state.users.get(Number(userId));
  if (!record) throw badRequest('user not found');
  return record.user;
}

/** Throws the 403 Telegram gives when the bot may not post in this chat. */
export function assertBotCanWrite(state: SimState, chat: ChatRecord): void {
  switch (chat.chat.type) {
    case 'private':
      if (chat.blocked) throw forbidden('bot was blocked by the user');
      if (!chat.started) throw forbidden("bot can't initiate conversation with a user");
      return;
    case 'channel':
      if (!chat.botIsAdmin) throw forbidden('bot is not a member of the channel chat');
      return;
    default: {
      if (chat.migratedTo !== undefined) throw groupMigrated(chat.migratedTo);
      const status = chat.members.get(state.bot.id);
      if (status === 'kicked') throw forbidden(`bot was kicked from the ${chat.chat.type} chat`);
      if (status === 'left') throw forbidden(`bot is not a member of the ${chat.chat.type} chat`);
    }
  }
}

/** Takes a flood-control token for one outgoing message, or throws 429. */
export function consumeSendBudget(state: SimState, chat: ChatRecord, paidBroadcast: boolean): void {
  const verdict = state.limiter.consume(chat.chat.id, chat.chat.type === 'private' ? 'private' : 'group', paidBroadcast);
  if (!verdict.ok) throw tooManyRequests(verdict.retryAfterSec);
}

/** The message as a chat view shows it (a deep copy, safe to hand out). */
export function toView(stored: StoredMessage): ViewMessage {
  return { ...structuredClone(stored.message), from_bot: stored.fromBot, edited: stored.edited };
}

/** The message exactly as the Bot API would return it (a deep copy). */
export function toApi(stored: StoredMessage): ApiMessage {
  return structuredClone(stored.message);
}

/** A non-deleted message by id. */
export function findMessage(chat: ChatRecord, messageId: unknown): StoredMessage | undefined {
  const stored = chat.byId.get(Number(messageId));
  return stored && !stored.deleted ? stored : undefined;
}

/** Stores a new message, announces it and, for bot messages, counts it. */
export function appendMessage(
  state: SimState,
  chat: ChatRecord,
  content: Omit<ApiMessage, 'message_id' | 'chat' | 'date'>,
  sender: { bot: true } | { user: ApiUser },
): StoredMessage {
  const fromBot = 'bot' in sender;
  const message: ApiMessage = {
    message_id: chat.nextMessageId++,
    ...(chat.chat.type === 'channel' && fromBot ? { sender_chat: structuredClone(chat.chat) } : { from: fromBot ? botAsSender(state.bot) : structuredClone(sender.user) }),
    chat: structuredClone(chat.chat),
    date: Math.floor(state.clock() / 1000),
    ...structuredClone(content),
  };
  const stored: StoredMessage = { message, fromBot, edited: false, deleted: false };
  chat.messages.push(stored);
  chat.byId.set(message.message_id, stored);
  if (fromBot) state.stats.messageSent(chat.chat.id);
  state.events.emit({ type: 'message', chatId: chat.chat.id, message: toView(stored) });
  return stored;
}

/** The bot as the `from` of its messages: getMe's extra capability fields are not part of it. */
export function botAsSender(bot: ApiUser): ApiUser {
  const sender: ApiUser = { id: bot.id, is_bot: true, first_name: bot.first_name };
  if (bot.username) sender.username = bot.username;
  return sender;
}

/** Marks a message edited (the caller already changed its content) and announces it. */
export function markEdited(state: SimState, chat: ChatRecord, stored: StoredMessage): void {
  stored.edited = true;
  stored.message.edit_date = Math.floor(state.clock() / 1000);
  state.events.emit({ type: 'edit', chatId: chat.chat.id, message: toView(stored) });
}

/** Deletes a message and announces it. */
export function deleteStored(state: SimState, chat: ChatRecord, stored: StoredMessage): void {
  stored.deleted = true;
  state.events.emit({ type: 'delete', chatId: chat.chat.id, messageId: stored.message.message_id });
}

/** The chat as a user sees it now. */
export function viewOfChat(chat: ChatRecord): ChatView {
  const view: ChatView = {
    chat: structuredClone(chat.chat),
    messages: chat.messages.filter((m) => !m.deleted).map(toView),
    replyKeyboard: structuredClone(chat.replyKeyboard),
    replyKeyboardCollapsed: chat.replyKeyboardCollapsed,
    lastChatAction: chat.lastChatAction ? { ...chat.lastChatAction } : null,
    callbackAnswers: structuredClone(chat.callbackAnswers),
    blocked: chat.blocked,
  };
  if (chat.chat.type !== 'private') {
    view.members = [...chat.members].map(([userId, status]) => ({ userId, status }));
  }
  return view;
}

/** A ChatMember object for `user` with the given status. */
export function chatMember(member: ApiUser, status: string): Record<string, unknown> {
  const user = member.is_bot ? botAsSender(member) : member;
  switch (status) {
    case 'creator':
      return { status, user: structuredClone(user), is_anonymous: false };
    case 'administrator':
      return {
        status, user: structuredClone(user), can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
      };
    case 'kicked':
      return { status, user: structuredClone(user), until_date: 0 };
    default:
      return { status, user: structuredClone(user) };
  }
}
