// Rules for reply_markup that the spec's types cannot express: an inline button needs exactly
// one action, callback_data fits in 64 bytes, URLs must parse, and Web App buttons only work
// in private chats. Also how a sent markup changes what the user sees.

import { badRequest } from './api-error.ts';
import type { ApiInlineKeyboard, ApiReplyKeyboard } from './api-types.ts';
import { normalizeLink } from './format-entities.ts';

const INLINE_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
] as const;

/** The reply_markup variants, told apart by their one required field. */
export type ReplyMarkup =
  | { kind: 'inline'; markup: ApiInlineKeyboard }
  | { kind: 'reply'; markup: ApiReplyKeyboard }
  | { kind: 'remove' }
  | { kind: 'force_reply' }
  | { kind: 'none' };

/** Classifies an already type-checked reply_markup value. */
export function classifyMarkup(markup: unknown): ReplyMarkup {
  if (typeof markup !== 'object' || markup === null) return { kind: 'none' };
  if ('inline_keyboard' in markup) return { kind: 'inline', markup: markup as ApiInlineKeyboard };
  if ('keyboard' in markup) return { kind: 'reply', markup: markup as ApiReplyKeyboard };
  if ('remove_keyboard' in markup) return { kind: 'remove' };
  if ('force_reply' in markup) return { kind: 'force_reply' };
  return { kind: 'none' };
}

/** Throws Telegram's 400 for a reply_markup it would refuse in a chat of this type. */
export function checkReplyMarkup(markup: ReplyMarkup, chatType: string): void {
  if (markup.kind === 'inline') {
    for (const row of markup.markup.inline_keyboard) {
      for (const button of row) checkInlineButton(button as unknown as Record<string, unknown>, chatType);
    }
  }
  if (markup.kind === 'reply') {
    if (markup.markup.keyboard.every((row) => row.length === 0)) throw badRequest('keyboard must be non-empty');
    for (const row of markup.markup.keyboard) {
      for (const button of row) {
        if (button.text === '') throw badRequest('text buttons are unallowed in the keyboard: button text is empty');
      }
    }
  }
}

function checkInlineButton(button: Record<string, unknown>, chatType: string): void {
  const actions = INLINE_ACTIONS.filter((field) => button[field] !== undefined);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (actions.length > 1) {
    throw badRequest(`can't parse inline keyboard button: exactly one of the optional fields must be used, got ${actions.join(', ')}`);
  }
  if (typeof button.callback_data === 'string' && (button.callback_data === '' || Buffer.byteLength(button.callback_data) > 64)) {
    throw badRequest('BUTTON_DATA_INVALID');
  }
  if (typeof button.url === 'string' && !normalizeLink(button.url)) throw badRequest('BUTTON_URL_INVALID');
  if (button.web_app !== undefined) {
    if (chatType !== 'private') throw badRequest('BUTTON_TYPE_INVALID');
    const url = (button.web_app as { url?: unknown }).url;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw badRequest('BUTTON_URL_INVALID');
  }
}
