// getMe and the bot's stored settings (names, descriptions, menu button, default admin
// rights): the simulator keeps them so the sandbox can show them, nothing more.

import { badRequest } from '../api-error.ts';
import { requireChat } from '../chat-ops.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

/** Handlers for getMe and simple bot settings. */
export function createBotMethods(state: SimState): MethodTable {
  const localized = (name: string, params: Record<string, unknown>): string => `${name}|${String(params.language_code ?? '')}`;

  function textSetting(setting: string, field: string, maxChars: number): MethodTable {
    const capitalized = setting.charAt(0).toUpperCase() + setting.slice(1);
    return {
      [`setMy${capitalized}`]({ params }) {
        const value = params[field] === undefined ? '' : String(params[field]);
        if ([...value].length > maxChars) throw badRequest(`${field} is too long`);
        if (value === '') state.settings.delete(localized(setting, params));
        else state.settings.set(localized(setting, params), value);
        return true;
      },
      [`getMy${capitalized}`]({ params }) {
        const value = state.settings.get(localized(setting, params)) ?? state.settings.get(localized(setting, {})) ?? (setting === 'name' ? state.bot.first_name : '');
        return { [field]: value };
      },
    };
  }

  return {
    getMe() {
      return structuredClone(state.bot);
    },
    ...textSetting('description', 'description', 512),
    ...textSetting('shortDescription', 'short_description', 120),
    ...textSetting('name', 'name', 64),

    setChatMenuButton({ params }) {
      const key = params.chat_id === undefined ? 'menu_button' : `menu_button|${requireChat(state, params.chat_id).chat.id}`;
      state.settings.set(key, params.menu_button ?? { type: 'default' });
      return true;
    },
    getChatMenuButton({ params }) {
      const key = params.chat_id === undefined ? 'menu_button' : `menu_button|${requireChat(state, params.chat_id).chat.id}`;
      return structuredClone(state.settings.get(key) ?? state.settings.get('menu_button') ?? { type: 'commands' });
    },

    setMyDefaultAdministratorRights({ params }) {
      state.settings.set(`admin_rights|${params.for_channels === true}`, params.rights ?? {});
      return true;
    },
    getMyDefaultAdministratorRights({ params }) {
      return structuredClone(
        state.settings.get(`admin_rights|${params.for_channels === true}`) ?? {
          is_anonymous: false, can_manage_chat: false, can_delete_messages: false, can_manage_video_chats: false, can_restrict_members: false,
          can_promote_members: false, can_change_info: false, can_invite_users: false, can_post_stories: false, can_edit_stories: false,
          can_delete_stories: false,
        },
      );
    },
  };
}
