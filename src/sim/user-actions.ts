// What users do, turned into the messages and updates Telegram would produce. SimUser and the
// control API both go through here.

import type { ApiChat, ApiInlineButton, ApiMessage, ApiUser } from './api-types.ts';
import { withDetectedEntities } from './auto-entities.ts';
import { appendMessage, chatMember, newChatRecord, toApi } from './chat-ops.ts';
import type { ChatRecord, StoredMessage } from './chat-types.ts';
import type { SimState } from './sim-state.ts';

/** Content a user can send. */
export type UserContent =
  | { kind: 'text'; text: string }
  | { kind: 'contact'; phoneNumber: string }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'photo'; data: Buffer; caption?: string | undefined }
  | { kind: 'document'; data: Buffer; fileName: string; mimeType: string; caption?: string | undefined };

/** The user's private chat with the bot, created on first use. */
export function privateChatOf(state: SimState, user: ApiUser): ChatRecord {
  let chat = state.chats.get(user.id);
  if (!chat) {
    chat = newChatRecord(privateChatShape(user));
    state.chats.set(user.id, chat);
  }
  return chat;
}

/** The `Chat` object of a user's private chat. */
export function privateChatShape(user: ApiUser): ApiChat {
  const chat: ApiChat = { id: user.id, type: 'private', first_name: user.first_name };
  if (user.last_name) chat.last_name = user.last_name;
  if (user.username) chat.username = user.username;
  return chat;
}

/** Posts a user's message into a chat and queues the `message` update. */
export function userSends(
  state: SimState,
  user: ApiUser,
  chat: ChatRecord,
  content: UserContent,
  options: { replyToMessageId?: number | undefined } = {},
): StoredMessage {
  if (chat.chat.type === 'private') {
    // Writing to a bot you blocked unblocks it first, as the Telegram apps do.
    if (chat.blocked) setBlocked(state, user, false);
    chat.started = true;
    chat.chat = privateChatShape(user);
  } else if (chat.chat.type === 'channel') {
    throw new Error('users cannot post in a channel');
  } else if (!['member', 'administrator', 'creator'].includes(chat.members.get(user.id) ?? '')) {
    throw new Error(`user ${user.id} is not a member of chat ${chat.chat.id}`);
  }
  const message: Partial<ApiMessage> = {};
  const replied = options.replyToMessageId === undefined ? undefined : chat.byId.get(options.replyToMessageId);
  if (replied && !replied.deleted) {
    const reply = toApi(replied);
    delete reply.reply_to_message;
    message.reply_to_message = reply;
  }
  switch (content.kind) {
    case 'text': {
      message.text = content.text;
      const entities = withDetectedEntities(content.text, []);
      if (entities.length > 0) message.entities = entities;
      break;
    }
    case 'contact':
      message.contact = {
        phone_number: content.phoneNumber,
        first_name: user.first_name,
        ...(user.last_name ? { last_name: user.last_name } : {}),
        user_id: user.id,
      };
      break;
    case 'location':
      message.location = { latitude: content.latitude, longitude: content.longitude };
      break;
    case 'photo': {
      const file = state.files.putBytes(content.data, { kind: 'photo' });
      message.photo = [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: file.width ?? 0, height: file.height ?? 0, file_size: file.size }];
      addCaption(message, content.caption);
      break;
    }
    case 'document': {
      const file = state.files.putBytes(content.data, { kind: 'document', fileName: content.fileName, mimeType: content.mimeType });
      message.document = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_name: content.fileName, mime_type: file.mimeType, file_size: file.size };
      addCaption(message, content.caption);
      break;
    }
  }
  const stored = appendMessage(state, chat, message, { user });
  state.updates.push('message', toApi(stored));
  return stored;
}

function addCaption(message: Partial<ApiMessage>, caption: string | undefined): void {
  if (!caption) return;
  message.caption = caption;
  const entities = withDetectedEntities(caption, []);
  if (entities.length > 0) message.caption_entities = entities;
}

/** Presses a callback button: records the query and queues the `callback_query` update. */
export function userPressesCallback(state: SimState, user: ApiUser, chat: ChatRecord, stored: StoredMessage, button: ApiInlineButton): string {
  const id = `${state.nextSerial('callback')}${String(user.id).slice(-6)}${Math.floor(Math.random() * 1e6)}`;
  state.callbackQueries.set(id, {
    id,
    chatId: chat.chat.id,
    messageId: stored.message.message_id,
    userId: user.id,
    data: button.callback_data,
    createdAtMs: state.clock(),
    answered: false,
  });
  state.updates.push('callback_query', {
    id,
    from: user,
    message: toApi(stored),
    chat_instance: chatInstance(chat.chat.id),
    data: button.callback_data,
  });
  return id;
}

// A stable opaque number per chat, like Telegram's chat_instance.
function chatInstance(chatId: number): string {
  let hash = 0n;
  for (const ch of `lavka:${chatId}`) hash = (hash * 131n + BigInt(ch.charCodeAt(0))) % 9_223_372_036_854_775_807n;
  return (-hash).toString();
}

/** Blocks or unblocks the bot and queues the `my_chat_member` update. */
export function setBlocked(state: SimState, user: ApiUser, blocked: boolean): void {
  const chat = privateChatOf(state, user);
  if (chat.blocked === blocked) return;
  chat.blocked = blocked;
  state.updates.push('my_chat_member', {
    chat: chat.chat,
    from: user,
    date: Math.floor(state.clock() / 1000),
    old_chat_member: chatMember(state.bot, blocked ? 'member' : 'kicked'),
    new_chat_member: chatMember(state.bot, blocked ? 'kicked' : 'member'),
  });
  state.events.emit({ type: 'blocked', chatId: chat.chat.id, blocked });
}

/** Changes a user's status in a group or channel; the bot hears it as `chat_member` when it may. */
export function setMembership(state: SimState, chat: ChatRecord, user: ApiUser, status: string): void {
  const previous = chat.members.get(user.id) ?? 'left';
  if (previous === status) return;
  chat.members.set(user.id, status);
  // Telegram only reports other members' changes to administrators.
  if (chat.chat.type !== 'channel' || chat.botIsAdmin) {
    state.updates.push('chat_member', {
      chat: chat.chat,
      from: user,
      date: Math.floor(state.clock() / 1000),
      old_chat_member: chatMember(user, previous),
      new_chat_member: chatMember(user, status),
    });
  }
  state.events.emit({ type: 'member', chatId: chat.chat.id, userId: user.id, status });
}
