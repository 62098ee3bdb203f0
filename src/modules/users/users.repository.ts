import type { SelectQueryBuilder } from 'kysely';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { UserRecord } from './users.tables.ts';

/** What the admin panel filters customers by. */
export interface UserSearchFilter {
  /** A Telegram id, @username, part of a name or of a phone number. */
  query?: string;
  tag?: string;
  blocked?: boolean;
  /** The customer's id in the business's own system, exactly. */
  externalId?: string;
}

/**
 * Adds a search filter to a users query. SQLite's LIKE folds case for ASCII only, so a
 * typed word is also tried capitalised and upper-cased: names in Cyrillic are found either way.
 */
function applyUserFilter<O>(query: SelectQueryBuilder<Database, 'users', O>, filter: UserSearchFilter): SelectQueryBuilder<Database, 'users', O> {
  let result = query;
  const text = filter.query?.trim().replace(/^@/, '');
  if (text) {
    const lower = text.toLowerCase();
    const variants = [...new Set([text, lower, lower.charAt(0).toUpperCase() + lower.slice(1), text.toUpperCase()])];
    // % and _ stay wildcards: this is a search box, and matching a little more is harmless.
    const escaped = variants.map((variant) => `%${variant}%`);
    const asId = /^\d{1,16}$/.test(text) ? Number(text) : undefined;
    result = result.where((eb) =>
      eb.or([
        ...(asId === undefined ? [] : [eb('id', '=', asId)]),
        ...escaped.flatMap((pattern) => [
          eb('username', 'like', pattern),
          eb('first_name', 'like', pattern),
          eb('last_name', 'like', pattern),
          eb('phone', 'like', pattern),
        ]),
      ]),
    );
  }
  if (filter.tag) {
    const tag = filter.tag.trim().toLowerCase();
    result = result.where((eb) => eb.exists(eb.selectFrom('user_tags').select('user_tags.tag').whereRef('user_tags.user_id', '=', 'users.id').where('user_tags.tag', '=', tag)));
  }
  if (filter.blocked !== undefined) result = result.where('is_blocked', '=', filter.blocked ? 1 : 0);
  if (filter.externalId !== undefined) result = result.where('external_id', '=', filter.externalId);
  return result;
}

/** A user the bot can write to, with what decides their language. */
export interface ReachableUser {
  id: number;
  locale: string | null;
  language_code: string | null;
}

/** SQLite limits the bound parameters of one statement: long id lists go in parts. */
const ID_CHUNK = 500;

/** The profile fields Telegram sends with every update. */
export interface TelegramProfile {
  id: number;
  username?: string;
  first_name: string;
  last_name?: string;
  language_code?: string;
}


/** The row of a user seen for the first time. */
function newUserRow(profile: TelegramProfile, nowMs: number) {
  return {
    id: profile.id,
    username: profile.username ?? null,
    first_name: profile.first_name,
    last_name: profile.last_name ?? null,
    language_code: profile.language_code ?? null,
    locale: null,
    phone: null,
    first_seen_at: nowMs,
    last_seen_at: nowMs,
  };
}

/** SQL for the users and user_tags tables. */
export function createUsersRepository(db: DbExecutor) {
  return {
    /**
     * Users who have not blocked the bot, by id; only those carrying any of `tags`, or only
     * those among `ids` (ids the bot has never seen cannot be written to), when given.
     */
    async reachable(filter: { tags?: readonly string[]; ids?: readonly number[] } = {}): Promise<ReachableUser[]> {
      const base = () => {
        let query = db.selectFrom('users').select(['id', 'locale', 'language_code']).where('is_blocked', '=', 0);
        if (filter.tags) query = query.where('id', 'in', (eb) => eb.selectFrom('user_tags').select('user_id').where('tag', 'in', [...(filter.tags ?? [])]));
        return query;
      };
      if (!filter.ids) return base().orderBy('id').execute();
      const unique = [...new Set(filter.ids)];
      const out: ReachableUser[] = [];
      for (let index = 0; index < unique.length; index += ID_CHUNK) {
        out.push(...(await base().where('id', 'in', unique.slice(index, index + ID_CHUNK)).execute()));
      }
      return out.sort((a, b) => a.id - b.id);
    },

    findById(id: number): Promise<UserRecord | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The language settings of the users among `ids` (a few: staff chats). */
    languagesOf(ids: readonly number[]): Promise<Pick<UserRecord, 'id' | 'locale' | 'language_code'>[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('users').select(['id', 'locale', 'language_code']).where('id', 'in', [...new Set(ids)].slice(0, ID_CHUNK)).execute();
    },

    /** Inserts a user seen for the first time; undefined when they exist (another update was first). */
    async insertIfAbsent(profile: TelegramProfile, nowMs: number): Promise<UserRecord | undefined> {
      return db
        .insertInto('users')
        .values(newUserRow(profile, nowMs))
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** Inserts the user or refreshes their profile and last-seen time; returns the row. */
    async upsertProfile(profile: TelegramProfile, nowMs: number): Promise<UserRecord> {
      const row = await db
        .insertInto('users')
        .values(newUserRow(profile, nowMs))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            username: eb.ref('excluded.username'),
            first_name: eb.ref('excluded.first_name'),
            last_name: eb.ref('excluded.last_name'),
            language_code: eb.ref('excluded.language_code'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
            // A user who writes to the bot has unblocked it.
            is_blocked: 0,
            blocked_at: null,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return row;
    },

    async setLocale(id: number, locale: string | null): Promise<void> {
      await db.updateTable('users').set({ locale }).where('id', '=', id).execute();
    },

    /** Sets the business's own id of a user; false when another user has it (the unique index decides). */
    async setExternalId(id: number, externalId: string | null): Promise<boolean> {
      if (externalId !== null) {
        const holder = await db.selectFrom('users').select('id').where('external_id', '=', externalId).executeTakeFirst();
        if (holder && holder.id !== id) return false;
      }
      try {
        await db.updateTable('users').set({ external_id: externalId }).where('id', '=', id).execute();
      } catch (error) {
        // Another user took the id between the check and the update.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      return true;
    },

    async setPhone(id: number, phone: string): Promise<void> {
      await db.updateTable('users').set({ phone }).where('id', '=', id).execute();
    },

    async setBlocked(id: number, blocked: boolean, nowMs: number): Promise<void> {
      await db
        .updateTable('users')
        .set({ is_blocked: blocked ? 1 : 0, blocked_at: blocked ? nowMs : null })
        .where('id', '=', id)
        .execute();
    },

    async addTag(userId: number, tag: string, nowMs: number): Promise<void> {
      await db
        .insertInto('user_tags')
        .values({ user_id: userId, tag, created_at: nowMs })
        .onConflict((oc) => oc.columns(['user_id', 'tag']).doNothing())
        .execute();
    },

    async removeTag(userId: number, tag: string): Promise<void> {
      await db.deleteFrom('user_tags').where('user_id', '=', userId).where('tag', '=', tag).execute();
    },

    async tagsOf(userId: number): Promise<string[]> {
      const rows = await db.selectFrom('user_tags').select('tag').where('user_id', '=', userId).orderBy('tag').execute();
      return rows.map((row) => row.tag);
    },

    async countSince(sinceMs: number): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('first_seen_at', '>=', sinceMs)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Users matching a filter, most recently seen first (the admin panel's customer list). */
    async search(filter: UserSearchFilter, offset: number, limit: number): Promise<UserRecord[]> {
      return applyUserFilter(db.selectFrom('users').selectAll(), filter)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute();
    },

    /** Users matching a filter in id order, after the user `afterId` (a cursor that holds while users come in). */
    listAfter(filter: UserSearchFilter, afterId: number | undefined, limit: number): Promise<UserRecord[]> {
      let query = applyUserFilter(db.selectFrom('users').selectAll(), filter);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      return query.orderBy('id').limit(limit).execute();
    },

    async countSearch(filter: UserSearchFilter): Promise<number> {
      const row = await applyUserFilter(db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')), filter).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Users who wrote to the bot (or pressed a button) since `sinceMs`. */
    async countActiveSince(sinceMs: number): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_seen_at', '>=', sinceMs)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Users first seen in `[sinceMs, untilMs)`. */
    async countNewBetween(sinceMs: number, untilMs: number): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('first_seen_at', '>=', sinceMs)
        .where('first_seen_at', '<', untilMs)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Every tag in use with the number of users carrying it. */
    async tagCounts(): Promise<{ tag: string; users: number }[]> {
      const rows = await db
        .selectFrom('user_tags')
        .select(['tag', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('tag')
        .orderBy('tag')
        .execute();
      return rows.map((row) => ({ tag: row.tag, users: Number(row.n) }));
    },

    async countAll(): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** The users repository's shape. */
export type UsersRepository = ReturnType<typeof createUsersRepository>;
