import type { Db } from '../db/database.ts';
import type { EpochMs } from '../db/schema.ts';
import type { Migration } from '../db/migrator.ts';

/**
 * A basic group that Telegram upgraded to a supergroup. The old id stops accepting messages
 * for good, so the mapping is kept: staff chats configured by their old id keep working
 * after a restart, before the owner edits the config file.
 */
export interface ChatMigrationsTable {
  from_chat_id: number;
  to_chat_id: number;
  migrated_at: EpochMs;
}

declare module '../db/schema.ts' {
  interface Database {
    chat_migrations: ChatMigrationsTable;
  }
}

/** The chat_migrations table; core, because any module may post to a group. */
export const chatMigrationMigrations: readonly Migration[] = [
  {
    name: '0006_chat_migrations',
    async up(db) {
      await db.schema
        .createTable('chat_migrations')
        .addColumn('from_chat_id', 'bigint', (c) => c.primaryKey())
        .addColumn('to_chat_id', 'bigint', (c) => c.notNull())
        .addColumn('migrated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

/** Follows a chain of upgrades (a → b, b → c) to the chat that is current now. */
export function currentChatId(chatId: number, moves: ReadonlyMap<number, number>): number {
  let current = chatId;
  // Bounded: a corrupt cycle in the table must not hang start-up.
  for (let step = 0; step < 8; step++) {
    const next = moves.get(current);
    if (next === undefined || next === current) return current;
    current = next;
  }
  return current;
}

/** Records group → supergroup upgrades and rewrites chat id lists to the current ids. */
export function createChatMigrations(db: Db) {
  const load = async (): Promise<Map<number, number>> => {
    const rows = await db.selectFrom('chat_migrations').select(['from_chat_id', 'to_chat_id']).execute();
    return new Map(rows.map((row) => [row.from_chat_id, row.to_chat_id]));
  };

  return {
    /** Remembers an upgrade; recording the same one twice (two senders saw it) changes nothing. */
    async record(fromChatId: number, toChatId: number, nowMs: number): Promise<void> {
      await db
        .insertInto('chat_migrations')
        .values({ from_chat_id: fromChatId, to_chat_id: toChatId, migrated_at: nowMs })
        .onConflict((oc) => oc.column('from_chat_id').doUpdateSet({ to_chat_id: toChatId, migrated_at: nowMs }))
        .execute();
    },

    /**
     * Replaces, in place, every id of `chatIds` that was upgraded by the current one (the
     * array is the live config's list, read on every alert). Returns the ids it changed.
     */
    async rewrite(chatIds: number[]): Promise<{ from: number; to: number }[]> {
      const moves = await load();
      const changed: { from: number; to: number }[] = [];
      chatIds.forEach((chatId, index) => {
        const to = currentChatId(chatId, moves);
        if (to !== chatId) {
          chatIds[index] = to;
          changed.push({ from: chatId, to });
        }
      });
      return changed;
    },
  };
}

/** The chat migrations store's shape. */
export type ChatMigrations = ReturnType<typeof createChatMigrations>;
