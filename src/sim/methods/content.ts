// Building blocks every sending and editing method uses: text and caption formatting with
// Telegram's limits, input files (upload, file_id or URL), replies and keyboard state.

import { badRequest } from '../api-error.ts';
import type { ApiDocument, ApiEntity, ApiMessage, ApiPhotoSize, ApiUser } from '../api-types.ts';
import { toApi, findMessage } from '../chat-ops.ts';
import type { ChatRecord } from '../chat-types.ts';
import type { FileKind, StoredFile } from '../file-store.ts';
import { characterCount, formatText } from '../formatting.ts';
import type { FormattedText } from '../formatting.ts';
import type { ReplyMarkup } from '../markup.ts';
import type { SimState } from '../sim-state.ts';
import type { UploadedFile } from '../validate.ts';

/** Longest message text, in characters after entity parsing. */
export const MAX_TEXT_CHARS = 4096;
/** Longest media caption, in characters after entity parsing. */
export const MAX_CAPTION_CHARS = 1024;

/** A user lookup for text_mention entities. */
export function userResolver(state: SimState): (userId: number) => ApiUser | undefined {
  return (userId) => state.users.get(userId)?.user;
}

/** Message text after parse_mode; 400 when empty or over 4096 characters. */
export function formatMessageText(state: SimState, text: unknown, parseMode: unknown, entities: unknown): FormattedText {
  const formatted = formatText(String(text ?? ''), {
    parseMode: parseMode as string | undefined,
    entities: entities as ApiEntity[] | undefined,
    resolveUser: userResolver(state),
  });
  if (formatted.text === '') throw badRequest('message text is empty');
  if (characterCount(formatted.text) > MAX_TEXT_CHARS) throw badRequest('message is too long');
  return formatted;
}

/** Caption after parse_mode, or undefined when there is none; 400 over 1024 characters. */
export function formatCaption(state: SimState, caption: unknown, parseMode: unknown, entities: unknown): FormattedText | undefined {
  if (caption === undefined) return undefined;
  const formatted = formatText(String(caption), {
    parseMode: parseMode as string | undefined,
    entities: entities as ApiEntity[] | undefined,
    resolveUser: userResolver(state),
  });
  if (characterCount(formatted.text) > MAX_CAPTION_CHARS) throw badRequest('message caption is too long');
  return formatted.text === '' ? undefined : formatted;
}

/** Writes text (or caption) and its entities onto a message, leaving out empty entity lists. */
export function setFormatted(message: Partial<ApiMessage>, field: 'text' | 'caption', value: FormattedText | undefined): void {
  const entitiesField = field === 'text' ? 'entities' : 'caption_entities';
  delete message[field];
  delete message[entitiesField];
  if (!value) return;
  message[field] = value.text;
  if (value.entities.length > 0) message[entitiesField] = value.entities;
}

/**
 * Resolves an InputFile parameter: `attach://name` (a multipart part), an http(s) URL (kept
 * as a reference, never fetched), or a file_id of a stored file.
 */
export function resolveInputFile(
  state: SimState,
  value: unknown,
  files: ReadonlyMap<string, UploadedFile>,
  kind: FileKind,
): StoredFile {
  const reference = String(value ?? '');
  if (reference.startsWith('attach://')) {
    const upload = files.get(reference.slice('attach://'.length));
    if (!upload) throw badRequest(`file "${reference}" is missing from the request`);
    if (upload.data.length > state.options.maxUploadBytes) throw badRequest('file is too big');
    if (upload.data.length === 0) throw badRequest('file must be non-empty');
    return state.files.putBytes(upload.data, { kind, fileName: upload.filename, mimeType: upload.mimeType });
  }
  if (/^https?:\/\//i.test(reference)) {
    try {
      return state.files.putUrl(reference, kind);
    } catch {
      throw badRequest('wrong file identifier/HTTP URL specified');
    }
  }
  const stored = state.files.byId(reference);
  if (!stored) throw badRequest('wrong file identifier/HTTP URL specified');
  if (kind === 'photo' && stored.kind !== 'photo') throw badRequest(`can't use file of type ${capitalize(stored.kind)} as Photo`);
  if (kind !== 'photo' && kind !== 'document' && stored.kind !== kind) {
    throw badRequest(`can't use file of type ${capitalize(stored.kind)} as ${capitalize(kind)}`);
  }
  return stored;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The PhotoSize list for a stored photo (only the original size). */
export function photoSizes(file: StoredFile): ApiPhotoSize[] {
  const size: ApiPhotoSize = {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width: file.width ?? 0,
    height: file.height ?? 0,
  };
  if (file.size > 0) size.file_size = file.size;
  return [size];
}

/** The Document object for a stored file. */
export function documentOf(file: StoredFile): ApiDocument {
  const document: ApiDocument = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
  if (file.fileName) document.file_name = file.fileName;
  document.mime_type = file.mimeType;
  if (file.size > 0) document.file_size = file.size;
  return document;
}

/** The `reply_to_message` for reply_parameters, or 400 "message to be replied not found". */
export function resolveReply(state: SimState, chat: ChatRecord, replyParameters: unknown): ApiMessage | undefined {
  if (!replyParameters || typeof replyParameters !== 'object') return undefined;
  const { message_id, chat_id, allow_sending_without_reply } = replyParameters as Record<string, unknown>;
  const target = chat_id === undefined ? chat : state.chats.get(Number(chat_id));
  const replied = target ? findMessage(target, message_id) : undefined;
  if (!replied) {
    if (allow_sending_without_reply === true) return undefined;
    throw badRequest('message to be replied not found');
  }
  const message = toApi(replied);
  delete message.reply_to_message;
  return message;
}

/** Updates the keyboard the user sees after the bot sent a message with this markup. */
export function applyKeyboardState(state: SimState, chat: ChatRecord, markup: ReplyMarkup): void {
  if (markup.kind === 'reply') {
    chat.replyKeyboard = structuredClone(markup.markup);
    chat.replyKeyboardCollapsed = false;
    state.events.emit({ type: 'reply_keyboard', chatId: chat.chat.id, keyboard: structuredClone(markup.markup) });
  } else if (markup.kind === 'remove' && chat.replyKeyboard) {
    chat.replyKeyboard = null;
    chat.replyKeyboardCollapsed = false;
    state.events.emit({ type: 'reply_keyboard', chatId: chat.chat.id, keyboard: null });
  }
}

/** The inline keyboard a message keeps (only inline markup is part of a Message). */
export function inlineMarkupOf(markup: ReplyMarkup): Pick<ApiMessage, 'reply_markup'> {
  return markup.kind === 'inline' && markup.markup.inline_keyboard.length > 0 ? { reply_markup: structuredClone(markup.markup) } : {};
}
