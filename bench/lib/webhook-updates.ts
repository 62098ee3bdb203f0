// The updates the webhook benchmark posts: stateless ones, so that a load generator that
// never reads the bot's answers can still send valid traffic. Every update has its own id
// (Lavka drops a repeated update_id before any handler runs, which would flatter it).

import type { Update } from 'grammy/types';

/** What kinds of update rotate through the load, in order. */
export const WEBHOOK_UPDATE_KINDS = ['/start', 'catalogue button', '/help'] as const;

/** The `index`-th update of a run: kinds and chats rotate, ids count up from `firstUpdateId`. */
export function webhookUpdate(index: number, options: { firstUpdateId: number; firstChatId: number; chats: number }): Update {
  const chatId = options.firstChatId + (index % options.chats);
  const from = { id: chatId, is_bot: false as const, first_name: 'Load', last_name: String(chatId), language_code: 'en' };
  const chat = { id: chatId, type: 'private' as const, first_name: 'Load', last_name: String(chatId) };
  const date = Math.floor(Date.now() / 1000);
  const update_id = options.firstUpdateId + index;
  const kind = WEBHOOK_UPDATE_KINDS[index % WEBHOOK_UPDATE_KINDS.length];
  if (kind === 'catalogue button') {
    return {
      update_id,
      callback_query: {
        id: `wh-${update_id}`,
        from,
        chat_instance: `ci-${chatId}`,
        data: 'catalog:home',
        message: { message_id: 1, date, chat, from: { id: 424242, is_bot: true, first_name: 'Lavka Bench' }, text: 'Lavka Shop — main menu.' },
      },
    };
  }
  const text = kind === '/start' ? '/start' : '/help';
  return { update_id, message: { message_id: 1_000_000 + index, date, chat, from, text, entities: [{ type: 'bot_command', offset: 0, length: text.length }] } };
}
