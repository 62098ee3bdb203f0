// setMyCommands / getMyCommands / deleteMyCommands, per scope and language.

import { badRequest } from '../api-error.ts';
import { requireChat } from '../chat-ops.ts';
import { scopeKey } from '../command-store.ts';
import type { BotCommand } from '../command-store.ts';
import type { SimState } from '../sim-state.ts';
import type { MethodTable } from './types.ts';

/** Handlers for the bot command lists. */
export function createCommandMethods(state: SimState): MethodTable {
  const keyOf = (params: Record<string, unknown>): string =>
    scopeKey(params.scope as Record<string, unknown> | undefined, (chatId) => requireChat(state, chatId).chat.id);
  const language = (params: Record<string, unknown>): string => {
    const code = params.language_code === undefined ? '' : String(params.language_code);
    if (code !== '' && !/^[a-z]{2}$/.test(code)) throw badRequest('LANG_CODE_INVALID');
    return code;
  };

  return {
    setMyCommands({ params }) {
      const commands = params.commands as BotCommand[];
      if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
      for (const { command, description } of commands) {
        if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
        if (description.length < 1 || description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      state.commands.set(keyOf(params), language(params), commands.map(({ command, description }) => ({ command, description })));
      return true;
    },
    getMyCommands({ params }) {
      return state.commands.get(keyOf(params), language(params));
    },
    deleteMyCommands({ params }) {
      state.commands.delete(keyOf(params), language(params));
      return true;
    },
  };
}
