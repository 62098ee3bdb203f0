import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type {
  CustomOrderFileRecord,
  CustomOrderFilesTable,
  CustomOrderPaymentRecord,
  CustomOrderPaymentsTable,
  CustomOrderQuoteRecord,
  CustomOrderQuotesTable,
  CustomOrderRecord,
  CustomOrdersTable,
  CustomOrderStatusChange,
  CustomOrderStatusHistoryTable,
} from './custom-orders.tables.ts';

/** What the order lists filter by. */
export interface CustomOrderFilter {
  userId?: number;
  statuses?: readonly string[];
  fromMs?: number;
  toMs?: number;
}

/** File columns without the bytes. */
const FILE_COLUMNS = [
  'id',
  'order_id',
  'user_id',
  'file_name',
  'format',
  'size_bytes',
  'telegram_file_id',
  'telegram_file_unique_id',
  'measurements',
  'created_at',
] as const;

/** SQL for the custom-order tables. */
export function createCustomOrdersRepository(db: DbExecutor) {
  const filtered = (filter: CustomOrderFilter) => {
    let query = db.selectFrom('custom_orders');
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.statuses && filter.statuses.length > 0) query = query.where('status', 'in', [...filter.statuses]);
    if (filter.fromMs !== undefined) query = query.where('created_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) query = query.where('created_at', '<', filter.toMs);
    return query;
  };

  return {
    async insertFile(file: Insertable<CustomOrderFilesTable>, content: Uint8Array, thumbnailPng: Uint8Array): Promise<CustomOrderFileRecord> {
      const row = await db.insertInto('custom_order_files').values(file).returning(FILE_COLUMNS).executeTakeFirstOrThrow();
      await db.insertInto('custom_order_file_data').values({ file_id: row.id, content, thumbnail_png: thumbnailPng }).execute();
      return row;
    },

    /** Draft files of a user by id (not yet attached to an order), in the order asked. */
    async draftFiles(userId: number, ids: readonly number[]): Promise<CustomOrderFileRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('custom_order_files')
        .select(FILE_COLUMNS)
        .where('user_id', '=', userId)
        .where('order_id', 'is', null)
        .where('id', 'in', [...ids])
        .execute();
      return ids.map((id) => rows.find((row) => row.id === id)).filter((row): row is CustomOrderFileRecord => row !== undefined);
    },

    async attachFiles(orderId: number, userId: number, ids: readonly number[]): Promise<number> {
      const result = await db
        .updateTable('custom_order_files')
        .set({ order_id: orderId })
        .where('user_id', '=', userId)
        .where('order_id', 'is', null)
        .where('id', 'in', [...ids])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    filesOf(orderIds: readonly number[]): Promise<CustomOrderFileRecord[]> {
      if (orderIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('custom_order_files').select(FILE_COLUMNS).where('order_id', 'in', [...orderIds]).orderBy('id').execute();
    },

    findFile(fileId: number): Promise<CustomOrderFileRecord | undefined> {
      return db.selectFrom('custom_order_files').select(FILE_COLUMNS).where('id', '=', fileId).executeTakeFirst();
    },

    fileData(fileId: number): Promise<{ content: Uint8Array; thumbnail_png: Uint8Array } | undefined> {
      return db.selectFrom('custom_order_file_data').select(['content', 'thumbnail_png']).where('file_id', '=', fileId).executeTakeFirst();
    },

    /** Deletes drafts created before `beforeMs`: abandoned orders. Returns how many. */
    async deleteDraftsBefore(beforeMs: number): Promise<number> {
      const stale = db.selectFrom('custom_order_files').select('id').where('order_id', 'is', null).where('created_at', '<', beforeMs);
      await db.deleteFrom('custom_order_file_data').where('file_id', 'in', stale).execute();
      const result = await db.deleteFrom('custom_order_files').where('order_id', 'is', null).where('created_at', '<', beforeMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    insertOrder(order: Insertable<CustomOrdersTable>): Promise<CustomOrderRecord> {
      return db.insertInto('custom_orders').values(order).returningAll().executeTakeFirstOrThrow();
    },

    findById(id: number): Promise<CustomOrderRecord | undefined> {
      return db.selectFrom('custom_orders').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Moves the order only if it is still in `from`; false when someone moved it first. */
    async updateStatus(id: number, from: string, to: string, nowMs: number): Promise<boolean> {
      const result = await db.updateTable('custom_orders').set({ status: to, updated_at: nowMs }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Sets a new price (and status) only if the order is still in `from`. */
    async updateQuote(id: number, from: string, patch: { status: string; total_minor: number; quote_version: number }, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('custom_orders')
        .set({ ...patch, updated_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setPreviewFileId(id: number, fileId: string): Promise<void> {
      await db.updateTable('custom_orders').set({ preview_file_id: fileId }).where('id', '=', id).execute();
    },

    async insertStatusChange(change: Insertable<CustomOrderStatusHistoryTable>): Promise<void> {
      await db.insertInto('custom_order_status_history').values(change).execute();
    },

    historyOf(orderId: number): Promise<CustomOrderStatusChange[]> {
      return db.selectFrom('custom_order_status_history').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
    },

    async insertQuote(quote: Insertable<CustomOrderQuotesTable>): Promise<void> {
      await db.insertInto('custom_order_quotes').values(quote).execute();
    },

    quotesOf(orderId: number): Promise<CustomOrderQuoteRecord[]> {
      return db.selectFrom('custom_order_quotes').selectAll().where('order_id', '=', orderId).orderBy('version').execute();
    },

    async markQuoteAccepted(orderId: number, version: number, nowMs: number): Promise<void> {
      await db.updateTable('custom_order_quotes').set({ accepted_at: nowMs }).where('order_id', '=', orderId).where('version', '=', version).execute();
    },

    /** Records a payment; throws a unique violation when the charge id is already recorded. */
    async insertPayment(payment: Insertable<CustomOrderPaymentsTable>): Promise<void> {
      await db.insertInto('custom_order_payments').values(payment).execute();
    },

    paymentsOf(orderId: number): Promise<CustomOrderPaymentRecord[]> {
      return db.selectFrom('custom_order_payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    },

    findPaymentByCharge(chargeId: string): Promise<CustomOrderPaymentRecord | undefined> {
      return db.selectFrom('custom_order_payments').selectAll().where('charge_id', '=', chargeId).executeTakeFirst();
    },

    async count(filter: CustomOrderFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    list(filter: CustomOrderFilter, offset: number, limit: number): Promise<CustomOrderRecord[]> {
      return filtered(filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
    },

    async countByStatus(filter: CustomOrderFilter): Promise<{ status: string; count: number }[]> {
      const rows = await filtered(filter)
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
    },

    /** Sum of current prices of orders in `statuses`, per currency. */
    async totalsByCurrency(filter: CustomOrderFilter): Promise<{ currency: string; totalMinor: number }[]> {
      const rows = await filtered(filter)
        .select(['currency', (eb) => eb.fn.sum<number>('total_minor').as('total')])
        .groupBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, totalMinor: Number(row.total ?? 0) }));
    },

    /** Payments received since `fromMs`, per currency (Stars are XTR). */
    async paymentsByCurrency(fromMs: number): Promise<{ currency: string; amount: number; count: number }[]> {
      const rows = await db
        .selectFrom('custom_order_payments')
        .select(['currency', (eb) => eb.fn.sum<number>('amount').as('amount'), (eb) => eb.fn.countAll<number>().as('n')])
        .where('created_at', '>=', fromMs)
        .groupBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount ?? 0), count: Number(row.n) }));
    },

    async subscriptionOf(userId: number): Promise<string | undefined> {
      const row = await db.selectFrom('custom_order_subscriptions').select('statuses').where('user_id', '=', userId).executeTakeFirst();
      return row?.statuses;
    },

    async saveSubscription(userId: number, statuses: string, nowMs: number): Promise<void> {
      await db
        .insertInto('custom_order_subscriptions')
        .values({ user_id: userId, statuses, updated_at: nowMs })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ statuses, updated_at: nowMs }))
        .execute();
    },
  };
}

/** The custom-orders repository's shape. */
export type CustomOrdersRepository = ReturnType<typeof createCustomOrdersRepository>;
