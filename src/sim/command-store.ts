// The bot's command lists per (scope, language) and Telegram's rule for which list a user
// sees: the most specific scope first, each tried with the user's language and then without.

/** A bot command. */
export interface BotCommand {
  command: string;
  description: string;
}

/** A scope already reduced to a key, e.g. "default", "chat:42", "chat_member:-5:42". */
export type ScopeKey = string;

/** Command lists by scope and language. */
export interface CommandStore {
  set(scope: ScopeKey, languageCode: string, commands: BotCommand[]): void;
  get(scope: ScopeKey, languageCode: string): BotCommand[];
  delete(scope: ScopeKey, languageCode: string): void;
  /** The list a user sees in a chat, with the scope and language it came from. */
  resolve(query: {
    chatId: number;
    chatType: 'private' | 'group' | 'supergroup' | 'channel';
    userId?: number | undefined;
    isAdmin?: boolean | undefined;
    languageCode?: string | undefined;
  }): { commands: BotCommand[]; scope: ScopeKey | null; languageCode: string };
}

/** Reduces a validated BotCommandScope object to its key. */
export function scopeKey(scope: { type?: unknown; chat_id?: unknown; user_id?: unknown } | undefined, resolveChatId: (chatId: unknown) => number): ScopeKey {
  const type = typeof scope?.type === 'string' ? scope.type : 'default';
  switch (type) {
    case 'chat':
    case 'chat_administrators':
      return `${type}:${resolveChatId(scope?.chat_id)}`;
    case 'chat_member':
      return `${type}:${resolveChatId(scope?.chat_id)}:${Number(scope?.user_id)}`;
    default:
      return type;
  }
}

/** Creates an empty store. */
export function createCommandStore(): CommandStore {
  const lists = new Map<string, BotCommand[]>();
  const key = (scope: ScopeKey, languageCode: string): string => `${scope}|${languageCode}`;

  return {
    set(scope, languageCode, commands) {
      if (commands.length === 0) lists.delete(key(scope, languageCode));
      else lists.set(key(scope, languageCode), structuredClone(commands));
    },
    get(scope, languageCode) {
      return structuredClone(lists.get(key(scope, languageCode)) ?? []);
    },
    delete(scope, languageCode) {
      lists.delete(key(scope, languageCode));
    },
    resolve({ chatId, chatType, userId, isAdmin, languageCode }) {
      const scopes: ScopeKey[] = [];
      if (chatType === 'private') {
        scopes.push(`chat:${chatId}`, 'all_private_chats');
      } else {
        if (userId !== undefined) scopes.push(`chat_member:${chatId}:${userId}`);
        if (isAdmin) scopes.push(`chat_administrators:${chatId}`);
        scopes.push(`chat:${chatId}`);
        if (isAdmin) scopes.push('all_chat_administrators');
        scopes.push('all_group_chats');
      }
      scopes.push('default');
      const languages = languageCode ? [languageCode, ''] : [''];
      for (const scope of scopes) {
        for (const language of languages) {
          const list = lists.get(key(scope, language));
          if (list) return { commands: structuredClone(list), scope, languageCode: language };
        }
      }
      return { commands: [], scope: null, languageCode: '' };
    },
  };
}
