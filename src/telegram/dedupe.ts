import { randomUUID } from 'node:crypto';
import { GrammyError, InputFile, type MiddlewareFn, type Transformer } from 'grammy';
import { PostgresAdapter, sql } from 'kysely';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db, DbExecutor } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
import { untilDurable, withRelaxedDurability } from '../db/durability.ts';
import { prepareStatement, type Param } from '../db/prepared-statement.ts';
import { unitsOf, type UnitOfWork } from '../db/unit-of-work.ts';
import type { BotContext } from './context.ts';
import type { SessionPrefetch } from './session-storage.ts';

/** Timing of update claims; tests shorten it. */
export interface DedupeTiming {
  /** How long a claim holds without a heartbeat before another instance may take the update over. */
  leaseMs: number;
  /** How often a running handler renews its claim. */
  heartbeatMs: number;
  /** How often a delivery waiting on another instance's claim looks again. */
  pollMs: number;
}

const DEFAULT_TIMING: DedupeTiming = { leaseMs: 30_000, heartbeatMs: 10_000, pollMs: 250 };

/**
 * Shortest time between two statements of done marks. At a few updates a second every update
 * has its own statement at once; under load the marks of the updates finishing within this
 * window share one, which halves the statements of read-only updates at a few hundred a second.
 * What waits is the update's end, not its reply (made already): only the next update of the
 * same chat starts up to this much later.
 */
const DONE_MARK_GAP_MS = 4;

/** Duplicates dropped in a row before the log says so at warning level. */
const DUPLICATE_RUN_WARNING = 20;

/** Dependencies of {@link dedupeUpdates}. */
export interface DedupeDeps {
  db: Db;
  now?: () => number;
  timing?: Partial<DedupeTiming>;
  logger?: Logger;
  /**
   * The update's session, read in the same statement as its mark: `keyOf` names the session
   * row (grammY's session key), `prefetch` keeps it for the session storage.
   */
  sessions?: { keyOf(ctx: BotContext): string | undefined; prefetch: SessionPrefetch };
}

/** A mark as the duplicate check reads it. */
interface MarkRow {
  claimed_until: number | null;
  pending_call: string | null;
}

/** Why the update's transaction commits: a Bot API call is about to go out, or the update is done. */
type CommitReason = { call: { method: string; payload: unknown } } | typeof UPDATE_DONE | undefined;
const UPDATE_DONE = Symbol('update done');

/** A Bot API call kept with a claim, made again if its instance died before it went out. */
const pendingCallSchema = z.object({ method: z.string().regex(/^[a-zA-Z]+$/), payload: z.record(z.string(), z.unknown()) });
/** Larger calls are not kept (a claim stays a small row); a resend then only completes the update. */
const MAX_PENDING_CALL_CHARS = 64_000;

/**
 * Handles each `update_id` once, and runs the update as one unit of work
 * (docs/decisions/0018): the mark that the update was handled, the session and the
 * handler's writes are committed together, in one transaction. Telegram re-delivers webhook
 * updates it thinks failed, a restarted poller fetches again what it had not confirmed, and
 * two instances may briefly both poll; the database decides which delivery handles an update.
 *
 * - The mark is the last statement of each transaction of the update. A handler that fails
 *   leaves no mark and no writes, so a resend is handled again; a process that dies mid-update
 *   leaves nothing committed.
 * - Writes are committed before a Bot API call that could confirm them. That commit marks the
 *   update *claimed*, not done, and keeps the call that is about to go out: if the instance
 *   dies before the call is made, a resend (once the claim's lease ran out) makes that call
 *   instead of running the handler again, whose writes are already in — neither the reply is
 *   lost nor the writes doubled. Once the update's calls are made it is marked done.
 * - A second delivery of an update marked done is dropped before its handler runs; one that
 *   meets the claim of a delivery still running (another instance) waits for it and is then
 *   dropped; one that meets the mark of a delivery still in its transaction is rolled back.
 * - A handler that runs longer than a heartbeat publishes a claim with a lease (renewed while
 *   it runs), so that a resend on another instance waits instead of handling it in parallel;
 *   a claim whose lease ran out (its process died) is taken over.
 */
export function dedupeUpdates(deps: DedupeDeps): MiddlewareFn<BotContext> {
  const { db } = deps;
  const units = unitsOf(db);
  const now = deps.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  // Updates this process is handling right now: a second delivery of one of them (a webhook
  // resend while the first is still running) is dropped, the first one will finish it.
  const inFlight = new Set<number>();
  let duplicatesInARow = 0;
  const outside = <T>(work: () => T): T => (units ? units.outside(work) : work());
  // On PostgreSQL an update's mark checks for another delivery's in SQL (lavka_duplicate_update),
  // which lets the unit send its COMMIT without waiting for the mark's answer.
  const checkedInSql = db.getExecutor().adapter instanceof PostgresAdapter;
  // Each delivery's claims carry a token of its own: only the delivery holding a claim can
  // renew it, complete it or mark the update done over it.
  const instance = randomUUID().slice(0, 8);
  let deliveries = 0;
  const doneMarks = createDoneMarks(db, now, outside);

  /**
   * The update's mark, and with it (in one statement) its session row when `sessionKey` names
   * one; on the connection the units share for their reads, with the reads of the updates
   * handled at the same moment.
   */
  const readMark = (updateId: number, sessionKey: string | undefined): Promise<MarkRow | undefined> =>
    units ? units.readShared(() => readMarkNow(updateId, sessionKey)) : readMarkNow(updateId, sessionKey);
  const readMarkNow = async (updateId: number, sessionKey: string | undefined): Promise<MarkRow | undefined> => {
    if (sessionKey === undefined || !deps.sessions) {
      return (await MARK_READ.execute(db, { updateId })).rows[0];
    }
    const { rows } = await MARK_AND_SESSION_READ.execute(db, { updateId, sessionKey });
    deps.sessions.prefetch.keep(sessionKey, rows.find((row) => row.kind === 'session')?.value ?? null);
    const mark = rows.find((row) => row.kind === 'mark');
    // PostgreSQL returns BIGINT as a number (database.ts), SQLite an integer: both numbers here.
    return mark ? { claimed_until: mark.claimed_until === null ? null : Number(mark.claimed_until), pending_call: mark.pending_call } : undefined;
  };

  /** The claim this delivery holds (none for a fresh update), or false for a duplicate. */
  const acquire = async (updateId: number, token: string, sessionKey: string | undefined): Promise<{ lease: number; pendingCall: string | null } | null | false> => {
    for (let attempt = 0; ; attempt++) {
      if (inFlight.has(updateId)) return false; // being handled right here
      // The session is read ahead once; a delivery that waits on a claim reads it again later.
      const row = await readMark(updateId, attempt === 0 ? sessionKey : undefined);
      if (!row) return null;
      // Another delivery has been at this update: what it wrote may postdate the session read
      // with the mark, so the handler reads its session afresh.
      if (attempt === 0 && sessionKey !== undefined) deps.sessions?.prefetch.drop(sessionKey);
      if (row.claimed_until === null) return false; // done
      if (row.claimed_until < now()) {
        // The claimer is gone (its lease ran out): take the update over, unless another
        // delivery did so a moment earlier.
        const lease = now() + timing.leaseMs;
        const taken = await db
          .updateTable('processed_updates')
          .set({ claimed_until: lease, claim_token: token, processed_at: now() })
          .where('update_id', '=', updateId)
          .where('claimed_until', '=', row.claimed_until)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) > 0) return { lease, pendingCall: row.pending_call };
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
    }
  };

  const dropped = (ctx: BotContext, updateId: number) => {
    duplicatesInARow += 1;
    // One duplicate is Telegram being careful; a long run of them means updates are being
    // lost (an update counter that restarted, a shared database between two bots).
    if (duplicatesInARow === DUPLICATE_RUN_WARNING) {
      (deps.logger ?? ctx.log).warn(
        { update_id: updateId, dropped: duplicatesInARow },
        `${DUPLICATE_RUN_WARNING} updates in a row were dropped as already handled: is another bot using this database, or did the update numbering restart?`,
      );
    } else {
      ctx.log.debug('duplicate update dropped');
    }
  };

  /**
   * Finishes an update whose writes a dead instance committed: the call it was about to make
   * is made now (a call that Telegram refuses — a callback query too old to answer — is given
   * up), and the update is marked done. A network failure leaves the claim for the next resend.
   */
  const complete = async (ctx: BotContext, updateId: number, token: string, pendingCall: string) => {
    const call = pendingCall === '' ? undefined : pendingCallSchema.safeParse(safeJson(pendingCall));
    if (call?.success) {
      const raw = ctx.api.raw as unknown as Record<string, ((payload: unknown) => Promise<unknown>) | undefined>;
      try {
        await raw[call.data.method]?.(call.data.payload);
        ctx.log.info({ method: call.data.method }, 'made the call of an update whose instance stopped before it');
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        ctx.log.warn({ err: error, method: call.data.method }, 'the call of an update whose instance stopped before it was refused');
      }
    } else if (call) {
      ctx.log.warn({ issues: call.error.issues }, 'the kept call of a claimed update is not a Bot API call: completing the update without it');
    }
    await doneMarks.mark(updateId, token);
  };

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    deliveries += 1;
    const token = `${instance}-${deliveries}`;
    const sessionKey = deps.sessions?.keyOf(ctx);
    try {
      const acquired = await acquire(updateId, token, sessionKey);
      if (acquired === false) return dropped(ctx, updateId);
      duplicatesInARow = 0;
      if (acquired && acquired.pendingCall !== null) return await complete(ctx, updateId, token, acquired.pendingCall);
      return await handle(ctx, next, updateId, token, acquired);
    } finally {
      if (sessionKey !== undefined) deps.sessions?.prefetch.drop(sessionKey);
    }
  };

  /** Runs the update's handlers as one unit of work, holding the update's mark. */
  async function handle(ctx: BotContext, next: () => Promise<void>, updateId: number, token: string, acquired: { lease: number } | null): Promise<void> {
    inFlight.add(updateId);
    // Whether the update holds a claim row (published by the heartbeat, taken over, or
    // committed before a call), and whether a claim with writes behind it was committed.
    let claimed = acquired !== null;
    let claimCommitted = false;
    /**
     * The update's mark, the last statement of each of its transactions: a claim keeping the
     * call about to go out, or done. A conflict means another delivery marked it first, and
     * this one must change nothing.
     */
    const mark = async (reason: CommitReason, unit?: UnitOfWork) => {
      const values: MarkValues =
        reason === UPDATE_DONE
          ? { updateId, token, processedAt: now(), claimedUntil: null, claimToken: null, pendingCall: null }
          : { updateId, token, processedAt: now(), claimedUntil: now() + timing.leaseMs, claimToken: token, pendingCall: reason ? keptCall(reason.call) : '' };
      if (unit && checkedInSql) {
        // The check is the statement's own: a mark that changes no row fails, so the COMMIT
        // the unit sends right behind it, without waiting for its answer, rolls back.
        await unit.endWith(MARK_CHECKED.compile(db, values)).catch((error: unknown) => {
          throw (error as { code?: unknown }).code === DUPLICATE_UPDATE_SQLSTATE ? new DuplicateUpdateError(updateId) : error;
        });
        return;
      }
      const result = await MARK.execute(db, values);
      if (Number(result.numAffectedRows ?? 0n) === 0) throw new DuplicateUpdateError(updateId);
    };
    const heartbeat = setInterval(() => {
      const next = now() + timing.leaseMs;
      outside(() =>
        db
          .insertInto('processed_updates')
          .values({ update_id: updateId, processed_at: now(), claimed_until: next, claim_token: token })
          .onConflict((oc) => oc.column('update_id').doUpdateSet({ claimed_until: next }).where('processed_updates.claim_token', '=', token))
          .executeTakeFirst(),
      )
        .then((result) => {
          if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) claimed = true;
        })
        .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not renew the claim on an update'));
    }, timing.heartbeatMs);
    heartbeat.unref();
    const finish = () => {
      clearInterval(heartbeat);
      inFlight.delete(updateId);
    };

    if (!units) {
      // A database without units of work (not opened by createDatabase): mark after the handler.
      try {
        await next();
      } catch (error) {
        finish();
        await giveBack(updateId, ctx);
        throw error;
      }
      finish();
      await mark(UPDATE_DONE).catch((error: unknown) => ctx.log.warn({ err: error }, 'could not mark an update as handled'));
      return;
    }

    await units.run(async (unit) => {
      // Set once the handler returned: a write it left running commits after the update's
      // own mark, on its own (the update is done, or being marked done, already).
      let finished = false;
      let doneWritten = false;
      // Whether the committed claim keeps a call already ('' was committed without one).
      let callKept = false;
      unit.beforeCommit = async (reason) => {
        if (finished && reason !== UPDATE_DONE) return;
        // The reasons are this file's own: commitBeforeSending's call, UPDATE_DONE, or none.
        await mark(reason as CommitReason, unit);
        if (reason === UPDATE_DONE) doneWritten = true;
        else {
          claimed = claimCommitted = true;
          callKept = reason !== undefined;
        }
      };
      // Writes committed without a call (the unit committed them on its own while the reply
      // waited for its place in the send budget): the first call after them is kept now.
      callKeepers.set(unit, async (call) => {
        if (!claimCommitted || callKept || finished) return;
        callKept = true;
        await outside(() =>
          db.updateTable('processed_updates').set({ pending_call: keptCall(call) }).where('update_id', '=', updateId).where('claim_token', '=', token).execute(),
        );
      });
      try {
        await next();
        finished = true;
        // The handler's calls are made: the update is done. Still-open writes commit with the
        // mark (after any commit already under way, such as an idle one); otherwise the mark —
        // a claim committed earlier completed, or the done row of an update that wrote
        // nothing — is written with those of the other updates finishing now.
        await unit.flush(UPDATE_DONE);
        if (!doneWritten) {
          // Its calls are made and its writes committed: the user has their answer, and only
          // the record that it was handled is missing (the database just went away). Telling
          // them to try again would be wrong; a resend, if one ever comes, is handled again.
          const marked = await doneMarks.mark(updateId, token).catch((error: unknown) => {
            ctx.log.warn({ err: error }, 'could not mark an update as handled; it was answered');
            return true;
          });
          if (!marked && !claimCommitted) throw new DuplicateUpdateError(updateId);
        }
      } catch (error) {
        await unit.rollback();
        unit.end();
        finish();
        if (error instanceof DuplicateUpdateError) return dropped(ctx, updateId);
        // Writes already committed stay, and so does the update's mark, now done: a resend
        // must not apply them twice. An update that committed nothing gives its claim back
        // so that a resend is handled again.
        if (claimCommitted) await doneMarks.mark(updateId, token).catch((markError: unknown) => ctx.log.warn({ err: markError }, 'could not mark a failed update as handled'));
        else if (claimed) await giveBack(updateId, ctx);
        throw error;
      }
      unit.end();
      finish();
    });
  }

  async function giveBack(updateId: number, ctx: BotContext): Promise<void> {
    await outside(() => db.deleteFrom('processed_updates').where('update_id', '=', updateId).where('claimed_until', 'is not', null).execute()).catch(
      (releaseError: unknown) => ctx.log.warn({ err: releaseError }, 'could not release the claim on a failed update'),
    );
  }
}

/**
 * Marks updates done, several in one statement: updates finishing at the same moment, or
 * within {@link DONE_MARK_GAP_MS} of the previous statement (a busy bot has many), share it.
 * An update with no row yet (it wrote nothing) gets its done row; one whose row is this
 * delivery's claim has it completed. Each caller waits for the statement that
 * covers it — an update is recorded done before Telegram is told it was handled — and learns
 * whether its row was written: false means another delivery's mark was there first.
 */
function createDoneMarks(db: Db, now: () => number, outside: <T>(work: () => T) => T): { mark(updateId: number, token: string): Promise<boolean> } {
  let batch: { tokens: string[]; ids: number[]; written: Promise<Set<number>> } | undefined;
  let lastWrittenAt = -Infinity;
  return {
    async mark(updateId, token) {
      if (!batch) {
        const next = { tokens: [] as string[], ids: [] as number[], written: Promise.resolve(new Set<number>()) };
        const wait = lastWrittenAt + DONE_MARK_GAP_MS - performance.now();
        next.written = new Promise<void>((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve))).then(async () => {
          batch = undefined;
          lastWrittenAt = performance.now();
          const processedAt = now();
          // The updates' effects were made durable before their calls went out; losing a
          // done mark to a power cut costs nothing promised (Telegram was answered, or the
          // kept call is made again), so no acknowledgement waits for this statement. On
          // PostgreSQL it therefore rides the connection shared by the reads, where a wait
          // for a row lock would hold up every read behind it: none is held across an await.
          // Every other statement that locks a row of processed_updates is one on its own
          // (a claim's heartbeat, its takeover, its kept call, its release) or a unit's mark,
          // whose COMMIT leaves right behind it (endWith); only another delivery of the same
          // update, marking it at the same moment, can make it wait, for that commit.
          const rows = await withRelaxedDurability(() =>
            outside(() =>
            db
              .insertInto('processed_updates')
              .values(next.ids.map((id) => ({ update_id: id, processed_at: processedAt, claimed_until: null, claim_token: null, pending_call: null })))
              // Delivery tokens are unique: a row holding one of the batch's tokens is that delivery's own claim.
              .onConflict((oc) =>
                oc
                  .column('update_id')
                  .doUpdateSet({ claimed_until: null, claim_token: null, pending_call: null, processed_at: processedAt })
                  .where('processed_updates.claim_token', 'in', next.tokens),
              )
              .returning('update_id')
              .execute(),
            ),
          );
          return new Set(rows.map((row) => Number(row.update_id)));
        });
        batch = next;
      }
      const current = batch;
      current.ids.push(updateId);
      current.tokens.push(token);
      return (await current.written).has(updateId);
    },
  };
}

/** The values of an update's mark (see {@link MARK}). */
type MarkValues = { updateId: number; token: string; processedAt: number; claimedUntil: number | null; claimToken: string | null; pendingCall: string | null };

// The statements nearly every update runs, compiled once (prepared-statement.ts).

/** The duplicate check of an update whose session is not read with it. */
const MARK_READ = prepareStatement<{ updateId: number }, MarkRow>('dedupe.mark-read', (db, param) =>
  db.selectFrom('processed_updates').select(['claimed_until', 'pending_call']).where('update_id', '=', param('updateId')),
);

/** The duplicate check and the update's session row, in one statement. */
const MARK_AND_SESSION_READ = prepareStatement<{ updateId: number; sessionKey: string }, MarkRow & { kind: 'mark' | 'session'; value: string | null }>(
  'dedupe.mark-and-session-read',
  (_db, param) => sql`
      select 'mark' as kind, claimed_until, pending_call, null as value from processed_updates where update_id = ${param('updateId')}
      union all
      select 'session' as kind, null, null, value from sessions where key = ${param('sessionKey')}`,
);

/**
 * The update's mark: written where there is none, or over this delivery's own claim (`token`);
 * another delivery's row makes it change nothing.
 */
const MARK = prepareStatement<MarkValues>('dedupe.mark', (db, param) => markUpsert(db, param));

/** {@link MARK} that fails (`lavka_duplicate_update`) where it changes nothing: PostgreSQL's, at the end of a unit. */
const MARK_CHECKED = prepareStatement<MarkValues>('dedupe.mark-checked', (db, param) =>
  db
    .with('marked', () => markUpsert(db, param).returning('update_id'))
    .selectNoFrom(sql<number>`case when exists (select 1 from marked) then 1 else lavka_duplicate_update(${param('updateId')}) end`.as('marked')),
);

function markUpsert(db: DbExecutor, param: Param<MarkValues>) {
  const values = { processed_at: param('processedAt'), claimed_until: param('claimedUntil'), claim_token: param('claimToken'), pending_call: param('pendingCall') };
  return db
    .insertInto('processed_updates')
    .values({ update_id: param('updateId'), ...values })
    .onConflict((oc) => oc.column('update_id').doUpdateSet(values).where('processed_updates.claim_token', '=', param('token')));
}

/** The call as kept with a claim: JSON of plain data, or '' for one that cannot be made again from a row (a file upload, a huge payload). */
function keptCall(call: { method: string; payload: unknown }): string {
  let plain = true;
  let text: string;
  try {
    text = JSON.stringify({ method: call.method, payload: call.payload }, (_key, value: unknown) => {
      // A file's bytes are never serialised (nor its stream read): the call is not kept.
      if (value instanceof InputFile || value instanceof Uint8Array) {
        plain = false;
        return undefined;
      }
      return value;
    });
  } catch {
    return '';
  }
  return plain && text.length <= MAX_PENDING_CALL_CHARS ? text : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An API transformer: a Bot API call made while an update is being handled first commits
 * what the update wrote so far, so that no reply confirms a write that could still be lost;
 * the commit keeps the call with the update's claim (see {@link dedupeUpdates}). Every call
 * then waits until what was committed is on disk (SQLite's group commit): a reply, a
 * notification or the offset a poller confirms never gets ahead of the disk.
 */
export function commitBeforeSending(db: Db): Transformer {
  const units = unitsOf(db);
  return async (prev, method, payload, signal) => {
    const unit = units?.current();
    if (unit) {
      await unit.flush({ call: { method, payload } } satisfies CommitReason);
      await callKeepers.get(unit)?.({ method, payload });
    }
    await untilDurable(db);
    return prev(method, payload, signal);
  };
}

/** Per update being handled: keeps a call with a claim committed without one (see dedupeUpdates). */
const callKeepers = new WeakMap<object, (call: { method: string; payload: unknown }) => Promise<void>>();

/** Another delivery marked the update first: this one is a duplicate and changes nothing. */
export class DuplicateUpdateError extends Error {
  readonly code = 'update.duplicate';
  constructor(updateId: number) {
    super(`update ${updateId} was handled by another delivery`);
    this.name = 'DuplicateUpdateError';
  }
}

/** Forgets processed update ids older than `keepMs`; Telegram never re-sends updates that old. */
export async function pruneProcessedUpdates(db: Db, nowMs: number, keepMs = 7 * 24 * 3600_000): Promise<number> {
  const result = await db.deleteFrom('processed_updates').where('processed_at', '<', nowMs - keepMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The claim columns: `claimed_until` is NULL for a completed update, the lease's end while one
 * is being handled; `claim_token` names the delivery holding the claim; `pending_call` is the
 * Bot API call a claim committed before making it ('' when writes were committed with no
 * call to make again, NULL when nothing was committed under the claim).
 */
/** The SQLSTATE of `lavka_duplicate_update`: the update's mark found another delivery's. */
const DUPLICATE_UPDATE_SQLSTATE = 'LV001';

export const dedupeMigrations: readonly Migration[] = [
  {
    name: '0007_processed_update_claims',
    async up(db) {
      await db.schema.alterTable('processed_updates').addColumn('claimed_until', 'bigint').execute();
    },
  },
  {
    name: '0008_processed_update_pending_calls',
    async up(db) {
      await db.schema.alterTable('processed_updates').addColumn('claim_token', 'varchar(64)').execute();
      await db.schema.alterTable('processed_updates').addColumn('pending_call', 'text').execute();
    },
  },
  {
    // PostgreSQL only: an update's mark raises this when it changed no row (another delivery
    // marked the update first), so that the COMMIT sent behind it rolls the update back.
    name: '0009_processed_update_duplicate_check',
    async up(db, { dialect }) {
      if (dialect !== 'postgres') return;
      await sql`
        create or replace function lavka_duplicate_update(update_id bigint) returns integer language plpgsql as $$
        begin
          raise exception 'update % was handled by another delivery', update_id using errcode = ${sql.raw(`'${DUPLICATE_UPDATE_SQLSTATE}'`)};
        end
        $$`.execute(db);
    },
  },
];
