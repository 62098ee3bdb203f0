// Sending: sendMessage, sendPhoto, sendDocument, sendMediaGroup and sendChatAction.

import { badRequest } from '../api-error.ts';
import type { ApiMessage } from '../api-types.ts';
import { appendMessage, assertBotCanWrite, consumeSendBudget, requireChat, toApi } from '../chat-ops.ts';
import type { ChatRecord } from '../chat-types.ts';
import { checkReplyMarkup, classifyMarkup } from '../markup.ts';
import type { SimState } from '../sim-state.ts';
import {
  applyKeyboardState, documentOf, formatCaption, formatMessageText, inlineMarkupOf, photoSizes, resolveInputFile, resolveReply, setFormatted,
} from './content.ts';
import type { MethodCall, MethodTable } from './types.ts';

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker',
  'find_location', 'record_video_note', 'upload_video_note',
]);

/** Handlers for the sending methods. */
export function createMessageMethods(state: SimState): MethodTable {
  /** The steps every send shares: access, markup, reply, flood budget, then store. */
  function send(call: MethodCall, chat: ChatRecord, build: () => Omit<ApiMessage, 'message_id' | 'chat' | 'date'>): ApiMessage {
    const { params } = call;
    const markup = classifyMarkup(params.reply_markup);
    checkReplyMarkup(markup, chat.chat.type);
    const content = build();
    const reply = resolveReply(state, chat, params.reply_parameters);
    consumeSendBudget(state, chat, params.allow_paid_broadcast === true);
    const stored = appendMessage(
      state,
      chat,
      { ...(reply ? { reply_to_message: reply } : {}), ...content, ...inlineMarkupOf(markup) },
      { bot: true },
    );
    applyKeyboardState(state, chat, markup);
    return toApi(stored);
  }

  function writableChat(chatId: unknown): ChatRecord {
    const chat = requireChat(state, chatId);
    assertBotCanWrite(state, chat);
    return chat;
  }

  return {
    sendMessage(call) {
      const { params } = call;
      const chat = writableChat(params.chat_id);
      return send(call, chat, () => {
        const message: Partial<ApiMessage> = {};
        setFormatted(message, 'text', formatMessageText(state, params.text, params.parse_mode, params.entities));
        if (params.link_preview_options) message.link_preview_options = params.link_preview_options;
        return message;
      });
    },

    sendPhoto(call) {
      const { params, files } = call;
      const chat = writableChat(params.chat_id);
      return send(call, chat, () => {
        const caption = formatCaption(state, params.caption, params.parse_mode, params.caption_entities);
        const file = resolveInputFile(state, params.photo, files, 'photo');
        const message: Partial<ApiMessage> = { photo: photoSizes(file) };
        setFormatted(message, 'caption', caption);
        if (params.has_spoiler === true) message.has_media_spoiler = true;
        if (params.show_caption_above_media === true) message.show_caption_above_media = true;
        return message;
      });
    },

    sendDocument(call) {
      const { params, files } = call;
      const chat = writableChat(params.chat_id);
      return send(call, chat, () => {
        const caption = formatCaption(state, params.caption, params.parse_mode, params.caption_entities);
        const file = resolveInputFile(state, params.document, files, 'document');
        const message: Partial<ApiMessage> = { document: documentOf(file) };
        setFormatted(message, 'caption', caption);
        return message;
      });
    },

    sendMediaGroup(call) {
      const { params, files } = call;
      const chat = writableChat(params.chat_id);
      const media = params.media as Array<Record<string, unknown>>;
      if (media.length < 2 || media.length > 10) throw badRequest('wrong number of media in the media group: must include 2-10 items');
      const kinds = new Set(media.map((item) => item.type));
      if (kinds.size > 1 && (kinds.has('document') || kinds.has('audio'))) {
        throw badRequest(`${kinds.has('document') ? 'documents' : 'audio files'} can't be mixed with other media types`);
      }
      const contents = media.map((item) => {
        const caption = formatCaption(state, item.caption, item.parse_mode, item.caption_entities);
        const message: Partial<ApiMessage> = {};
        if (item.type === 'photo') {
          message.photo = photoSizes(resolveInputFile(state, item.media, files, 'photo'));
        } else if (item.type === 'document') {
          message.document = documentOf(resolveInputFile(state, item.media, files, 'document'));
        } else {
          const kind = item.type as 'video' | 'audio';
          const file = resolveInputFile(state, item.media, files, kind);
          message[kind] = { ...documentOf(file), duration: 0, ...(kind === 'video' ? { width: 0, height: 0 } : {}) };
        }
        setFormatted(message, 'caption', caption);
        return message;
      });
      const reply = resolveReply(state, chat, params.reply_parameters);
      // An album counts once against the flood limits, like a single send.
      consumeSendBudget(state, chat, params.allow_paid_broadcast === true);
      const mediaGroupId = String(10_000_000_000_000 + state.nextSerial('media_group'));
      return contents.map((content) =>
        toApi(
          appendMessage(state, chat, { media_group_id: mediaGroupId, ...(reply ? { reply_to_message: reply } : {}), ...content }, { bot: true }),
        ),
      );
    },

    sendChatAction({ params }) {
      const chat = writableChat(params.chat_id);
      const action = String(params.action);
      if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
      const at = state.clock();
      chat.lastChatAction = { action, at };
      state.events.emit({ type: 'chat_action', chatId: chat.chat.id, action, at });
      return true;
    },
  };
}
