import type { ColumnType, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/** A Telegram user who has talked to the bot. */
export interface UsersTable {
  id: number;
  username: string | null;
  first_name: string;
  last_name: string | null;
  /** The language Telegram reported for the user. */
  language_code: string | null;
  /** The language the user chose with /language; wins over `language_code`. */
  locale: string | null;
  phone: string | null;
  is_blocked: ColumnType<Flag, Flag | undefined, Flag>;
  blocked_at: EpochMs | null;
  first_seen_at: EpochMs;
  last_seen_at: EpochMs;
  /** The customer's id in the business's own system (set through the integration API); unique. */
  external_id: string | null;
}

/** Free-form labels on users, for segments and the admin panel. */
export interface UserTagsTable {
  user_id: number;
  tag: string;
  created_at: EpochMs;
}

/** A user row as read from the database. */
export type UserRecord = Selectable<UsersTable>;

declare module '../../db/schema.ts' {
  interface Database {
    users: UsersTable;
    user_tags: UserTagsTable;
  }
}
