// Reading chats: getChat, getChatMember, getChatMemberCount, getChatAdministrators.

import { badRequest } from '../api-error.ts';
import { chatMember, requireChat, requireUser } from '../chat-ops.ts';
import type { ChatRecord } from '../chat-types.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

/** Handlers for chat information. */
export function createChatMethods(state: SimState): MethodTable {
  function memberStatus(chat: ChatRecord, userId: number): string {
    if (userId === state.bot.id) {
      if (chat.chat.type === 'private') return chat.blocked ? 'kicked' : 'member';
      if (chat.botIsAdmin) return 'administrator';
      return chat.members.get(userId) ?? 'member';
    }
    if (chat.chat.type === 'private') return chat.chat.id === userId ? 'member' : 'left';
    return chat.members.get(userId) ?? 'left';
  }

  function assertMemberListVisible(chat: ChatRecord): void {
    if (chat.chat.type === 'channel' && !chat.botIsAdmin) throw badRequest('member list is inaccessible');
  }

  return {
    getChat({ params }) {
      const chat = requireChat(state, params.chat_id);
      if (chat.chat.type === 'channel' && !chat.botIsAdmin && !chat.chat.username) throw badRequest('chat not found');
      // Telegram knows no private chat with a user who never pressed Start.
      if (chat.chat.type === 'private' && !chat.started) throw badRequest('chat not found');
      return {
        ...structuredClone(chat.chat),
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false },
        ...(chat.chat.type === 'private' ? {} : { permissions: { can_send_messages: chat.chat.type !== 'channel' } }),
      };
    },

    getChatMember({ params }) {
      const chat = requireChat(state, params.chat_id);
      const userId = Number(params.user_id);
      assertMemberListVisible(chat);
      const user = userId === state.bot.id ? state.bot : requireUser(state, userId);
      return chatMember(user, memberStatus(chat, userId));
    },

    getChatMemberCount({ params }) {
      const chat = requireChat(state, params.chat_id);
      if (chat.chat.type === 'private') return 2;
      const present = [...chat.members.values()].filter((s) => ['member', 'administrator', 'creator', 'restricted'].includes(s)).length;
      return present + (chat.members.has(state.bot.id) ? 0 : 1);
    },

    getChatAdministrators({ params }) {
      const chat = requireChat(state, params.chat_id);
      if (chat.chat.type === 'private') throw badRequest('there are no administrators in the private chat');
      assertMemberListVisible(chat);
      const admins = [...chat.members]
        .filter(([, status]) => status === 'administrator' || status === 'creator')
        .flatMap(([userId, status]) => {
          const user = state.users.get(userId)?.user;
          return user ? [chatMember(user, status)] : [];
        });
      if (chat.botIsAdmin) admins.push(chatMember(state.bot, 'administrator'));
      return admins;
    },
  };
}
