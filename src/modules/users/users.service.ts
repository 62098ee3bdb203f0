import { localeOr, type Locale } from '../../config/business.ts';
import { contactPhone, parsePhone, phoneExample, type CountryCode } from '../../config/phone.ts';
import type { DbExecutor } from '../../db/database.ts';
import { UsersError } from './users.errors.ts';
import { createUsersRepository, type TelegramProfile, type UserSearchFilter } from './users.repository.ts';
import type { UserRecord } from './users.tables.ts';
import { inTransaction } from '../../db/database.ts';
import type { Events } from '../../platform/events.ts';
import { apiCustomer } from './users.api.view.ts';
import { createUserCache, type UserCache } from './users.cache.ts';
import { unitsOf, whenVisible } from '../../db/unit-of-work.ts';
import { fullName } from './users.names.ts';

/** Dependencies of the users service. */
export interface UsersServiceDeps {
  db: DbExecutor;
  now(): number;
  /** Telegram ids that are admins by configuration (ADMIN_IDS). */
  adminIds: readonly number[];
  /** Where typed phone numbers are read as national ones (the business setting, read at use time). */
  defaultCountry?(): CountryCode | undefined;
  /** Where `customer.registered` is published (for webhooks); absent in tools that need none. */
  events?: Events;
  /** Users' rows as last read (default: one in this process's memory). */
  cache?: UserCache;
}

/**
 * How stale `last_seen_at` may get before an update refreshes it. Registering on every
 * update made each update pay for a write (an fsync on SQLite); within this window an
 * unchanged profile costs a primary-key read instead. Audiences are counted in days.
 */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Registers users, keeps their profile fresh and answers who they are. */
export function createUsersService(deps: UsersServiceDeps) {
  const repository = createUsersRepository(deps.db);
  const admins = new Set(deps.adminIds);
  const cache = deps.cache ?? createUserCache({ now: deps.now });
  const units = unitsOf(deps.db);
  /** The user's row, from the cache when it holds it; a committed row read now is kept. */
  const readCached = async (id: number): Promise<UserRecord | undefined> => {
    const cached = cache.get(id);
    if (cached) return cached;
    // Inside an open transaction a read may see this update's own uncommitted writes.
    const keepable = !units?.current()?.open;
    const seq = cache.seq();
    const row = await repository.findById(id);
    if (row && keepable) cache.keep(row, seq);
    return row;
  };
  /** Runs a write to a user, dropping their cached row (here and on the other instances). */
  const changing = async <T>(id: number, write: () => Promise<T>): Promise<T> => {
    // Before: a read running now must not keep the old row; after: again, at the moment the
    // write is visible to others (now, or when the update's transaction ends).
    cache.changed(id, true);
    try {
      return await write();
    } finally {
      const visible = whenVisible(deps.db, () => cache.changed(id, true));
      cache.changed(id, visible !== 'unknown');
    }
  };
  const service = {
    /** Users' rows as last read (shared across instances in app.ts when Redis is configured). */
    cache,
    /**
     * Records the sender of an update: creates the user on first contact, refreshes the
     * profile when it changed, unblocks a user who writes again, and moves `last_seen_at`
     * at most once per {@link LAST_SEEN_RESOLUTION_MS}; otherwise it only reads.
     */
    async register(profile: TelegramProfile): Promise<UserRecord> {
      const nowMs = deps.now();
      const stored = await readCached(profile.id);
      if (stored && stored.is_blocked === 0 && nowMs - stored.last_seen_at < LAST_SEEN_RESOLUTION_MS && sameProfile(stored, profile)) return stored;
      return changing(profile.id, async () => {
        const events = deps.events;
        if (!stored && events) {
          // A first contact is stored and announced in one transaction; of two first updates
          // at once, one inserts (and announces), the other refreshes below.
          const created = await inTransaction(deps.db, async (trx) => {
            const row = await createUsersRepository(trx).insertIfAbsent(profile, nowMs);
            if (row) await events.publish(trx, { type: 'customer.registered', resource: { type: 'customer', id: row.id }, data: { customer: apiCustomer(row) } });
            return row;
          });
          if (created) return created;
        }
        return repository.upsertProfile(profile, nowMs);
      });
    },

    get(id: number): Promise<UserRecord | undefined> {
      return readCached(id);
    },

    /** How the panel names a customer: first and last name, else @username; undefined for an id that never wrote to the bot. */
    async displayName(id: number): Promise<string | undefined> {
      const user = await readCached(id);
      if (!user) return undefined;
      return fullName(user) || (user.username ? `@${user.username}` : undefined);
    },

    /** The user with this id; throws `users.not_found` for an id that never wrote to the bot. */
    async require(id: number): Promise<UserRecord> {
      const user = await readCached(id);
      if (!user) throw new UsersError('users.not_found', `There is no user with id ${id}.`);
      return user;
    },

    isAdmin(id: number): boolean {
      return admins.has(id);
    },

    adminIds(): readonly number[] {
      return [...admins];
    },

    /** The language to write to this user in: their choice, else Telegram's, else the default. */
    localeOf(user: Pick<UserRecord, 'locale' | 'language_code'> | undefined, fallback: Locale): Locale {
      const chosen = user?.locale ?? user?.language_code?.slice(0, 2);
      return localeOr(chosen, fallback);
    },

    async setLocale(id: number, locale: Locale): Promise<void> {
      await changing(id, () => repository.setLocale(id, locale));
    },

    /** Forgets the language the user chose: the bot writes in the one Telegram reports again. */
    async clearLocale(id: number): Promise<void> {
      await changing(id, () => repository.setLocale(id, null));
    },

    /** Sets (or with null, clears) the business's own id of a user; `users.external_id_taken` when another user has it. */
    async setExternalId(id: number, externalId: string | null): Promise<void> {
      await service.require(id);
      if (!(await changing(id, () => repository.setExternalId(id, externalId)))) {
        throw new UsersError('users.external_id_taken', 'Another customer already has this external id.', { externalId });
      }
    },

    /** A typed phone number in E.164 by the business country's rules, or undefined when it is not a valid one. */
    readPhone(raw: string): string | undefined {
      return parsePhone(raw, deps.defaultCountry?.());
    },

    /** Stores a typed phone number in E.164; returns it, or undefined (and stores nothing) when it is not a valid one. */
    async setPhone(id: number, raw: string): Promise<string | undefined> {
      const phone = parsePhone(raw, deps.defaultCountry?.());
      if (!phone) return undefined;
      await changing(id, () => repository.setPhone(id, phone));
      return phone;
    },

    /** Stores the phone of the user's own shared contact (Telegram verified it) in E.164; undefined when it has none. */
    async setContactPhone(id: number, raw: string): Promise<string | undefined> {
      const phone = contactPhone(raw);
      if (!phone) return undefined;
      await changing(id, () => repository.setPhone(id, phone));
      return phone;
    },

    /** A phone number of the business's country as people type it, for "type it like …" hints. */
    phoneExample(): string {
      return phoneExample(deps.defaultCountry?.());
    },

    /** Marks that the user blocked (or unblocked) the bot; the sender skips blocked users. */
    async setBlocked(id: number, blocked: boolean): Promise<void> {
      await changing(id, () => repository.setBlocked(id, blocked, deps.now()));
    },

    /** Tags a user; `users.not_found` for an unknown id, and nothing is written. */
    async addTag(id: number, tag: string): Promise<void> {
      await service.require(id);
      await repository.addTag(id, tag.trim().toLowerCase().slice(0, 64), deps.now());
    },

    /** Removes a tag; `users.not_found` for an unknown id. */
    async removeTag(id: number, tag: string): Promise<void> {
      await service.require(id);
      await repository.removeTag(id, tag);
    },

    /** Users the bot can write to (see the repository), for broadcast audiences. */
    reachable: repository.reachable,
    tagsOf: repository.tagsOf,

    /** Users matching a filter, `limit` at a time in id order after the user `afterId`, and whether more follow. */
    async page(filter: UserSearchFilter, cursor: { limit: number; afterId?: number | undefined }): Promise<{ users: UserRecord[]; hasMore: boolean }> {
      const rows = await repository.listAfter(filter, cursor.afterId, cursor.limit + 1);
      return { users: rows.slice(0, cursor.limit), hasMore: rows.length > cursor.limit };
    },
    countAll: repository.countAll,
    countSince: repository.countSince,
    countActiveSince: repository.countActiveSince,
    countNewBetween: repository.countNewBetween,
    tagCounts: repository.tagCounts,

    /** One page of users matching a filter, most recently seen first (admin panel). */
    async search(filter: UserSearchFilter, page: number, pageSize: number): Promise<{ users: UserRecord[]; total: number; page: number; pages: number }> {
      const total = await repository.countSearch(filter);
      const pages = Math.max(1, Math.ceil(total / pageSize));
      const current = Math.min(Math.max(1, page), pages);
      return { users: await repository.search(filter, (current - 1) * pageSize, pageSize), total, page: current, pages };
    },
  };
  return service;
}

/** Whether the stored row already holds the profile Telegram sent. */
function sameProfile(stored: UserRecord, profile: TelegramProfile): boolean {
  return (
    stored.first_name === profile.first_name &&
    stored.username === (profile.username ?? null) &&
    stored.last_name === (profile.last_name ?? null) &&
    stored.language_code === (profile.language_code ?? null)
  );
}

/** The users service's shape. */
export type UsersService = ReturnType<typeof createUsersService>;
