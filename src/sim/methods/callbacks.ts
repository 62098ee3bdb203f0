// answerCallbackQuery: each query can be answered once, before it expires.

import { badRequest } from '../api-error.ts';
import type { CallbackAnswer } from '../chat-types.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';
const MAX_ANSWER_CHARS = 200;
const KEPT_ANSWERS = 50;

/** Handlers for callback queries. */
export function createCallbackMethods(state: SimState): MethodTable {
  return {
    answerCallbackQuery({ params }) {
      const query = state.callbackQueries.get(String(params.callback_query_id));
      if (!query || query.answered || state.clock() - query.createdAtMs > state.options.callbackQueryTtlMs) {
        throw badRequest(QUERY_INVALID);
      }
      const text = params.text === undefined ? undefined : String(params.text);
      if (text !== undefined && [...text].length > MAX_ANSWER_CHARS) throw badRequest('MESSAGE_TOO_LONG');
      const url = params.url === undefined ? undefined : String(params.url);
      if (url !== undefined && !isAllowedAnswerUrl(url, state.bot.username ?? '')) throw badRequest('URL_INVALID');
      query.answered = true;
      const answer: CallbackAnswer = {
        callbackQueryId: query.id,
        chatId: query.chatId,
        messageId: query.messageId,
        userId: query.userId,
        data: query.data,
        text,
        showAlert: params.show_alert === true,
        url,
        cacheTimeSec: typeof params.cache_time === 'number' ? params.cache_time : 0,
        at: state.clock(),
      };
      const chat = state.chats.get(query.chatId);
      if (chat) {
        chat.callbackAnswers.push(answer);
        if (chat.callbackAnswers.length > KEPT_ANSWERS) chat.callbackAnswers.shift();
      }
      state.events.emit({ type: 'callback_answer', chatId: query.chatId, answer: structuredClone(answer) });
      return true;
    },
  };
}

// Telegram only opens t.me links to the bot itself (games aside) from a callback answer.
function isAllowedAnswerUrl(url: string, botUsername: string): boolean {
  const lower = url.toLowerCase();
  return lower.startsWith(`https://t.me/${botUsername.toLowerCase()}`) || lower.startsWith(`t.me/${botUsername.toLowerCase()}`) || lower.startsWith('tg://');
}
