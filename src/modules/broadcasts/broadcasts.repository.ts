import type { Updateable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { BroadcastRow, BroadcastStatus, BroadcastsTable } from './broadcasts.tables.ts';

/** A user who may receive a broadcast, with what decides their language. */
export type { ReachableUser as AudienceMember } from '../users/users.repository.ts';

/** SQL for broadcasts, their button presses and unsubscribes. */
export function createBroadcastsRepository(db: DbExecutor) {
  return {
    async insert(values: Omit<BroadcastsTable, 'id'>): Promise<BroadcastRow> {
      return db.insertInto('broadcasts').values(values).returningAll().executeTakeFirstOrThrow();
    },

    findById(id: number): Promise<BroadcastRow | undefined> {
      return db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByExternalId(externalId: string): Promise<BroadcastRow | undefined> {
      return db.selectFrom('broadcasts').selectAll().where('external_id', '=', externalId).executeTakeFirst();
    },

    /** Newest first, a page at a time (`startingAfter`: the last id of the previous page). */
    async page(filter: { externalId?: string | undefined; status?: BroadcastStatus | undefined }, page: { limit: number; startingAfter?: number | undefined }): Promise<{ rows: BroadcastRow[]; hasMore: boolean }> {
      let query = db.selectFrom('broadcasts').selectAll();
      if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (page.startingAfter !== undefined) query = query.where('id', '<', page.startingAfter);
      const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
      return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
    },

    list(limit: number): Promise<BroadcastRow[]> {
      return db.selectFrom('broadcasts').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },

    /** Broadcasts whose progress may change: sending or paused. */
    listActive(): Promise<BroadcastRow[]> {
      return db.selectFrom('broadcasts').selectAll().where('status', 'in', ['sending', 'paused']).execute();
    },

    /**
     * Updates a broadcast only if it is in one of `from`: the status check and the change are
     * one statement, so two admins (or two instances) cannot both start or cancel it.
     */
    async transition(id: number, from: readonly BroadcastStatus[], changes: Updateable<BroadcastsTable>): Promise<BroadcastRow | undefined> {
      return db
        .updateTable('broadcasts')
        .set(changes)
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
    },

    /** Claims the right to edit the progress message now; false if another tick did recently. */
    async claimProgressTick(id: number, nowMs: number, minIntervalMs: number): Promise<boolean> {
      const result = await db
        .updateTable('broadcasts')
        .set({ progress_updated_at: nowMs })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('progress_updated_at', 'is', null), eb('progress_updated_at', '<=', nowMs - minIntervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async recordClick(broadcastId: number, buttonIndex: number, userId: number, nowMs: number): Promise<boolean> {
      const result = await db
        .insertInto('broadcast_clicks')
        .values({ broadcast_id: broadcastId, button_index: buttonIndex, user_id: userId, created_at: nowMs })
        .onConflict((oc) => oc.columns(['broadcast_id', 'button_index', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async clicksByButton(broadcastId: number): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('broadcast_clicks')
        .select(['button_index', (eb) => eb.fn.countAll<number>().as('n')])
        .where('broadcast_id', '=', broadcastId)
        .groupBy('button_index')
        .execute();
      return new Map(rows.map((row) => [row.button_index, Number(row.n)]));
    },

    async unsubscribe(userId: number, broadcastId: number | null, nowMs: number): Promise<boolean> {
      const result = await db
        .insertInto('broadcast_unsubscribes')
        .values({ user_id: userId, broadcast_id: broadcastId, created_at: nowMs })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async resubscribe(userId: number): Promise<void> {
      await db.deleteFrom('broadcast_unsubscribes').where('user_id', '=', userId).execute();
    },

    async unsubscribesFrom(broadcastId: number): Promise<number> {
      const row = await db
        .selectFrom('broadcast_unsubscribes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('broadcast_id', '=', broadcastId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Everyone who opted out of broadcasts (usually a small share of the users). */
    async unsubscribedIds(): Promise<Set<number>> {
      const rows = await db.selectFrom('broadcast_unsubscribes').select('user_id').execute();
      return new Set(rows.map((row) => row.user_id));
    },
  };
}

/** The broadcasts repository's shape. */
export type BroadcastsRepository = ReturnType<typeof createBroadcastsRepository>;
