import type { DbExecutor } from '../../db/database.ts';
import type { FeedRunRecord, FeedRunStatus, FeedStatus, FeedTrigger } from './catalog.tables.ts';
import type { Updateable } from 'kysely';
import type { CatalogFeedRunsTable } from './catalog.tables.ts';

/** The one row of `catalog_feed_lock`. */
const LOCK_ID = 1;

/** SQL of the catalogue feed: its runs, its lease, the feed's marks on products and photos. */
export function createCatalogFeedRepository(db: DbExecutor) {
  return {
    /** Products the feed wrote (listed or hidden by it), not archived. */
    feedProducts(): Promise<{ id: number; external_id: string | null; feed_status: FeedStatus | null; is_hidden: number }[]> {
      return db.selectFrom('catalog_products').select(['id', 'external_id', 'feed_status', 'is_hidden']).where('feed_status', 'is not', null).where('archived_at', 'is', null).execute();
    },

    async markProducts(ids: readonly number[], patch: { feed_status: FeedStatus; is_hidden?: 0 | 1 }, nowMs: number | undefined): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('catalog_products')
        .set({ ...patch, ...(nowMs === undefined ? {} : { updated_at: nowMs }) })
        .where('id', 'in', [...ids])
        .execute();
    },

    photoSourcesOf(productId: number): Promise<{ id: number; source_url: string | null }[]> {
      return db.selectFrom('catalog_photos').select(['id', 'source_url']).where('product_id', '=', productId).execute();
    },

    async deletePhotos(ids: readonly number[]): Promise<void> {
      if (ids.length > 0) await db.deleteFrom('catalog_photos').where('id', 'in', [...ids]).execute();
    },

    async movePhoto(id: number, position: number): Promise<void> {
      await db.updateTable('catalog_photos').set({ position }).where('id', '=', id).execute();
    },

    async insertFeedPhoto(row: { product_id: number; position: number; mime_type: string; bytes: Uint8Array; source_url: string }, nowMs: number): Promise<void> {
      await db
        .insertInto('catalog_photos')
        .values({ ...row, url: null, file_id: null, created_at: nowMs })
        .execute();
    },

    async touchProduct(id: number, nowMs: number): Promise<void> {
      await db.updateTable('catalog_products').set({ updated_at: nowMs }).where('id', '=', id).execute();
    },

    async insertRun(row: { trigger: FeedTrigger; requested_by: number | null; status: FeedRunStatus; url: string; format: string; started_at: number | null }, nowMs: number): Promise<FeedRunRecord> {
      return db
        .insertInto('catalog_feed_runs')
        .values({ ...row, phase: null, reason: null, message: null, feed_bytes: null, offers: null, errors: null, created_at: nowMs, finished_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateRun(id: number, patch: Updateable<CatalogFeedRunsTable>): Promise<void> {
      await db.updateTable('catalog_feed_runs').set(patch).where('id', '=', id).execute();
    },

    /** The oldest run waiting for an instance, or one running. */
    activeRuns(): Promise<FeedRunRecord[]> {
      return db.selectFrom('catalog_feed_runs').selectAll().where('status', 'in', ['queued', 'running']).orderBy('id').execute();
    },

    /** The newest runs first. */
    recentRuns(limit: number): Promise<FeedRunRecord[]> {
      return db.selectFrom('catalog_feed_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },

    findRun(id: number): Promise<FeedRunRecord | undefined> {
      return db.selectFrom('catalog_feed_runs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** When the last run that was not a by-hand request started, for the schedule. */
    async lastStartedAt(): Promise<number | null> {
      const row = await db.selectFrom('catalog_feed_runs').select((eb) => eb.fn.max<number | null>('created_at').as('at')).executeTakeFirst();
      return row?.at === null || row?.at === undefined ? null : Number(row.at);
    },

    /**
     * Takes the lease when it is free or expired: one statement decides, so two instances
     * never both hold it. True when `holder` has it now.
     */
    async acquireLease(holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
      await db
        .insertInto('catalog_feed_lock')
        .values({ id: LOCK_ID, holder: null, until_ms: 0 })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      const result = await db
        .updateTable('catalog_feed_lock')
        .set({ holder, until_ms: nowMs + leaseMs })
        .where('id', '=', LOCK_ID)
        .where((eb) => eb.or([eb('holder', 'is', null), eb('holder', '=', holder), eb('until_ms', '<', nowMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Extends the lease of a long import; false when another instance took it meanwhile. */
    async renewLease(holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
      const result = await db.updateTable('catalog_feed_lock').set({ until_ms: nowMs + leaseMs }).where('id', '=', LOCK_ID).where('holder', '=', holder).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async releaseLease(holder: string): Promise<void> {
      await db.updateTable('catalog_feed_lock').set({ holder: null, until_ms: 0 }).where('id', '=', LOCK_ID).where('holder', '=', holder).execute();
    },
  };
}

/** The feed repository's shape. */
export type CatalogFeedRepository = ReturnType<typeof createCatalogFeedRepository>;
