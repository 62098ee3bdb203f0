import type { DbExecutor } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { UserRecord } from '../users/users.tables.ts';
import { buildCsv } from '../../export/csv.ts';
import { WalletError } from './wallet.errors.ts';
import { createWalletRepository, type LedgerFilter } from './wallet.repository.ts';
import type { LedgerActorType, LedgerEntry, LedgerKind } from './wallet.tables.ts';
import type { Events } from '../../platform/events.ts';
import { ledgerEvent } from './wallet.api.view.ts';

/** Who posts a movement. */
export interface LedgerActor {
  type: LedgerActorType;
  id?: string | number;
}

/** One movement to post. */
export interface PostingInput {
  userId: number;
  kind: LedgerKind;
  /** Signed whole tokens: positive credits, negative debits. */
  amount: number;
  reason: string;
  actor: LedgerActor;
  /** `<provider>:<external id>` of the payment behind this movement. */
  externalId?: string;
  reversesId?: number;
  /** The same key posts at most once; a repeat returns the first row (see {@link PostingResult}). */
  idempotencyKey?: string;
}

/** What a posting did. */
export interface PostingResult {
  entry: LedgerEntry;
  /** False when the idempotency key had already posted: nothing changed this time. */
  created: boolean;
}

/** Dependencies of the wallet service. */
export interface WalletServiceDeps {
  db: DbExecutor;
  now(): number;
  audit?: AuditService;
  /** Who the users are: a staff adjustment is refused for an id that is nobody. */
  users: Pick<UsersService, 'require'>;
  /**
   * Tells the user about a staff adjustment, inside the adjustment's transaction (so the
   * notice goes out exactly when the change commits): the wallet module enqueues it in the outbox.
   */
  notifyAdjustment?(trx: DbExecutor, user: UserRecord, entry: LedgerEntry): Promise<void>;
  /** Where `wallet.credited` and `wallet.debited` are published (for webhooks). */
  events: Events;
}

const MAX_POSTING = 1_000_000_000;
const CREDIT_KINDS: ReadonlySet<LedgerKind> = new Set(['topup', 'refund', 'bonus']);
const DEBIT_KINDS: ReadonlySet<LedgerKind> = new Set(['purchase', 'spend']);

/**
 * The token wallet: an append-only ledger with one balance per user. Every change goes through
 * {@link post}, which moves the balance and writes the ledger row in the caller's transaction.
 */
export function createWalletService(deps: WalletServiceDeps) {
  const repository = createWalletRepository(deps.db);

  /**
   * Posts one movement inside `trx`: refuses an overdraft, writes the ledger row with the new
   * balance, and audits admin actions. Call it in the same transaction as the business change
   * behind it (a payment, a job), so both commit or neither does.
   */
  async function post(trx: DbExecutor, input: PostingInput): Promise<PostingResult> {
    const amount = input.amount;
    if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > MAX_POSTING) {
      throw new WalletError('wallet.invalid_amount', 'the amount must be a non-zero whole number of tokens', { amount });
    }
    if (CREDIT_KINDS.has(input.kind) && amount < 0) throw new WalletError('wallet.invalid_amount', `${input.kind} must be a credit`, { amount });
    if (DEBIT_KINDS.has(input.kind) && amount > 0) throw new WalletError('wallet.invalid_amount', `${input.kind} must be a debit`, { amount });
    const scoped = createWalletRepository(trx);
    if (input.idempotencyKey) {
      const existing = await scoped.findByIdempotencyKey(input.idempotencyKey);
      if (existing) return { entry: existing, created: false };
    }
    const nowMs = deps.now();
    await scoped.ensureAccount(input.userId, nowMs);
    const balance = await scoped.applyDelta(input.userId, amount, nowMs);
    if (balance === undefined) {
      const current = (await scoped.findAccount(input.userId))?.balance ?? 0;
      throw new WalletError('wallet.insufficient_funds', `balance ${current} is less than ${-amount}`, {
        balance: Number(current),
        required: -amount,
      });
    }
    const entry = await scoped.insertEntry({
      user_id: input.userId,
      kind: input.kind,
      amount,
      balance_after: balance,
      reason: input.reason.slice(0, 500),
      actor_type: input.actor.type,
      actor_id: input.actor.id === undefined ? null : String(input.actor.id),
      external_id: input.externalId ?? null,
      reverses_id: input.reversesId ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      created_at: nowMs,
    });
    await deps.events.publish(trx, ledgerEvent(entry));
    if (input.actor.type === 'admin' && deps.audit) {
      await deps.audit.record(
        {
          actor: { type: 'admin', id: input.actor.id },
          action: `wallet.${input.kind}`,
          subject: { type: 'wallet', id: input.userId },
          details: { entryId: entry.id, amount, balanceAfter: balance, reason: entry.reason, externalId: entry.external_id },
        },
        trx,
      );
    }
    return { entry, created: true };
  }

  /**
   * Posts in a transaction of its own. A concurrent duplicate of an idempotency key loses on
   * the UNIQUE constraint and is answered with the row that won.
   */
  async function postNow(input: PostingInput): Promise<PostingResult> {
    try {
      return await deps.db.transaction().execute((trx) => post(trx, input));
    } catch (error) {
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const winner = await repository.findByIdempotencyKey(input.idempotencyKey);
        if (winner) return { entry: winner, created: false };
      }
      throw error;
    }
  }

  return {
    post,
    postNow,

    /**
     * A staff correction of a user's balance (`adjustment`, audited). An id that is not a user
     * of the bot is refused with `users.not_found` before anything is written: a typo must not
     * open an account for nobody. The user is told what changed and the new balance.
     */
    async adjust(input: { userId: number; amount: number; reason: string; actor: LedgerActor }): Promise<PostingResult> {
      const user = await deps.users.require(input.userId);
      return deps.db.transaction().execute(async (trx) => {
        const result = await post(trx, { ...input, kind: 'adjustment' });
        await deps.notifyAdjustment?.(trx, user, result.entry);
        return result;
      });
    },

    /**
     * Undoes a ledger row with a new `reversal` row of the opposite amount (rows are never
     * edited). A second reversal of the same row is refused.
     */
    async reverse(trx: DbExecutor, entryId: number, actor: LedgerActor, reason: string): Promise<PostingResult> {
      const scoped = createWalletRepository(trx);
      const original = await scoped.findEntry(entryId);
      if (!original) throw new WalletError('wallet.entry_not_found', 'no such ledger row', { entryId });
      const result = await post(trx, {
        userId: original.user_id,
        kind: 'reversal',
        amount: -original.amount,
        reason,
        actor,
        externalId: original.external_id ?? undefined,
        reversesId: original.id,
        idempotencyKey: `reversal:${original.id}`,
      });
      if (!result.created) throw new WalletError('wallet.already_reversed', 'this row was already reversed', { entryId });
      return result;
    },

    /** The user's balance in whole tokens (0 without an account). */
    async balance(userId: number): Promise<number> {
      return Number((await repository.findAccount(userId))?.balance ?? 0);
    },

    /** A page of the user's ledger, newest first. */
    async history(userId: number, page: number, pageSize: number): Promise<{ window: PageWindow; entries: LedgerEntry[] }> {
      const total = await repository.countEntries({ userId });
      const window = pageWindow(total, page, pageSize);
      const entries = await repository.listEntries({ userId }, window.limit, window.offset);
      return { window, entries };
    },

    /** A page of the whole ledger (or a user's, a period's, some kinds'), newest first, for staff. */
    async ledger(filter: LedgerFilter, page: number, pageSize: number): Promise<{ window: PageWindow; entries: LedgerEntry[] }> {
      const window = pageWindow(await repository.countEntries(filter), page, pageSize);
      return { window, entries: await repository.listEntries(filter, window.limit, window.offset) };
    },

    /** A page of accounts, richest first, for the staff list. */
    async accounts(page: number, pageSize: number) {
      const total = await repository.countAccounts();
      const window = pageWindow(total, page, pageSize);
      return { window, accounts: await repository.listAccounts(window.limit, window.offset) };
    },

    /** The row a key posted, if any; pass the transaction when inside one (SQLite has one connection). */
    findByIdempotencyKey(key: string, executor: DbExecutor = deps.db): Promise<LedgerEntry | undefined> {
      return createWalletRepository(executor).findByIdempotencyKey(key);
    },
    totalBalance: repository.totalBalance,
    countAccounts: repository.countAccounts,
    ledgerSum: repository.ledgerSum,
    userIdsWithBalanceAtLeast: repository.userIdsWithBalanceAtLeast,
    listEntries: (filter: LedgerFilter, limit: number) => repository.listEntries(filter, limit, 0),

    /** The ledger as `transactions.csv` (UTF-8 with BOM, RFC 4180), oldest first. */
    async exportCsv(filter: LedgerFilter): Promise<{ csv: Buffer; rows: number }> {
      const entries = await repository.listEntriesAscending(filter);
      const header = ['id', 'created_at_utc', 'user_id', 'kind', 'amount', 'balance_after', 'reason', 'actor_type', 'actor_id', 'external_id', 'reverses_id'];
      const rows = entries.map((entry) => [
        entry.id,
        new Date(entry.created_at).toISOString(),
        entry.user_id,
        entry.kind,
        entry.amount,
        entry.balance_after,
        entry.reason,
        entry.actor_type,
        entry.actor_id,
        entry.external_id,
        entry.reverses_id,
      ]);
      return { csv: buildCsv([header, ...rows]), rows: entries.length };
    },
  };
}

/** The wallet service's shape. */
export type WalletService = ReturnType<typeof createWalletService>;
