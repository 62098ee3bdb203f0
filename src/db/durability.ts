import { AsyncLocalStorage } from 'node:async_hooks';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/**
 * Group commit for SQLite (docs/decisions/0020): commits return without waiting for the disk
 * (WAL with `synchronous=NORMAL`), and whatever is about to acknowledge them to the outside —
 * a Bot API call, an HTTP answer, an outgoing request — first waits for one `fdatasync` of the
 * WAL that covers every commit made so far. That sync runs on libuv's thread pool, never on
 * the event loop, and the commits of all updates that reached it share it. What is
 * acknowledged is on disk, as with `synchronous=FULL`; what is not yet acknowledged may be
 * lost on power failure, as it may with FULL between a commit and its acknowledgement.
 */
export interface GroupCommit {
  /**
   * A commit (or a write outside any transaction) just completed. `required` false: nothing
   * acknowledged waits for it (bookkeeping such as an update's done mark); a later sync still
   * covers it.
   */
  committed(required?: boolean): void;
  /** Resolves once everything committed before the call is on disk. */
  untilDurable(): Promise<void>;
  /** Closes the file handle kept for syncing. */
  close(): Promise<void>;
}

/** Group commit over the WAL file of a SQLite database at `file`. */
export function createGroupCommit(file: string, sync: (handle: FileHandle) => Promise<void> = (handle) => handle.datasync()): GroupCommit {
  const walPath = `${file}-wal`;
  let committedSeq = 0;
  // The last commit an acknowledgement must wait for.
  let requiredSeq = 0;
  let durableSeq = 0;
  let running: Promise<void> | undefined;
  let handle: FileHandle | undefined;

  const syncOnce = async () => {
    const target = committedSeq;
    // The WAL exists from the first write on while Lavka holds the database (exclusive locking
    // keeps it until close): one handle serves every sync.
    handle ??= await open(walPath, 'r+');
    await sync(handle);
    durableSeq = Math.max(durableSeq, target);
  };

  return {
    committed(required = true) {
      committedSeq += 1;
      if (required) requiredSeq = committedSeq;
    },
    async untilDurable() {
      const wanted = requiredSeq;
      while (durableSeq < wanted) {
        // A sync already under way may have started before this commit: wait for it, then
        // start the next one, which the commits arriving meanwhile share.
        if (running) {
          await running;
          continue;
        }
        running = syncOnce().finally(() => {
          running = undefined;
        });
        await running;
      }
    },
    async close() {
      await running?.catch(() => undefined);
      await handle?.close();
      handle = undefined;
    },
  };
}

const relaxed = new AsyncLocalStorage<true>();

/**
 * Runs `work` with its commits exempt from acknowledgements: no reply or answer waits for
 * them to reach the disk (the next sync still takes them along). For writes whose loss on a
 * power cut costs nothing that was promised — an update's done mark after its replies went
 * out: Telegram was answered and does not send it again. On PostgreSQL such a statement made
 * outside the units goes on the connection shared by the units' reads, which commits without
 * waiting for the WAL flush (`sharedWrites` in unit-of-work.ts): it must be a single statement
 * that never waits for a row lock someone holds across an await.
 */
export function withRelaxedDurability<T>(work: () => T): T {
  return relaxed.run(true, work);
}

/** Whether the code running now is inside {@link withRelaxedDurability}. */
export function durabilityRelaxed(): boolean {
  return relaxed.getStore() === true;
}

const registry = new WeakMap<object, () => Promise<void>>();

/** Remembers how to wait for a Kysely instance's commits to be on disk, for {@link untilDurable}. */
export function registerDurability(db: object, wait: () => Promise<void>): void {
  registry.set(db, wait);
}

/**
 * Waits until what `db` committed so far is on disk: call it before acknowledging anything to
 * the outside. Immediate for PostgreSQL (its commit is durable when it returns) and for a
 * database not opened by `createDatabase`.
 */
export function untilDurable(db: object): Promise<void> {
  return registry.get(db)?.() ?? Promise.resolve();
}
