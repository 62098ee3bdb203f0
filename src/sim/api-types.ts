// Shapes of the Bot API objects the simulator produces and keeps. They are deliberately
// looser than @grammyjs/types (plain optional fields instead of discriminated unions) because
// the simulator builds them field by field and hands them out as JSON.

/** A JSON object as it travels over the Bot API. */
export type JsonObject = Record<string, unknown>;

/** The envelope every Bot API call answers with. */
export type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };

/** A Telegram `User`. */
export interface ApiUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: boolean;
  // Bot-only fields, as getMe returns them.
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
  can_connect_to_business?: boolean;
  has_main_web_app?: boolean;
}

/** A Telegram `Chat` (the short form embedded in messages). */
export interface ApiChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

/** A `MessageEntity`; offsets and lengths are UTF-16 code units. */
export interface ApiEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: ApiUser;
  language?: string;
  custom_emoji_id?: string;
  unix_time?: number;
  date_time_format?: string;
}

/** A `PhotoSize`. */
export interface ApiPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** A `Document`. */
export interface ApiDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** An inline keyboard button as the bot sent it. */
export interface ApiInlineButton {
  text: string;
  url?: string;
  callback_data?: string;
  web_app?: { url: string };
  login_url?: { url: string };
  copy_text?: { text: string };
  pay?: boolean;
  [extra: string]: unknown;
}

/** An `InlineKeyboardMarkup`. */
export interface ApiInlineKeyboard {
  inline_keyboard: ApiInlineButton[][];
}

/** A reply keyboard button. */
export interface ApiKeyboardButton {
  text: string;
  request_contact?: boolean;
  request_location?: boolean;
  [extra: string]: unknown;
}

/** A `ReplyKeyboardMarkup`. */
export interface ApiReplyKeyboard {
  keyboard: ApiKeyboardButton[][];
  is_persistent?: boolean;
  resize_keyboard?: boolean;
  one_time_keyboard?: boolean;
  input_field_placeholder?: string;
  selective?: boolean;
}

/** A `Message` with the fields the simulator can produce. */
export interface ApiMessage {
  message_id: number;
  from?: ApiUser;
  sender_chat?: ApiChat;
  chat: ApiChat;
  date: number;
  edit_date?: number;
  media_group_id?: string;
  reply_to_message?: ApiMessage;
  text?: string;
  entities?: ApiEntity[];
  caption?: string;
  caption_entities?: ApiEntity[];
  photo?: ApiPhotoSize[];
  document?: ApiDocument;
  contact?: { phone_number: string; first_name: string; last_name?: string; user_id?: number };
  location?: { latitude: number; longitude: number };
  invoice?: { title: string; description: string; start_parameter: string; currency: string; total_amount: number };
  successful_payment?: JsonObject;
  refunded_payment?: JsonObject;
  reply_markup?: ApiInlineKeyboard;
  [extra: string]: unknown;
}

/** An `Update`: `update_id` plus exactly one payload field. */
export interface ApiUpdate {
  update_id: number;
  [kind: string]: unknown;
}
