import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type Compilable,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { tableWritesOf } from './table-writes.ts';

/**
 * One update's database work, committed as one transaction (docs/decisions/0018).
 *
 * Every Kysely query that runs inside {@link UnitsOfWork.run} goes through the unit: reads
 * run on their own until the first write, which begins the transaction; from then on the
 * update's reads and writes share that transaction, and a module's own `db.transaction()`
 * becomes a savepoint in it. The transaction ends at {@link UnitOfWork.flush} — before any
 * reply that could confirm a write, and when the update is done — running `beforeCommit`
 * last inside it (the update's de-duplication mark), or by {@link UnitOfWork.rollback} when
 * it fails.
 */
export interface UnitOfWork {
  /**
   * Runs inside the transaction, as its last statements, each time it is about to commit;
   * `reason` is what {@link UnitOfWork.flush} was given (undefined for a commit the unit
   * makes by itself after sitting idle). Throwing rolls the transaction back.
   */
  beforeCommit?: (reason: unknown) => Promise<void>;
  /** Whether a transaction is open now (or will be, for a write kept by {@link UnitOfWork.writeLater}). */
  readonly open: boolean;
  /** Whether this unit has committed anything yet. */
  readonly committed: boolean;
  /**
   * Runs `query` as the open transaction's last statement, from `beforeCommit`. Where the
   * database pipelines ({@link UnitOfWorkOptions.pipelined}) the COMMIT leaves right behind it,
   * without waiting for its answer: the transaction then commits unless `query` fails, so
   * `query` must carry its own checks (fail rather than change nothing), and nothing may be
   * decided from its result. Elsewhere the COMMIT follows once it is answered. It goes to the
   * connection directly: its result passes through no Kysely plugin (the table-write watcher
   * is not told of it), so it must not write a table a cache watches.
   */
  endWith<R>(query: CompiledQuery): Promise<QueryResult<R>>;
  /**
   * Keeps a write whose answer nobody reads (a session written back) to be sent with the
   * unit's next statement, or with its commit: where the database pipelines, the transaction's
   * BEGIN, this write, the update's mark and the COMMIT then leave together, one round trip
   * instead of two. It counts as written from now on ({@link UnitOfWork.open}); if it fails,
   * the statement it went with fails with its error and the transaction rolls back. Like
   * {@link UnitOfWork.endWith} it passes through no Kysely plugin's result step, so it must
   * not write a table a cache watches.
   */
  writeLater(query: CompiledQuery): void;
  /** Commits what the unit wrote so far (nothing to do when nothing is open), telling `beforeCommit` why. */
  flush(reason?: unknown): Promise<void>;
  /** Rolls back what is not committed yet; the unit then takes no more work. */
  rollback(): Promise<void>;
  /** Ends the unit: queries still running in its context afterwards run on their own. */
  end(): void;
  /**
   * Calls `callback` once the transaction open now ends, committed or rolled back (at once
   * when none is open). Caches use it to learn when a write others could not see yet is
   * committed.
   */
  afterTransaction(callback: () => void): void;
}

/** Where units of work are started, for one database. */
export interface UnitsOfWork {
  /** Runs `work` with a new unit of work as the ambient one. */
  run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
  /** The unit of the code running now, if any. */
  current(): UnitOfWork | undefined;
  /** Runs `work` outside any unit: its queries commit on their own (heartbeats, background work). */
  outside<T>(work: () => T): T;
  /**
   * Runs `work` outside any unit with its plain reads on the connection the units share for
   * theirs ({@link UnitOfWorkOptions.sharedReads}), for what an update reads before its unit
   * starts (its duplicate check, with its session). Its other statements run as outside.
   */
  readShared<T>(work: () => T): T;
  /**
   * Calls `callback` once every `db.transaction()` outside the units that is open now has
   * ended, committed or rolled back (at once when none is).
   */
  afterTransactionsOutsideUnits(callback: () => void): void;
}

/**
 * When a write just made through `db` by the code running now becomes visible to others:
 * `now` — it was committed on its own; `later` — it is in the ambient unit's open
 * transaction, or may be in a `db.transaction()` outside the units, and `ended` is called
 * once that has ended (for the latter, once every such transaction open now has); `unknown`
 * — `db` is a transaction itself or not a database opened by `createDatabase`, and no one
 * will say when. Caches use it to drop, at the right moment, what another reader may have
 * kept between a write and its commit.
 */
export function whenVisible(db: object, ended: () => void): 'now' | 'later' | 'unknown' {
  const units = unitsOf(db);
  if (!units) return 'unknown';
  const unit = units.current();
  if (unit?.open) {
    unit.afterTransaction(ended);
    return 'later';
  }
  let waiting = true;
  let endedAtOnce = false;
  units.afterTransactionsOutsideUnits(() => {
    if (waiting) endedAtOnce = true;
    else ended();
  });
  waiting = false;
  return endedAtOnce ? 'now' : 'later';
}

/**
 * Makes a write whose answer the caller does not need: in an update's unit of work it is kept
 * for the unit's next statement or its commit ({@link UnitOfWork.writeLater}), a round trip
 * fewer on PostgreSQL; a failure then fails that statement, and the update. Elsewhere, or when
 * it writes a table a read cache watches (which must hear of it once it ran), it runs now.
 */
export async function writeWithoutAnswer(db: { executeQuery(query: CompiledQuery): Promise<unknown> }, query: Compilable | CompiledQuery): Promise<void> {
  const compiled = 'compile' in query ? query.compile() : query;
  const unit = unitsOf(db)?.current();
  if (unit && !tableWritesOf(db)?.writesWatched(compiled)) return unit.writeLater(compiled);
  await db.executeQuery(compiled);
}

/** Options of {@link unitOfWorkDialect}. */
export interface UnitOfWorkOptions {
  /**
   * How long an open transaction may sit with no statement running before it is committed
   * anyway. A handler that writes and then waits on something slow (a gateway, an ERP) must
   * not keep every other update from the database; what it wrote is then committed and the
   * rest of its writes form a new transaction.
   */
  maxIdleOpenMs?: number;
  /**
   * A connection shared by every unit for its plain reads before its first write (and by the
   * reads of {@link UnitsOfWork.readShared}), when the database has one free now (PostgreSQL:
   * `pg-shared-reads.ts`); otherwise such a read takes a connection of its own.
   */
  sharedReads?: () => DatabaseConnection | undefined;
  /**
   * Whether a statement made now outside any unit may go to the {@link sharedReads}
   * connection although it writes: bookkeeping that nothing acknowledged waits for and that
   * never waits for a lock held across an await (an update's done mark; on PostgreSQL the
   * shared connection commits without waiting for the WAL flush). Only single statements:
   * a transaction begun there fails.
   */
  sharedWrites?: () => boolean;
  /**
   * Whether the database's connections send a statement without waiting for the answer to
   * the one before (PostgreSQL in pipeline mode): a transaction's BEGIN then leaves with its
   * first write, one round trip instead of two. Only where BEGIN cannot fail on a connection
   * that still works, as on PostgreSQL outside a transaction: the write behind a failed BEGIN
   * would run on its own.
   */
  pipelined?: boolean;
}

const registry = new WeakMap<object, UnitsOfWork>();
/** The ambient unit, whichever database it belongs to (a unit answers only for its own). */
const storage = new AsyncLocalStorage<Unit>();
/** Set inside {@link UnitsOfWork.readShared}. */
const readingShared = new AsyncLocalStorage<true>();

/**
 * Runs `work` outside any update's unit of work: what it writes commits on its own, whatever
 * the update does. For side work an update only triggers — a staff alert about a failing
 * dependency must survive the failed update that noticed it.
 */
export function outsideUnitOfWork<T>(work: () => T): T {
  return storage.exit(work);
}

/** The units of work of a database opened by `createDatabase` (undefined for any other Kysely). */
export function unitsOf(db: Kysely<never> | Kysely<object> | object): UnitsOfWork | undefined {
  return registry.get(db);
}

/** Remembers the units of work of a Kysely instance, for {@link unitsOf}. */
export function registerUnits(db: object, units: UnitsOfWork): void {
  registry.set(db, units);
}

/** Wraps a dialect so that its queries join the ambient unit of work. */
export function unitOfWorkDialect(inner: Dialect, options: UnitOfWorkOptions = {}): { dialect: Dialect; units: UnitsOfWork } {
  const maxIdleOpenMs = options.maxIdleOpenMs ?? 100;
  // The dialect's own driver: units take their connections from it directly.
  let driver: Driver | undefined;
  let wrapper: UnitOfWorkDriver | undefined;
  const units: UnitsOfWork = {
    async run(work) {
      if (!driver) throw new Error('the database is not open yet');
      const unit = new Unit(driver, { maxIdleOpenMs, sharedReads: options.sharedReads, pipelined: options.pipelined ?? false });
      return storage.run(unit, () => work(unit));
    },
    current: () => {
      const unit = storage.getStore();
      return unit && !unit.ended && unit.driver === driver ? unit : undefined;
    },
    outside: (work) => storage.exit(work),
    readShared: (work) => storage.exit(() => readingShared.run(true, work)),
    afterTransactionsOutsideUnits: (callback) => {
      if (wrapper) wrapper.afterOutsideUnits(callback);
      else callback();
    },
  };
  const dialect: Dialect = {
    createDriver: () => {
      const own = inner.createDriver();
      driver = own;
      wrapper = new UnitOfWorkDriver(
        own,
        () => {
          const unit = storage.getStore();
          return unit?.driver === own ? unit : undefined;
        },
        () => {
          const writes = options.sharedWrites?.() ?? false;
          if (!writes && !readingShared.getStore()) return undefined;
          const connection = options.sharedReads?.();
          return connection && { connection, writes };
        },
      );
      return wrapper;
    },
    createQueryCompiler: (): QueryCompiler => inner.createQueryCompiler(),
    createAdapter: (): DialectAdapter => inner.createAdapter(),
    createIntrospector: (db): DatabaseIntrospector => inner.createIntrospector(db),
  };
  return { dialect, units };
}

/** Statements that only read: they need no transaction of their own. */
const READ_ONLY_RAW = /^\s*(select|pragma|explain|values|show)\b/i;

function isWrite(query: CompiledQuery): boolean {
  const kind = query.query.kind;
  if (kind === 'SelectQueryNode') return false;
  if (kind === 'RawNode') return !READ_ONLY_RAW.test(query.sql);
  return true;
}

/** Reads that take or wait for a lock (`for update`, advisory locks). */
const LOCKING = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|advisory/i;

/**
 * Whether a statement may go to a connection shared by all units: a plain read, which never
 * waits for a lock. A read that waits would hold up every read queued behind it, and the
 * holder of the lock could be an update waiting for one of those.
 */
function sharesReads(query: CompiledQuery): boolean {
  return !isWrite(query) && !LOCKING.test(query.sql);
}

/** The connection a unit hands to Kysely: every statement is routed by the unit. */
class UnitConnection implements DatabaseConnection {
  readonly unit: Unit;
  constructor(unit: Unit) {
    this.unit = unit;
  }
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.unit.execute<R>(query);
  }
  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // Streams are rare (exports) and long: they run on their own connection, never in the unit.
    const connection = await this.unit.driver.acquireConnection();
    try {
      yield* connection.streamQuery<R>(query, chunkSize);
    } finally {
      await this.unit.driver.releaseConnection(connection);
    }
  }
}

class Unit implements UnitOfWork {
  beforeCommit?: (reason: unknown) => Promise<void>;
  ended = false;
  committed = false;
  readonly connection: UnitConnection = new UnitConnection(this);
  /** The real connection while a transaction is open. */
  private held: DatabaseConnection | undefined;
  /** Statements of this unit run one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Open savepoints (modules' own transactions inside the unit). */
  private depth = 0;
  /** True while `beforeCommit` runs: its statements go straight to the connection. */
  private finishing = false;
  private running = 0;
  /** Steps in the queue, waiting or running. */
  private queued = 0;
  /** The COMMIT sent behind the last statement ({@link UnitOfWork.endWith}), not yet awaited. */
  private sentCommit: Promise<unknown> | undefined;
  /** Writes kept to go with the next statement ({@link UnitOfWork.writeLater}). */
  private later: CompiledQuery[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  /** Told when the open transaction ends ({@link UnitOfWork.afterTransaction}). */
  private onTransactionEnd: (() => void)[] = [];

  readonly driver: Driver;
  private readonly options: Required<Pick<UnitOfWorkOptions, 'maxIdleOpenMs' | 'pipelined'>> & Pick<UnitOfWorkOptions, 'sharedReads'>;
  constructor(driver: Driver, options: Unit['options']) {
    this.driver = driver;
    this.options = options;
  }

  get open(): boolean {
    return this.held !== undefined || this.later.length > 0;
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    this.queued += 1;
    const result = this.queue.then(async () => {
      this.running += 1;
      try {
        return await step();
      } finally {
        this.running -= 1;
        this.queued -= 1;
        this.armIdleCommit();
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.finishing && this.held) return this.held.executeQuery<R>(query);
    return this.enqueue(async () => {
      if (this.later.length > 0) {
        const kept = await this.sendLater();
        try {
          const result = await this.held!.executeQuery<R>(query);
          await kept.answered;
          return result;
        } catch (error) {
          // In a transaction a kept write made fail, every later statement fails for that reason.
          throw await failureOf(kept.answered, error);
        }
      }
      if (!this.held && !this.ended && isWrite(query)) {
        if (this.options.pipelined) return this.beginWith<R>(query);
        await this.begin();
      }
      if (this.held) return this.held.executeQuery<R>(query);
      return this.alone<R>(query);
    });
  }

  endWith<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const connection = this.held;
    if (!this.finishing || !connection) return Promise.reject(new Error('endWith is for the last statement of an open transaction, from beforeCommit'));
    const result = connection.executeQuery<R>(query);
    if (this.options.pipelined && !this.sentCommit) {
      const commit = connection.executeQuery(CompiledQuery.raw('commit'));
      // Its failure is commitNow's to report, once the statement before it is answered.
      commit.catch(() => undefined);
      this.sentCommit = commit;
    }
    return result;
  }

  writeLater(query: CompiledQuery): void {
    if (this.ended) throw new Error('the unit of work has ended');
    this.later.push(query);
    this.armIdleCommit();
  }

  /**
   * Sends the kept writes ({@link UnitOfWork.writeLater}), beginning the transaction if none is
   * open. Where the database pipelines this does not wait for their answers: the statement
   * made next in this tick leaves in the same socket write, and `answered` settles with them.
   */
  private async sendLater(): Promise<{ answered: Promise<unknown> }> {
    const writes = this.later;
    this.later = [];
    if (!this.held) {
      if (this.options.pipelined) await this.beginSending();
      else await this.begin();
    }
    const connection = this.held!;
    if (!this.options.pipelined) {
      for (const write of writes) await connection.executeQuery(write);
      return { answered: Promise.resolve() };
    }
    const answered = Promise.all(writes.map((write) => connection.executeQuery(write)));
    answered.catch(() => undefined);
    return { answered };
  }

  /** Runs one statement outside a transaction (reads before the first write): on the shared read connection, or on one of its own. */
  private async alone<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const shared = this.options.sharedReads && sharesReads(query) ? this.options.sharedReads() : undefined;
    if (shared) return shared.executeQuery<R>(query);
    const connection = await this.driver.acquireConnection();
    try {
      return await connection.executeQuery<R>(query);
    } finally {
      await this.driver.releaseConnection(connection);
    }
  }

  private async begin(): Promise<void> {
    const connection = await this.driver.acquireConnection();
    try {
      await connection.executeQuery(CompiledQuery.raw('begin'));
    } catch (error) {
      await this.driver.releaseConnection(connection);
      throw error;
    }
    this.held = connection;
  }

  /**
   * Sends BEGIN and holds the connection at once, without waiting for the answer
   * ({@link UnitOfWorkOptions.pipelined}): what is sent behind it in this tick leaves in the
   * same write. A BEGIN that fails (the connection broke) fails what follows it too.
   */
  private async beginSending(): Promise<void> {
    const connection = await this.driver.acquireConnection();
    connection.executeQuery(CompiledQuery.raw('begin')).catch(() => undefined);
    this.held = connection;
  }

  /** Begins the transaction with its first write sent right behind the BEGIN ({@link UnitOfWorkOptions.pipelined}). */
  private async beginWith<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const connection = await this.driver.acquireConnection();
    const begun = connection.executeQuery(CompiledQuery.raw('begin'));
    const first = connection.executeQuery<R>(query);
    // Its failure is the caller's, once BEGIN is answered; until then it must not count as unhandled.
    first.catch(() => undefined);
    try {
      await begun;
    } catch (error) {
      // The write queued behind it is answered (failed, on a broken connection) before the connection goes back.
      await first.catch(() => undefined);
      await this.driver.releaseConnection(connection);
      throw error;
    }
    this.held = connection;
    return first;
  }

  /** A module's `db.transaction()` inside the unit: a savepoint, so that it can fail alone. */
  beginNested(): Promise<void> {
    return this.enqueue(async () => {
      if (this.later.length > 0) await (await this.sendLater()).answered;
      if (!this.held) await this.begin();
      this.depth += 1;
      await this.held!.executeQuery(CompiledQuery.raw(`savepoint lavka_unit_${this.depth}`));
    });
  }

  endNested(outcome: 'commit' | 'rollback'): Promise<void> {
    return this.enqueue(async () => {
      const name = `lavka_unit_${this.depth}`;
      this.depth -= 1;
      // A write kept inside the savepoint belongs to it: it is sent before the savepoint ends;
      // its failure fails a commit of the savepoint, and a rollback to it undoes it.
      if (this.later.length > 0 && this.held) {
        const kept = await this.sendLater();
        await (outcome === 'commit' ? kept.answered : kept.answered.catch(() => undefined));
      }
      if (!this.held) return;
      if (outcome === 'rollback') await this.held.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`));
      await this.held.executeQuery(CompiledQuery.raw(`release savepoint ${name}`));
    });
  }

  /** The open transaction's connection, for savepoint commands Kysely sends through the driver. */
  heldConnection(): DatabaseConnection | undefined {
    return this.held;
  }

  flush(reason?: unknown): Promise<void> {
    // Nothing open, and nothing queued that could open it: there is nothing to commit, and no
    // turn to wait for (every Bot API call of a read-only update flushes).
    if (this.queued === 0 && !this.open) return Promise.resolve();
    return this.enqueue(() => this.commitNow(reason));
  }

  private async commitNow(reason: unknown): Promise<void> {
    if ((!this.held && this.later.length === 0) || this.depth > 0) return;
    let kept: { answered: Promise<unknown> } | undefined;
    let connection: DatabaseConnection;
    try {
      // Kept writes go with the mark and the COMMIT: one round trip where the database pipelines.
      if (this.later.length > 0) kept = await this.sendLater();
      connection = this.held!;
      if (this.beforeCommit) {
        this.finishing = true;
        try {
          await this.beforeCommit(reason);
        } finally {
          this.finishing = false;
        }
      }
      const sent = this.sentCommit;
      this.sentCommit = undefined;
      await (sent ?? connection.executeQuery(CompiledQuery.raw('commit')));
      // PostgreSQL answers the COMMIT of a transaction a failed write aborted as a rollback, not an error.
      await kept?.answered;
    } catch (error) {
      // A COMMIT sent behind a statement that failed has ended the transaction already
      // (PostgreSQL answers it as a rollback): it is answered before the rollback is sent.
      const sent = this.sentCommit;
      this.sentCommit = undefined;
      await sent?.catch(() => undefined);
      await this.abandon();
      throw kept ? await failureOf(kept.answered, error) : error;
    }
    this.held = undefined;
    this.committed = true;
    await this.driver.releaseConnection(connection);
    this.transactionEnded();
  }

  afterTransaction(callback: () => void): void {
    if (this.open) this.onTransactionEnd.push(callback);
    else callback();
  }

  private transactionEnded(): void {
    const callbacks = this.onTransactionEnd;
    this.onTransactionEnd = [];
    for (const callback of callbacks) {
      try {
        callback();
      } catch {
        // A listener's failure is its own: the transaction has ended either way.
      }
    }
  }

  rollback(): Promise<void> {
    this.ended = true;
    return this.enqueue(() => this.abandon());
  }

  private async abandon(): Promise<void> {
    const connection = this.held;
    this.held = undefined;
    this.depth = 0;
    if (this.later.length > 0) {
      this.later = [];
      if (!connection) this.transactionEnded();
    }
    if (!connection) return;
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch {
      // The database ended the transaction itself (SQLite on a full disk): nothing is left to undo.
    } finally {
      await this.driver.releaseConnection(connection);
      this.transactionEnded();
    }
  }

  end(): void {
    this.ended = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // Anything still open (a write that raced the end) is committed rather than left holding the database.
    if (this.open) void this.flush().catch(() => undefined);
  }

  private armIdleCommit(): void {
    if (!this.open || this.running > 0) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.open && this.running === 0 && this.depth === 0) void this.flush().catch(() => undefined);
    }, this.options.maxIdleOpenMs);
    this.idleTimer.unref();
  }
}

/** The failure to report for a statement sent behind kept writes: theirs, when one of them failed. */
function failureOf(kept: Promise<unknown>, error: unknown): Promise<unknown> {
  return kept.then(
    () => error,
    (keptError: unknown) => keptError,
  );
}

/**
 * A statement outside the units that may go to the shared connection: a plain read made in
 * {@link UnitsOfWork.readShared}, or a bookkeeping write ({@link UnitOfWorkOptions.sharedWrites});
 * any other statement takes a connection of the pool for itself. No transactions.
 */
class SharedConnection implements DatabaseConnection {
  private readonly shared: DatabaseConnection;
  private readonly writes: boolean;
  private readonly pool: Driver;
  constructor(shared: DatabaseConnection, writes: boolean, pool: Driver) {
    this.shared = shared;
    this.writes = writes;
    this.pool = pool;
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.writes || sharesReads(query)) return this.shared.executeQuery<R>(query);
    const connection = await this.pool.acquireConnection();
    try {
      return await connection.executeQuery<R>(query);
    } finally {
      await this.pool.releaseConnection(connection);
    }
  }
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the shared connection does not stream');
  }
}

/** The dialect's driver, with each connection request answered by the ambient unit when there is one. */
class UnitOfWorkDriver implements Driver {
  private readonly inner: Driver;
  private readonly currentUnit: () => Unit | undefined;
  private readonly sharedOutside: () => { connection: DatabaseConnection; writes: boolean } | undefined;
  /** Connections in a `db.transaction()` outside any unit, begun and not yet ended. */
  private readonly outsideUnits = new Set<DatabaseConnection>();
  /** Who waits for which of them to end ({@link UnitsOfWork.afterTransactionsOutsideUnits}). */
  private waiters: { pending: Set<DatabaseConnection>; callback: () => void }[] = [];
  constructor(inner: Driver, currentUnit: () => Unit | undefined, sharedOutside: () => { connection: DatabaseConnection; writes: boolean } | undefined) {
    this.inner = inner;
    this.currentUnit = currentUnit;
    this.sharedOutside = sharedOutside;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const unit = this.currentUnit();
    if (unit && !unit.ended) return Promise.resolve(unit.connection);
    const shared = unit ? undefined : this.sharedOutside();
    if (shared) return Promise.resolve(new SharedConnection(shared.connection, shared.writes, this.inner));
    return this.inner.acquireConnection();
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection || connection instanceof SharedConnection) return Promise.resolve();
    return this.inner.releaseConnection(connection);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (connection instanceof UnitConnection) return connection.unit.beginNested();
    if (connection instanceof SharedConnection) return Promise.reject(new Error('no transaction on the shared connection: its statements stand alone'));
    // Counted before it is begun, and until a commit succeeds or a rollback returns (a failed
    // commit is followed by a rollback): while it may be open, its writes' end is unknown.
    this.outsideUnits.add(connection);
    return this.inner.beginTransaction(connection, settings).catch((error: unknown) => {
      this.outsideEnded(connection);
      throw error;
    });
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return connection.unit.endNested('commit');
    await this.inner.commitTransaction(connection);
    this.outsideEnded(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return connection.unit.endNested('rollback');
    try {
      await this.inner.rollbackTransaction(connection);
    } finally {
      this.outsideEnded(connection);
    }
  }

  afterOutsideUnits(callback: () => void): void {
    if (this.outsideUnits.size === 0) callback();
    else this.waiters.push({ pending: new Set(this.outsideUnits), callback });
  }

  private outsideEnded(connection: DatabaseConnection): void {
    this.outsideUnits.delete(connection);
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((waiter) => waiter.pending.delete(connection) && waiter.pending.size === 0);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.pending.size > 0);
    for (const waiter of done) {
      try {
        waiter.callback();
      } catch {
        // A listener's failure is its own: the transactions have ended either way.
      }
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(this.real(connection), name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.real(connection), name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint?.(this.real(connection), name, compileQuery);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private real(connection: DatabaseConnection): DatabaseConnection {
    if (!(connection instanceof UnitConnection)) return connection;
    const held = connection.unit.heldConnection();
    if (!held) throw new Error('a savepoint outside an open transaction');
    return held;
  }
}
