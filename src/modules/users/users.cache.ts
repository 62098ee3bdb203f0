import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { UserRecord } from './users.tables.ts';

/**
 * Users' rows as last read, so that registering the sender of every update (users.register)
 * costs no statement while nothing about them changed. An entry is dropped by every write to
 * the user through the users service — on every instance, when they share Redis
 * ({@link shareUserCacheThroughRedis}) — and is never filled from a write, whose transaction
 * may still roll back: only committed rows read outside any open transaction are kept.
 *
 * Staleness is bounded twice: `register` refreshes `last_seen_at` (a write, which drops the
 * entry) once it is older than a minute, so no entry is used longer than that; and since
 * another update may read the row between a write and its commit, the entry is dropped again
 * when the write's transaction ends (the update's, or a `db.transaction()` outside it) — or,
 * where no one says when that is (a service given a transaction to write through, another
 * instance's change), the user is not cached at all for {@link UserCacheOptions.settleMs} after it.
 */
export interface UserCache {
  /** The row as last read, if it is cached. */
  get(id: number): UserRecord | undefined;
  /**
   * Keeps a row read at `readSeq` (from {@link UserCache.seq} just before the read): refused
   * when the user was changed since, or lately.
   */
  keep(row: UserRecord, readSeq: number): void;
  /** A counter to take before a read that may be kept. */
  seq(): number;
  /**
   * The user changed here: dropped here and announced to the other instances. `settled`: the
   * change is visible to every reader already, or `changed` will be called again when it is
   * — no settle time is needed.
   */
  changed(id: number, settled?: boolean): void;
  /** The user changed elsewhere (another instance said so): dropped here only. */
  dropLocal(id: number): void;
  /** Where {@link UserCache.changed} announces changes (one listener; set when sharing through Redis). */
  onChanged(listener: ((id: number) => void) | undefined): void;
  readonly size: number;
}

/** Options of {@link createUserCache}. */
export interface UserCacheOptions {
  now(): number;
  /** Most users kept; the least recently used go first. */
  maxEntries?: number;
  /** How long after a change whose commit is not heard a user is not cached (longer than a transaction stays open). */
  settleMs?: number;
}

/** A user cache in this process's memory. */
export function createUserCache(options: UserCacheOptions): UserCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const settleMs = options.settleMs ?? 2_000;
  const rows = new Map<number, UserRecord>();
  // When each user last changed (time and sequence, and the time of the last change whose
  // commit is not heard), kept for `settleMs`.
  const recent = new Map<number, { atMs: number; seq: number; unheardAtMs: number }>();
  let counter = 0;
  let listener: ((id: number) => void) | undefined;

  const forgetSettled = (nowMs: number) => {
    // Insertion order is change order: the oldest changes are first.
    for (const [id, change] of recent) {
      if (nowMs - change.atMs < settleMs) break;
      recent.delete(id);
    }
  };

  const drop = (id: number, settled: boolean) => {
    counter += 1;
    rows.delete(id);
    const nowMs = options.now();
    // A settled change keeps the time of an earlier unsettled one still settling.
    const unheardAtMs = settled ? (recent.get(id)?.unheardAtMs ?? Number.NEGATIVE_INFINITY) : nowMs;
    recent.delete(id);
    recent.set(id, { atMs: nowMs, seq: counter, unheardAtMs });
  };

  return {
    get(id) {
      const row = rows.get(id);
      if (!row) return undefined;
      // Most recently used last: the first entry is the one to evict.
      rows.delete(id);
      rows.set(id, row);
      return row;
    },
    keep(row, readSeq) {
      const nowMs = options.now();
      forgetSettled(nowMs);
      const change = recent.get(row.id);
      if (change && (change.seq > readSeq || nowMs - change.unheardAtMs < settleMs)) return;
      rows.delete(row.id);
      rows.set(row.id, row);
      if (rows.size > maxEntries) rows.delete(rows.keys().next().value as number);
    },
    seq: () => counter,
    changed(id, settled = false) {
      drop(id, settled);
      listener?.(id);
    },
    // Another instance's change: when it is committed there is not known here.
    dropLocal: (id) => drop(id, false),
    onChanged(next) {
      listener = next;
    },
    get size() {
      return rows.size;
    },
  };
}

/** Options of {@link shareUserCacheThroughRedis}. */
export interface ShareUserCacheOptions {
  /** The Redis channel; instances of one bot share it. */
  channel: string;
  /** Told when Redis cannot carry a change (the entry then lives at most a minute elsewhere). */
  onError?: (error: unknown) => void;
}

/**
 * Makes a change on one instance drop the user's entry on the others, through Redis pub/sub.
 * A subscriber needs a connection of its own: it is `redis.duplicate()`, closed by the
 * returned function. A message lost while Redis is away leaves an entry at most as stale as
 * `register`'s one-minute refresh allows.
 */
export async function shareUserCacheThroughRedis(cache: UserCache, redis: Redis, options: ShareUserCacheOptions): Promise<() => Promise<void>> {
  const self = randomUUID();
  const subscriber = redis.duplicate({ enableOfflineQueue: true, lazyConnect: true });
  subscriber.on('error', (error: Error) => options.onError?.(error));
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    const [from, id] = message.split(' ');
    if (from === self) return;
    const userId = Number(id);
    if (Number.isSafeInteger(userId)) cache.dropLocal(userId);
  });
  await subscriber.connect();
  await subscriber.subscribe(options.channel);
  cache.onChanged((id) => {
    redis.publish(options.channel, `${self} ${id}`).catch((error: unknown) => options.onError?.(error));
  });
  return async () => {
    cache.onChanged(undefined);
    subscriber.disconnect();
  };
}
