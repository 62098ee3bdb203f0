// What each benchmark user sees of the bot: its messages, their buttons and the reply
// keyboard, rebuilt from the Bot API calls the bot makes. The next update of a scripted user
// is derived from this (press the button the bot really drew), so every system does the
// real work of its own screens, with its own ids in the callback data.

/** An inline button as drawn by the bot. */
export interface RecordedButton {
  text: string;
  data: string;
}

/** A bot message as the user's chat shows it. */
export interface RecordedMessage {
  messageId: number;
  kind: 'text' | 'photo';
  /** Text, or the caption of a photo. */
  text: string;
  /** The photo's file_id as Telegram would report it. */
  photoFileId?: string;
  buttons: RecordedButton[][];
}

/** A chat's state: the newest messages (bounded) and the reply keyboard. */
export interface RecordedChat {
  messages: Map<number, RecordedMessage>;
  replyKeyboard: string[] | null;
}

/** Rebuilds chats from API calls; one per benchmarked bot process. */
export interface CallRecorder {
  /** Feed every Bot API call with its parameters and successful result. */
  onCall(method: string, payload: Record<string, unknown>, result: unknown): void;
  chat(chatId: number): RecordedChat;
  /** True once if the bot answered this callback query (a press with no answer leaves a spinner). */
  takeAnswer(callbackQueryId: string): boolean;
  /** Bot API calls seen, by method. */
  calls(): Record<string, number>;
  reset(): void;
}

/** Messages kept per chat: the script only ever presses buttons on the latest few. */
const KEEP_MESSAGES = 8;

/** Creates an empty recorder. */
export function createCallRecorder(): CallRecorder {
  let chats = new Map<number, RecordedChat>();
  let calls: Record<string, number> = {};
  let answered = new Set<string>();

  const chatOf = (chatId: number): RecordedChat => {
    let chat = chats.get(chatId);
    if (!chat) {
      chat = { messages: new Map(), replyKeyboard: null };
      chats.set(chatId, chat);
    }
    return chat;
  };

  const remember = (chat: RecordedChat, message: RecordedMessage) => {
    chat.messages.set(message.messageId, message);
    if (chat.messages.size > KEEP_MESSAGES) {
      const oldest = Math.min(...chat.messages.keys());
      chat.messages.delete(oldest);
    }
  };

  return {
    onCall(method, payload, result) {
      calls[method] = (calls[method] ?? 0) + 1;
      if (method === 'answerCallbackQuery') {
        answered.add(String(payload.callback_query_id));
        return;
      }
      const chatId = Number(payload.chat_id);
      if (!Number.isFinite(chatId)) return;
      const chat = chatOf(chatId);
      const markup = readMarkup(payload.reply_markup);
      const resultId = typeof result === 'object' && result !== null ? Number((result as { message_id?: unknown }).message_id) : Number.NaN;
      const resultPhoto = photoFileIdOf(result);
      switch (method) {
        case 'sendMessage':
        case 'sendPhoto': {
          if (!Number.isFinite(resultId)) return;
          const kind = method === 'sendPhoto' ? 'photo' : 'text';
          const text = String((method === 'sendPhoto' ? payload.caption : payload.text) ?? '');
          remember(chat, { messageId: resultId, kind, text, buttons: markup.inline ?? [], ...(resultPhoto ? { photoFileId: resultPhoto } : {}) });
          if (markup.replyKeyboard !== undefined) chat.replyKeyboard = markup.replyKeyboard;
          return;
        }
        case 'editMessageText':
        case 'editMessageCaption':
        case 'editMessageMedia':
        case 'editMessageReplyMarkup': {
          const message = chat.messages.get(Number(payload.message_id));
          if (!message) return;
          // An edit without reply_markup removes the inline keyboard, as in Telegram.
          message.buttons = markup.inline ?? [];
          if (method === 'editMessageText') message.text = String(payload.text ?? '');
          if (method === 'editMessageCaption') message.text = String(payload.caption ?? '');
          if (method === 'editMessageMedia') {
            message.kind = 'photo';
            const media = payload.media as { caption?: unknown } | undefined;
            message.text = String(media?.caption ?? '');
            if (resultPhoto) message.photoFileId = resultPhoto;
          }
          return;
        }
        case 'deleteMessage':
          chat.messages.delete(Number(payload.message_id));
          return;
        default:
          return;
      }
    },
    chat: chatOf,
    takeAnswer: (callbackQueryId) => answered.delete(callbackQueryId),
    calls: () => ({ ...calls }),
    reset() {
      chats = new Map();
      calls = {};
      answered = new Set();
    },
  };
}

function photoFileIdOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const photo = (result as { photo?: { file_id: string }[] }).photo;
  return Array.isArray(photo) ? photo.at(-1)?.file_id : undefined;
}

/**
 * Reads `reply_markup` as given to the framework: grammY's keyboard classes and plain objects
 * both carry `inline_keyboard` / `keyboard`; `remove_keyboard` clears the reply keyboard.
 */
function readMarkup(markup: unknown): { inline?: RecordedButton[][]; replyKeyboard?: string[] | null } {
  const value = typeof markup === 'string' ? (JSON.parse(markup) as unknown) : markup;
  if (typeof value !== 'object' || value === null) return {};
  const record = value as { inline_keyboard?: unknown; keyboard?: unknown; remove_keyboard?: unknown };
  if (Array.isArray(record.inline_keyboard)) {
    const rows = record.inline_keyboard as { text: string; callback_data?: string }[][];
    return { inline: rows.map((row) => row.filter((button) => button.callback_data !== undefined).map((button) => ({ text: button.text, data: button.callback_data as string }))) };
  }
  if (Array.isArray(record.keyboard)) {
    const rows = record.keyboard as (string | { text: string })[][];
    return { replyKeyboard: rows.flat().map((button) => (typeof button === 'string' ? button : button.text)) };
  }
  if (record.remove_keyboard) return { replyKeyboard: null };
  return {};
}
