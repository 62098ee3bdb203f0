// Changing and removing sent messages: editMessageText/Caption/Media/ReplyMarkup,
// deleteMessage and deleteMessages.

import { badRequest } from '../api-error.ts';
import type { ApiMessage } from '../api-types.ts';
import { deleteStored, findMessage, markEdited, requireChat, toApi } from '../chat-ops.ts';
import type { ChatRecord, StoredMessage } from '../chat-types.ts';
import { checkReplyMarkup, classifyMarkup } from '../markup.ts';
import type { SimState } from '../sim-state.ts';
import { documentOf, formatCaption, formatMessageText, inlineMarkupOf, photoSizes, resolveInputFile, setFormatted } from './content.ts';
import type { MethodTable } from './types.ts';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const MEDIA_FIELDS = ['photo', 'document', 'video', 'audio', 'animation'] as const;
const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** Handlers for the editing and deleting methods. */
export function createEditMethods(state: SimState): MethodTable {
  function target(params: Record<string, unknown>): { chat: ChatRecord; stored: StoredMessage } {
    if (params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
    if (params.chat_id === undefined) throw badRequest('chat_id is empty');
    if (params.message_id === undefined) throw badRequest('message identifier is not specified');
    const chat = requireChat(state, params.chat_id);
    const stored = findMessage(chat, params.message_id);
    if (!stored) throw badRequest('message to edit not found');
    if (!stored.fromBot) throw badRequest("message can't be edited");
    return { chat, stored };
  }

  /** Applies `change` to a copy, refuses a no-op with Telegram's wording, then commits. */
  function edit(chat: ChatRecord, stored: StoredMessage, change: (draft: ApiMessage) => void): ApiMessage {
    const draft = structuredClone(stored.message);
    change(draft);
    if (JSON.stringify(draft) === JSON.stringify(stored.message)) throw badRequest(NOT_MODIFIED);
    stored.message = draft;
    markEdited(state, chat, stored);
    return toApi(stored);
  }

  function newMarkup(params: Record<string, unknown>, chat: ChatRecord): Pick<ApiMessage, 'reply_markup'> {
    const markup = classifyMarkup(params.reply_markup);
    checkReplyMarkup(markup, chat.chat.type);
    return inlineMarkupOf(markup);
  }

  function replaceMarkup(draft: ApiMessage, markup: Pick<ApiMessage, 'reply_markup'>): void {
    // Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
    delete draft.reply_markup;
    if (markup.reply_markup) draft.reply_markup = markup.reply_markup;
  }

  function hasMedia(message: ApiMessage): boolean {
    return MEDIA_FIELDS.some((field) => message[field] !== undefined);
  }

  function deletable(chat: ChatRecord, stored: StoredMessage): boolean {
    if (state.clock() - stored.message.date * 1000 > DELETE_WINDOW_MS) return false;
    if (stored.fromBot || chat.chat.type === 'private') return true;
    return chat.botIsAdmin || chat.members.get(state.bot.id) === 'administrator';
  }

  return {
    editMessageText({ params }) {
      const { chat, stored } = target(params);
      if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
      const text = formatMessageText(state, params.text, params.parse_mode, params.entities);
      const markup = newMarkup(params, chat);
      return edit(chat, stored, (draft) => {
        setFormatted(draft, 'text', text);
        replaceMarkup(draft, markup);
      });
    },

    editMessageCaption({ params }) {
      const { chat, stored } = target(params);
      if (!hasMedia(stored.message)) throw badRequest('there is no caption in the message to edit');
      const caption = formatCaption(state, params.caption, params.parse_mode, params.caption_entities);
      const markup = newMarkup(params, chat);
      return edit(chat, stored, (draft) => {
        setFormatted(draft, 'caption', caption);
        replaceMarkup(draft, markup);
      });
    },

    editMessageMedia({ params, files }) {
      const { chat, stored } = target(params);
      if (!hasMedia(stored.message)) throw badRequest('there is no media in the message to edit');
      const media = params.media as Record<string, unknown>;
      const caption = formatCaption(state, media.caption, media.parse_mode, media.caption_entities);
      const markup = newMarkup(params, chat);
      const kind = String(media.type);
      if (!['photo', 'document', 'video', 'audio', 'animation'].includes(kind)) throw badRequest('MEDIA_INVALID');
      const reference = String(media.media);
      const existing = state.files.byId(reference);
      const file = existing && existing.kind === kind ? existing : resolveInputFile(state, reference, files, kind as 'photo');
      return edit(chat, stored, (draft) => {
        for (const field of MEDIA_FIELDS) delete draft[field];
        if (kind === 'photo') draft.photo = photoSizes(file);
        else if (kind === 'document') draft.document = documentOf(file);
        else draft[kind] = { ...documentOf(file), duration: 0 };
        setFormatted(draft, 'caption', caption);
        replaceMarkup(draft, markup);
      });
    },

    editMessageReplyMarkup({ params }) {
      const { chat, stored } = target(params);
      const markup = newMarkup(params, chat);
      return edit(chat, stored, (draft) => replaceMarkup(draft, markup));
    },

    deleteMessage({ params }) {
      const chat = requireChat(state, params.chat_id);
      const stored = findMessage(chat, params.message_id);
      if (!stored) throw badRequest('message to delete not found');
      if (!deletable(chat, stored)) throw badRequest("message can't be deleted for everyone");
      deleteStored(state, chat, stored);
      return true;
    },

    deleteMessages({ params }) {
      const chat = requireChat(state, params.chat_id);
      const ids = params.message_ids as number[];
      if (ids.length < 1 || ids.length > 100) throw badRequest('message_ids must contain 1-100 identifiers');
      for (const id of ids) {
        const stored = findMessage(chat, id);
        if (stored && deletable(chat, stored)) deleteStored(state, chat, stored);
      }
      return true;
    },
  };
}
