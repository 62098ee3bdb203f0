import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Catalogue reads as last made (categories, products, variants, photos), so that browsing,
 * product cards and the cart's quotes cost no statement while the catalogue does not change.
 *
 * It is one generation: any write to a catalogue table — whoever makes it, heard below the
 * modules by src/db/table-writes.ts — drops every entry, here and, when instances share Redis
 * ({@link shareCatalogCacheThroughRedis}), on the others. Like the user cache it is never
 * filled from a read that may see uncommitted rows (one made inside an open transaction), nor
 * from a read that started before a change. A write inside an update's transaction is
 * dropped again when that transaction ends (src/db/unit-of-work.ts says when), since another
 * update may have read between the write and its commit (a `db.transaction()` of the panel's
 * likewise); where no one says when a change is committed (a write through a transaction handed
 * in from outside, another instance's change), nothing is kept for
 * {@link CatalogCacheOptions.settleMs} after it.
 *
 * Every entry also has a maximum age. It is what bounds a change this process cannot hear: a
 * transaction kept open longer than the settle time after its last write, an edit made with
 * another tool, a message lost between instances. It is long while nothing can be missed
 * (one instance, or instances whose Redis subscription is up) and short while the
 * subscription is down, when other instances' changes go unheard.
 */
export interface CatalogCache {
  /** A copy of the value kept under `key`, if any (a miss is `undefined`; a kept `undefined` is `{ value: undefined }`). */
  get(key: string): { value: unknown } | undefined;
  /** Keeps a copy of a value read at `readSeq` (from {@link CatalogCache.seq} just before the read): refused after a change since, or lately. */
  keep(key: string, value: unknown, readSeq: number): void;
  /** A counter to take before a read that may be kept. */
  seq(): number;
  /**
   * The catalogue changed here: everything is dropped here and announced to the other
   * instances. `settled`: the change is visible to every reader already, or `changed` will be
   * called again when it is — no settle time is needed.
   */
  changed(settled?: boolean): void;
  /** The catalogue changed elsewhere (another instance said so): dropped here only. */
  dropLocal(): void;
  /** Where {@link CatalogCache.changed} announces changes (one listener; set when sharing through Redis). */
  onChanged(listener: (() => void) | undefined): void;
  /** Whether other instances' changes reach this one: `broken` shortens every entry's life. */
  setSharing(state: CatalogSharing): void;
  readonly size: number;
}

/** `alone`: no sharing configured; `shared`: the Redis subscription is up; `broken`: it is down. */
export type CatalogSharing = 'alone' | 'shared' | 'broken';

/** Options of {@link createCatalogCache}. */
export interface CatalogCacheOptions {
  now(): number;
  /** Most reads kept; the least recently used go first. */
  maxEntries?: number;
  /** How long after a change whose commit is not heard nothing is kept (longer than a transaction stays open). */
  settleMs?: number;
  /** The longest an entry is used while changes can all be heard. */
  maxAgeMs?: number;
  /** The longest an entry is used while the subscription to other instances' changes is down. */
  brokenMaxAgeMs?: number;
}

interface Entry {
  value: unknown;
  atMs: number;
}

/** A catalogue cache in this process's memory. */
export function createCatalogCache(options: CatalogCacheOptions): CatalogCache {
  const maxEntries = options.maxEntries ?? 2_000;
  const settleMs = options.settleMs ?? 2_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const brokenMaxAgeMs = options.brokenMaxAgeMs ?? 5_000;
  const entries = new Map<string, Entry>();
  let counter = 0;
  let changedAtMs = Number.NEGATIVE_INFINITY;
  let sharing: CatalogSharing = 'alone';
  let listener: (() => void) | undefined;

  const drop = (settled: boolean) => {
    counter += 1;
    if (!settled) changedAtMs = options.now();
    entries.clear();
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      const maxAge = sharing === 'broken' ? brokenMaxAgeMs : maxAgeMs;
      entries.delete(key);
      // A clock set back counts as expired too: the entry's age is unknown.
      const ageMs = options.now() - entry.atMs;
      if (ageMs > maxAge || ageMs < 0) return undefined;
      // Most recently used last: the first entry is the one to evict.
      entries.set(key, entry);
      return { value: copyOf(entry.value) };
    },
    keep(key, value, readSeq) {
      const nowMs = options.now();
      if (readSeq !== counter || nowMs - changedAtMs < settleMs) return;
      entries.delete(key);
      entries.set(key, { value: copyOf(value), atMs: nowMs });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    seq: () => counter,
    changed(settled = false) {
      drop(settled);
      listener?.();
    },
    // Another instance's change: when it is committed there is not known here.
    dropLocal: () => drop(false),
    onChanged(next) {
      listener = next;
    },
    setSharing(state) {
      sharing = state;
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * A deep copy of a read's result (rows, lists of rows, maps and sets of them), so that a
 * caller changing what it got cannot change what the next caller gets.
 */
function copyOf<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [copyOf(key), copyOf(item)])) as T;
  if (value instanceof Set) return new Set([...value].map(copyOf)) as T;
  if (ArrayBuffer.isView(value)) return structuredClone(value);
  // A row is mostly plain values: the spread copies them at once (V8 clones an object of a
  // known shape in one step), and only what holds objects is copied field by field.
  const copy = { ...value } as Record<string, unknown>;
  for (const key in copy) {
    const item = copy[key];
    if (typeof item === 'object' && item !== null) copy[key] = copyOf(item);
  }
  return copy as T;
}

/** Options of {@link shareCatalogCacheThroughRedis}. */
export interface ShareCatalogCacheOptions {
  /** The Redis channel; instances of one bot share it. */
  channel: string;
  /** Told when Redis cannot carry a change (entries elsewhere then live at most their broken max age, or their max age). */
  onError?: (error: unknown) => void;
  /** How long to keep trying to announce a change Redis refused (default a minute: the longest an entry lives anyway). */
  retryForMs?: number;
}

/** Changes announced at most this often; the last one of a burst always goes out. */
const ANNOUNCE_EVERY_MS = 20;
/** How often an announcement Redis refused is tried again. */
const RETRY_EVERY_MS = 1_000;

/**
 * Makes a catalogue change on one instance drop the cache of the others, through Redis
 * pub/sub. A subscriber needs a connection of its own: it is `redis.duplicate()`, closed by
 * the returned function. While it is down the cache is told `broken` (short-lived entries);
 * when it is back, the changes it may have missed are unknown, so everything is dropped.
 * A feed import writes thousands of rows: announcements are coalesced, the last always sent.
 */
export async function shareCatalogCacheThroughRedis(cache: CatalogCache, redis: Redis, options: ShareCatalogCacheOptions): Promise<() => Promise<void>> {
  const self = randomUUID();
  const retryForMs = options.retryForMs ?? 60_000;
  const subscriber = redis.duplicate({ enableOfflineQueue: true, lazyConnect: true });
  let stopped = false;
  let lost = false;
  subscriber.on('error', (error: Error) => options.onError?.(error));
  subscriber.on('close', () => {
    if (stopped) return;
    lost = true;
    cache.setSharing('broken');
  });
  subscriber.on('ready', () => {
    if (!lost || stopped) return;
    // ioredis subscribes again by itself; this reply comes after its own, on the same connection.
    subscriber
      .subscribe(options.channel)
      .then(() => {
        lost = false;
        cache.dropLocal();
        cache.setSharing('shared');
      })
      .catch((error: unknown) => options.onError?.(error));
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === options.channel && message !== self) cache.dropLocal();
  });
  try {
    await subscriber.connect();
    await subscriber.subscribe(options.channel);
  } catch (error) {
    stopped = true;
    subscriber.disconnect();
    throw error;
  }
  cache.setSharing('shared');

  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  let lastSentMs = Number.NEGATIVE_INFINITY;
  // The oldest change not announced yet (Redis refused it), if any.
  let unsentSinceMs: number | undefined;
  const send = () => {
    timer = undefined;
    pending = false;
    lastSentMs = Date.now();
    redis.publish(options.channel, self).then(
      () => {
        if (!pending) unsentSinceMs = undefined;
      },
      (error: unknown) => {
        options.onError?.(error);
        unsentSinceMs ??= Date.now();
        // Tried again for as long as another instance's entry could still be in use.
        if (!stopped && Date.now() - unsentSinceMs < retryForMs) schedule(RETRY_EVERY_MS);
        else unsentSinceMs = undefined;
      },
    );
  };
  const schedule = (delayMs: number) => {
    pending = true;
    if (timer) return;
    timer = setTimeout(send, delayMs);
    timer.unref();
  };
  cache.onChanged(() => {
    if (stopped) return;
    unsentSinceMs ??= Date.now();
    const sinceMs = Date.now() - lastSentMs;
    if (sinceMs >= ANNOUNCE_EVERY_MS && !timer) send();
    else schedule(Math.max(0, ANNOUNCE_EVERY_MS - sinceMs));
  });
  return async () => {
    stopped = true;
    cache.onChanged(undefined);
    if (timer) clearTimeout(timer);
    if (pending) await redis.publish(options.channel, self).catch(() => undefined);
    cache.setSharing('alone');
    subscriber.disconnect();
  };
}
