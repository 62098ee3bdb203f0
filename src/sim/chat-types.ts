// The simulator's records of users, chats and messages, and the read-only views handed out.

import type { ApiChat, ApiMessage, ApiReplyKeyboard, ApiUser, JsonObject } from './api-types.ts';

/** A message as a chat view shows it: the Bot API shape plus who sent it and whether it changed. */
export type ViewMessage = ApiMessage & { from_bot: boolean; edited: boolean };

/** What the bot answered to a button press. */
export interface CallbackAnswer {
  callbackQueryId: string;
  chatId: number;
  messageId: number | undefined;
  userId: number;
  data: string | undefined;
  text: string | undefined;
  showAlert: boolean;
  url: string | undefined;
  cacheTimeSec: number;
  at: number;
}

/** A chat as it looks now. */
export interface ChatView {
  chat: ApiChat;
  messages: ViewMessage[];
  /** The reply keyboard on screen, or null once removed. */
  replyKeyboard: ApiReplyKeyboard | null;
  /** True when a one-time keyboard was used and folded away (it can still be reopened). */
  replyKeyboardCollapsed: boolean;
  lastChatAction: { action: string; at: number } | null;
  callbackAnswers: CallbackAnswer[];
  /** Private chats: whether the user blocked the bot. */
  blocked: boolean;
  members?: Array<{ userId: number; status: string }>;
}

/** Internal: one stored message. */
export interface StoredMessage {
  message: ApiMessage;
  fromBot: boolean;
  edited: boolean;
  deleted: boolean;
  /** Set on invoice messages: everything needed to pay them. */
  invoice?: InvoiceRecord;
}

/** Internal: an invoice sent as a message or published as a link. */
export interface InvoiceRecord {
  title: string;
  description: string;
  payload: string;
  currency: string;
  prices: Array<{ label: string; amount: number }>;
  totalAmount: number;
  subscriptionPeriodSec?: number;
  chatId?: number;
  messageId?: number;
  slug?: string;
  extra: JsonObject;
}

/** Internal: a simulated user. */
export interface UserRecord {
  user: ApiUser;
  phoneNumber: string;
}

/** Internal: a chat and everything that happened in it. */
export interface ChatRecord {
  chat: ApiChat;
  messages: StoredMessage[];
  byId: Map<number, StoredMessage>;
  nextMessageId: number;
  replyKeyboard: ApiReplyKeyboard | null;
  replyKeyboardCollapsed: boolean;
  lastChatAction: { action: string; at: number } | null;
  callbackAnswers: CallbackAnswer[];
  /** Private chat: the user has written to the bot, so the bot may write back. */
  started: boolean;
  blocked: boolean;
  /** Group/channel membership by user id ("member", "administrator", "left", "kicked", …). */
  members: Map<number, string>;
  botIsAdmin: boolean;
  /** A basic group upgraded to a supergroup: its new id, and the bot can no longer post here. */
  migratedTo?: number;
}
