import type { DbExecutor } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/database.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { UserRecord } from '../users/users.tables.ts';
import { WalletError } from './wallet.errors.ts';
import { createWalletRepository } from './wallet.repository.ts';
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
 * The wallet's core, shared by its use cases: posting a movement to the ledger ({@link post}
 * in the caller's transaction, {@link postNow} in one of its own), the dependencies and the
 * repository.
 */
export function createWalletCore(deps: WalletServiceDeps) {
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

  return { deps, repository, post, postNow };
}

/** What the wallet's use cases share. */
export type WalletCore = ReturnType<typeof createWalletCore>;
