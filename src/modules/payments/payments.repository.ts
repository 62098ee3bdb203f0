import type { Insertable, Updateable } from 'kysely';
import { sql } from 'kysely';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import type { PaymentEventRecord, PaymentEventsTable, PaymentRecord, PaymentStatus, PaymentsTable, ProviderId } from './payments.tables.ts';

/** What staff filter payments by (all optional). */
export interface PaymentFilter {
  userId?: number;
  status?: PaymentStatus;
  provider?: ProviderId;
  purpose?: string;
  /** Created at or after, epoch ms. */
  fromMs?: number;
  /** Created before, epoch ms. */
  toMs?: number;
  /** The business's own id of the payment (`backend_ref`), exactly. */
  backendRef?: string;
}

/** SQL for payments and payment_events. */
export function createPaymentsRepository(db: DbExecutor) {
  const filtered = (filter: PaymentFilter) => {
    let query = db.selectFrom('payments');
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose);
    if (filter.fromMs !== undefined) query = query.where('created_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) query = query.where('created_at', '<', filter.toMs);
    if (filter.backendRef !== undefined) query = query.where('backend_ref', '=', filter.backendRef);
    return query;
  };

  return {
    /** Payments matching a filter, newest first. */
    search(filter: PaymentFilter, limit: number, offset: number): Promise<PaymentRecord[]> {
      return filtered(filter).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },

    /** Newest first, from before the payment `beforeId` (a cursor): pages that hold while payments come in. */
    listBefore(filter: PaymentFilter, beforeId: number | undefined, limit: number): Promise<PaymentRecord[]> {
      let query = filtered(filter).selectAll();
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },

    /** Sets the business's own id of a payment; false when another payment has it (the unique index decides). */
    async setBackendRef(id: number, backendRef: string | null, nowMs: number): Promise<boolean> {
      if (backendRef !== null) {
        const holder = await db.selectFrom('payments').select('id').where('backend_ref', '=', backendRef).executeTakeFirst();
        if (holder && holder.id !== id) return false;
      }
      try {
        await db.updateTable('payments').set({ backend_ref: backendRef, updated_at: nowMs }).where('id', '=', id).execute();
      } catch (error) {
        // Another payment took the id between the check and the update.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      return true;
    },

    async count(filter: PaymentFilter): Promise<number> {
      const row = await filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertPayment(values: Insertable<PaymentsTable>): Promise<PaymentRecord> {
      return db.insertInto('payments').values(values).returningAll().executeTakeFirstOrThrow();
    },

    findPayment(id: number): Promise<PaymentRecord | undefined> {
      return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByExternal(provider: ProviderId, externalId: string): Promise<PaymentRecord | undefined> {
      return db.selectFrom('payments').selectAll().where('provider', '=', provider).where('external_id', '=', externalId).executeTakeFirst();
    },

    /** Moves a payment from one of `from` to `patch.status`; false when it had moved on (a race lost). */
    async transition(id: number, from: readonly PaymentStatus[], patch: Updateable<PaymentsTable>): Promise<boolean> {
      const result = await db.updateTable('payments').set(patch).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async update(id: number, patch: Updateable<PaymentsTable>): Promise<void> {
      await db.updateTable('payments').set(patch).where('id', '=', id).execute();
    },

    /** Pending payments of a provider older than `createdBeforeMs`, oldest first. */
    listPendingOf(provider: ProviderId, createdBeforeMs: number, limit: number): Promise<PaymentRecord[]> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('provider', '=', provider)
        .where('status', '=', 'pending')
        .where('created_at', '<', createdBeforeMs)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** Open payments past their expiry that nobody is waiting on an admin for. */
    listExpired(nowMs: number, limit: number): Promise<PaymentRecord[]> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('status', '=', 'pending')
        .where('expires_at', '<', nowMs)
        .where('receipt_file_id', 'is', null)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    listByStatus(status: PaymentStatus, limit: number): Promise<PaymentRecord[]> {
      return db.selectFrom('payments').selectAll().where('status', '=', status).orderBy('id').limit(limit).execute();
    },

    /** Requests an admin must decide: manual transfers with a receipt, and QR payments. */
    listAwaitingAdmin(limit: number, offset: number): Promise<PaymentRecord[]> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('receipt_file_id', 'is not', null), eb('provider', '=', 'qr')]))
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    async countAwaitingAdmin(): Promise<number> {
      const row = await db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('receipt_file_id', 'is not', null), eb('provider', '=', 'qr')]))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Every payment for one thing (an order, a visit), oldest first. */
    listForPurpose(purpose: string, ref: string, limit: number): Promise<PaymentRecord[]> {
      return db.selectFrom('payments').selectAll().where('purpose', '=', purpose).where('purpose_ref', '=', ref).orderBy('id').limit(limit).execute();
    },

    listForUser(userId: number, limit: number): Promise<PaymentRecord[]> {
      return db.selectFrom('payments').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
    },

    listRecent(limit: number, offset: number, status?: PaymentStatus): Promise<PaymentRecord[]> {
      let query = db.selectFrom('payments').selectAll();
      if (status) query = query.where('status', '=', status);
      return query.orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },

    /** Paid payments since `sinceMs` (of one purpose, when named), counted and summed per currency. */
    async paidSince(sinceMs: number, purpose?: string): Promise<{ currency: string; count: number; totalMinor: number }[]> {
      let query = db.selectFrom('payments');
      if (purpose !== undefined) query = query.where('purpose', '=', purpose);
      const rows = await query
        .select(['currency', (eb) => eb.fn.countAll<number>().as('n'), sql<number | string>`sum(amount_minor)`.as('total')])
        .where('status', 'in', ['paid', 'refunding', 'refunded'])
        .where('paid_at', '>=', sinceMs)
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, count: Number(row.n), totalMinor: Number(row.total) }));
    },

    // Events

    /** Stores an event unless one with its key exists; returns the stored row either way. */
    async insertEvent(values: Insertable<PaymentEventsTable>): Promise<{ event: PaymentEventRecord; inserted: boolean }> {
      const result = await db
        .insertInto('payment_events')
        .values(values)
        .onConflict((oc) => oc.column('event_key').doNothing())
        .executeTakeFirst();
      const inserted = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
      const event = await db.selectFrom('payment_events').selectAll().where('event_key', '=', values.event_key).executeTakeFirstOrThrow();
      return { event, inserted };
    },

    findEvent(id: number): Promise<PaymentEventRecord | undefined> {
      return db.selectFrom('payment_events').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * Claims a received event for processing. Inside the processing transaction: the row lock
     * makes a concurrent claimer wait, then find it processed and back off.
     */
    async claimEvent(id: number, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('payment_events')
        .set({ status: 'processed', processed_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', 'received')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async markEvent(id: number, status: PaymentEventRecord['status'], error: string | null, paymentId: number | null, nowMs: number): Promise<void> {
      await db
        .updateTable('payment_events')
        .set({ status, error: error?.slice(0, 500) ?? null, processed_at: nowMs, ...(paymentId !== null ? { payment_id: paymentId } : {}) })
        .where('id', '=', id)
        .execute();
    },

    async countAttempt(id: number, error: string): Promise<number> {
      await db
        .updateTable('payment_events')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), error: error.slice(0, 500) }))
        .where('id', '=', id)
        .execute();
      const row = await db.selectFrom('payment_events').select('attempts').where('id', '=', id).executeTakeFirst();
      return Number(row?.attempts ?? 0);
    },

    /** Received events older than `receivedBeforeMs`: left by a crash or a failed processing. */
    listUnprocessed(receivedBeforeMs: number, limit: number): Promise<PaymentEventRecord[]> {
      return db
        .selectFrom('payment_events')
        .selectAll()
        .where('status', '=', 'received')
        .where('received_at', '<', receivedBeforeMs)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    listEvents(filter: { status?: PaymentEventRecord['status']; provider?: string }, limit: number): Promise<PaymentEventRecord[]> {
      let query = db.selectFrom('payment_events').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.provider) query = query.where('provider', '=', filter.provider);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}

/** The payments repository's shape. */
export type PaymentsRepository = ReturnType<typeof createPaymentsRepository>;
