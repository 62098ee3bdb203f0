import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type {
  CustomOrderFileRecord,
  CustomOrderFilesTable,
  CustomOrderQuoteRecord,
  CustomOrderQuotesTable,
  CustomOrdersTable,
  PrintJobRecord,
} from './custom-orders.tables.ts';

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

/**
 * SQL for the custom-order tables: what only a print job has, its files, quotes and the
 * customers' notification choices. The orders themselves are the orders module's.
 */
export function createCustomOrdersRepository(db: DbExecutor) {
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

    async insertJob(job: Insertable<CustomOrdersTable>): Promise<void> {
      await db.insertInto('custom_orders').values(job).execute();
    },

    findJob(orderId: number): Promise<PrintJobRecord | undefined> {
      return db.selectFrom('custom_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    },

    jobsOf(orderIds: readonly number[]): Promise<PrintJobRecord[]> {
      if (orderIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('custom_orders').selectAll().where('order_id', 'in', [...orderIds]).execute();
    },

    /**
     * Moves the current price from version `from` to `to` only if it is still `from`. With
     * `to === from` it claims the row, so that a price accepted here and a new price set at
     * the same moment cannot both win.
     */
    async moveQuoteVersion(orderId: number, from: number, to: number): Promise<boolean> {
      const result = await db.updateTable('custom_orders').set({ quote_version: to }).where('order_id', '=', orderId).where('quote_version', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setPreviewFileId(orderId: number, fileId: string): Promise<void> {
      await db.updateTable('custom_orders').set({ preview_file_id: fileId }).where('order_id', '=', orderId).execute();
    },

    async insertQuote(quote: Insertable<CustomOrderQuotesTable>): Promise<void> {
      await db.insertInto('custom_order_quotes').values(quote).execute();
    },

    quotesOf(orderId: number): Promise<CustomOrderQuoteRecord[]> {
      return db.selectFrom('custom_order_quotes').selectAll().where('order_id', '=', orderId).orderBy('version').execute();
    },

    async lastQuoteVersion(orderId: number): Promise<number> {
      const row = await db
        .selectFrom('custom_order_quotes')
        .select((eb) => eb.fn.max<number>('version').as('version'))
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return Number(row?.version ?? 0);
    },

    async markQuoteAccepted(orderId: number, version: number, nowMs: number): Promise<void> {
      await db.updateTable('custom_order_quotes').set({ accepted_at: nowMs }).where('order_id', '=', orderId).where('version', '=', version).execute();
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
