import type { Insertable, Updateable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { StarsOrder, StarsOrderHistoryTable, StarsOrdersTable, StarsOrderStatus } from './stars.tables.ts';

/** SQL for stars_orders and stars_order_history. */
export function createStarsRepository(db: DbExecutor) {
  return {
    insert(values: Insertable<StarsOrdersTable>): Promise<StarsOrder> {
      return db.insertInto('stars_orders').values(values).returningAll().executeTakeFirstOrThrow();
    },
    find(id: number): Promise<StarsOrder | undefined> {
      return db.selectFrom('stars_orders').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Moves an order from one of `from`; false when it had moved on meanwhile. */
    async transition(id: number, from: readonly StarsOrderStatus[], patch: Updateable<StarsOrdersTable>): Promise<boolean> {
      const result = await db.updateTable('stars_orders').set(patch).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async addHistory(values: Insertable<StarsOrderHistoryTable>): Promise<void> {
      await db.insertInto('stars_order_history').values(values).execute();
    },
    history(orderId: number) {
      return db.selectFrom('stars_order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    },
    listForUser(userId: number, limit: number): Promise<StarsOrder[]> {
      return db.selectFrom('stars_orders').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
    },
    listRecent(limit: number, statuses?: readonly StarsOrderStatus[]): Promise<StarsOrder[]> {
      let query = db.selectFrom('stars_orders').selectAll();
      if (statuses) query = query.where('status', 'in', statuses);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },
    /** The purchase that order `orderId` of the orders module is. */
    findByOrderId(orderId: number): Promise<StarsOrder | undefined> {
      return db.selectFrom('stars_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    },
    /** Orders placed since `sinceMs` per status, with their Stars and prices summed. */
    async totalsByStatus(sinceMs: number): Promise<{ status: StarsOrderStatus; currency: string; orders: number; stars: number; priceMinor: number }[]> {
      const rows = await db
        .selectFrom('stars_orders')
        .select((eb) => ['status', 'currency', eb.fn.countAll<string | number>().as('orders'), eb.fn.sum<string | number>('stars').as('stars'), eb.fn.sum<string | number>('price_minor').as('price')])
        .where('created_at', '>=', sinceMs)
        .groupBy(['status', 'currency'])
        .execute();
      return rows.map((row) => ({ status: row.status, currency: row.currency, orders: Number(row.orders), stars: Number(row.stars ?? 0), priceMinor: Number(row.price ?? 0) }));
    },
    listExpired(nowMs: number, limit: number): Promise<StarsOrder[]> {
      return db.selectFrom('stars_orders').selectAll().where('status', '=', 'awaiting_payment').where('expires_at', '<', nowMs).orderBy('id').limit(limit).execute();
    },
  };
}
