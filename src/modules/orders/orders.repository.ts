import { sql, type Insertable, type SelectQueryBuilder } from 'kysely';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { OrderLineRecord, OrderLinesTable, OrderNoteRecord, OrderNotesTable, OrderRecord, OrdersTable, OrderStatusChangeRecord, OrderStatusHistoryTable } from './orders.tables.ts';

/** Filters of an order listing (admin API, export). */
export interface OrderFilter {
  kind?: string;
  userId?: number;
  statuses?: readonly string[];
  /** Created at or after, epoch ms. */
  fromMs?: number;
  /** Created before, epoch ms. */
  toMs?: number;
  /** Part of the order number, the contact's name or phone (any case; spaces in phones ignored). */
  search?: string;
  /** Total at least / at most, minor units. */
  minTotalMinor?: number;
  maxTotalMinor?: number;
  /** The business's own id (integration API). */
  externalId?: string;
  /** Changed at or after, epoch ms (a back end catching up). */
  updatedSinceMs?: number;
}

/** How an order listing is sorted; ties fall back to newest first. */
export interface OrderSort {
  by: 'created' | 'total' | 'status';
  direction: 'asc' | 'desc';
  /** Statuses in their life order, so that `status` sorts new → done rather than alphabetically. */
  statusOrder?: readonly string[];
}

/** Columns a status change may set along with the status (the payment that paid the order). */
export interface StatusPatch {
  payment_method?: string;
  payment_id?: number | null;
}

/** A product's sales over a period. */
export interface ProductSales {
  productId: number;
  title: string;
  /** The names per language of one of its lines (see `orders.lines.ts`), null for older lines. */
  titles: string | null;
  quantity: number;
  revenueMinor: number;
  currency: string;
}

/** SQL for the orders tables. */
export function createOrdersRepository(db: DbExecutor) {
  const filtered = (filter: OrderFilter) => {
    let query = db.selectFrom('orders');
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.statuses !== undefined && filter.statuses.length > 0) query = query.where('status', 'in', filter.statuses);
    if (filter.fromMs !== undefined) query = query.where('created_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) query = query.where('created_at', '<', filter.toMs);
    if (filter.minTotalMinor !== undefined) query = query.where('total_minor', '>=', filter.minTotalMinor);
    if (filter.maxTotalMinor !== undefined) query = query.where('total_minor', '<=', filter.maxTotalMinor);
    if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
    if (filter.updatedSinceMs !== undefined) query = query.where('updated_at', '>=', filter.updatedSinceMs);
    const text = filter.search?.trim();
    if (text) {
      // SQLite's LIKE folds case for ASCII only: the word is also tried capitalised and upper-cased.
      const lower = text.toLowerCase();
      const patterns = [...new Set([text, lower, lower.charAt(0).toUpperCase() + lower.slice(1), text.toUpperCase()])].map((variant) => `%${variant}%`);
      const digits = /^[\d\s()+-]{3,}$/.test(text) ? text.replace(/\D/g, '') : '';
      query = query.where((eb) =>
        eb.or([
          ...patterns.flatMap((pattern) => [eb('number', 'like', pattern), eb('contact_name', 'like', pattern), eb('contact_phone', 'like', pattern)]),
          // Phones are stored as typed ("+7 701 111-22-33"): compared without spaces and dashes.
          ...(digits ? [eb(sql<string>`replace(replace(contact_phone, ' ', ''), '-', '')`, 'like', `%${digits}%`)] : []),
        ]),
      );
    }
    return query;
  };

  /** A page of `query` in the order `sort` says: newest first unless it says otherwise. */
  const sorted = <O>(query: SelectQueryBuilder<Database, 'orders', O>, offset: number, limit: number, sort?: OrderSort) => {
    let ordered = query;
    if (sort?.by === 'total') ordered = ordered.orderBy('total_minor', sort.direction);
    if (sort?.by === 'status') {
      const order = sort.statusOrder ?? [];
      const rank = order.length > 0 ? sql<number>`case status ${sql.join(order.map((status, index) => sql`when ${status} then ${sql.lit(index)}`), sql` `)} else ${sql.lit(order.length)} end` : sql<string>`status`;
      ordered = ordered.orderBy(rank, sort.direction);
    }
    const newestFirst = sort?.by === 'created' ? sort.direction : 'desc';
    return ordered.orderBy('created_at', newestFirst).orderBy('id', newestFirst).offset(offset).limit(limit);
  };

  return {
    /**
     * Hands out the next number for a prefix. The upsert is one statement that increments
     * and returns, so concurrent orders never share a number.
     */
    async nextNumber(prefix: string, start: number): Promise<number> {
      const row = await db
        .insertInto('order_counters')
        .values({ prefix, value: start })
        .onConflict((oc) => oc.column('prefix').doUpdateSet((eb) => ({ value: eb('order_counters.value', '+', 1) })))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },

    async insertOrder(row: Insertable<OrdersTable>): Promise<OrderRecord> {
      return db.insertInto('orders').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async insertLines(rows: readonly Insertable<OrderLinesTable>[]): Promise<void> {
      if (rows.length > 0) await db.insertInto('order_lines').values([...rows]).execute();
    },

    /** Records a status change; returns its id, which names the change in notification keys. */
    async insertStatusChange(row: Insertable<OrderStatusHistoryTable>): Promise<number> {
      const inserted = await db.insertInto('order_status_history').values(row).returning('id').executeTakeFirstOrThrow();
      return Number(inserted.id);
    },

    /** Replaces an order's lines (a new price of a custom job). */
    async replaceLines(orderId: number, rows: readonly Insertable<OrderLinesTable>[]): Promise<void> {
      await db.deleteFrom('order_lines').where('order_id', '=', orderId).execute();
      if (rows.length > 0) await db.insertInto('order_lines').values([...rows]).execute();
    },

    /** Sets an unpaid order's total while it is in one of `statuses`; false when it moved or was paid meanwhile. */
    async setTotal(orderId: number, totalMinor: number, statuses: readonly string[], nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('orders')
        .set({ total_minor: totalMinor, updated_at: nowMs })
        .where('id', '=', orderId)
        .where('status', 'in', statuses)
        .where('payment_id', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Moves an order only if it is still in `from`; false when someone moved it first. */
    async updateStatus(orderId: number, from: string, to: string, nowMs: number, patch: StatusPatch = {}): Promise<boolean> {
      const result = await db
        .updateTable('orders')
        .set({ ...patch, status: to, updated_at: nowMs })
        .where('id', '=', orderId)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Switches a customer's unpaid order to `method`; false when it is not theirs or already paid. */
    async setPaymentMethod(orderId: number, userId: number, method: string, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('orders')
        .set({ payment_method: method, updated_at: nowMs })
        .where('id', '=', orderId)
        .where('user_id', '=', userId)
        .where('payment_id', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    findById(id: number): Promise<OrderRecord | undefined> {
      return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByNumber(number: string): Promise<OrderRecord | undefined> {
      return db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst();
    },

    linesOf(orderIds: readonly number[]): Promise<OrderLineRecord[]> {
      if (orderIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('order_id').orderBy('position').execute();
    },

    historyOf(orderId: number): Promise<OrderStatusChangeRecord[]> {
      return db.selectFrom('order_status_history').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
    },

    async count(filter: OrderFilter): Promise<number> {
      const row = await filtered(filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Newest first, unless `sort` says otherwise. */
    list(filter: OrderFilter, offset: number, limit: number, sort?: OrderSort): Promise<OrderRecord[]> {
      return sorted(filtered(filter).selectAll(), offset, limit, sort).execute();
    },

    /**
     * {@link list} with the number of all orders matching the filter, in one statement (a
     * window count on every row). An empty page says nothing of the total: undefined then,
     * unless the page was the first (no rows before it either: none at all).
     */
    async listCounted(filter: OrderFilter, offset: number, limit: number, sort?: OrderSort): Promise<{ rows: OrderRecord[]; total: number | undefined }> {
      const counted = await sorted(filtered(filter).selectAll().select(sql<number>`count(*) over ()`.as('matching_total')), offset, limit, sort).execute();
      const total = counted.length > 0 ? Number(counted[0]!.matching_total) : offset === 0 ? 0 : undefined;
      return { rows: counted.map(({ matching_total: _total, ...row }) => row), total };
    },


    /** Orders per status. */
    /** Newest first, from before the order `beforeId` (a cursor): pages that hold while orders come in. */
    listBefore(filter: OrderFilter, beforeId: number | undefined, limit: number): Promise<OrderRecord[]> {
      let query = filtered(filter).selectAll();
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },

    /** Sets the business's own id of an order; false when another order has it (the unique index decides). */
    async setExternalId(orderId: number, externalId: string | null, nowMs: number): Promise<boolean> {
      if (externalId !== null) {
        const holder = await db.selectFrom('orders').select('id').where('external_id', '=', externalId).executeTakeFirst();
        if (holder && holder.id !== orderId) return false;
      }
      try {
        await db.updateTable('orders').set({ external_id: externalId, updated_at: nowMs }).where('id', '=', orderId).execute();
      } catch (error) {
        // Another order took the id between the check and the update.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      return true;
    },

    async insertNote(row: Insertable<OrderNotesTable>): Promise<OrderNoteRecord> {
      const { id } = await db.insertInto('order_notes').values(row).returning('id').executeTakeFirstOrThrow();
      return db.selectFrom('order_notes').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    },

    notesOf(orderId: number): Promise<OrderNoteRecord[]> {
      return db.selectFrom('order_notes').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
    },

    async countByStatus(filter: OrderFilter): Promise<{ status: string; count: number }[]> {
      const rows = await filtered(filter)
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .orderBy('status')
        .execute();
      return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
    },

    /** Revenue per currency of orders not in `voidStatuses`. */
    async revenue(filter: OrderFilter, voidStatuses: readonly string[]): Promise<{ currency: string; totalMinor: number; orders: number }[]> {
      let query = filtered(filter);
      if (voidStatuses.length > 0) query = query.where('status', 'not in', voidStatuses);
      const rows = await query
        .select((eb) => ['currency', eb.fn.sum<number>('total_minor').as('total'), eb.fn.countAll<number>().as('n')])
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, totalMinor: Number(row.total ?? 0), orders: Number(row.n) }));
    },

    /** How many different customers ordered in the period (any status). */
    async countCustomers(filter: OrderFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.count<number>('user_id').distinct().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Distinct customers who placed an order (any kind, any status) at or after `sinceMs`. */
    async userIdsOrderedSince(sinceMs: number): Promise<number[]> {
      const rows = await db.selectFrom('orders').select('user_id').distinct().where('created_at', '>=', sinceMs).execute();
      return rows.map((row) => Number(row.user_id));
    },

    /** Best-selling catalogue products by quantity, excluding void orders. */
    async topProducts(filter: OrderFilter, voidStatuses: readonly string[], limit: number): Promise<ProductSales[]> {
      let query = db
        .selectFrom('order_lines as l')
        .innerJoin('orders as o', 'o.id', 'l.order_id')
        .where('l.line_kind', '=', 'product')
        .where('l.product_id', 'is not', null);
      if (filter.kind !== undefined) query = query.where('o.kind', '=', filter.kind);
      if (filter.fromMs !== undefined) query = query.where('o.created_at', '>=', filter.fromMs);
      if (filter.toMs !== undefined) query = query.where('o.created_at', '<', filter.toMs);
      if (voidStatuses.length > 0) query = query.where('o.status', 'not in', voidStatuses);
      const rows = await query
        .select((eb) => [
          'l.product_id',
          'o.currency',
          eb.fn.max('l.title').as('title'),
          eb.fn.max('l.titles').as('titles'),
          eb.fn.sum<number>('l.quantity').as('quantity'),
          eb.fn.sum<number>('l.total_minor').as('revenue'),
        ])
        .groupBy(['l.product_id', 'o.currency'])
        .orderBy('quantity', 'desc')
        .orderBy('l.product_id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        productId: Number(row.product_id),
        title: String(row.title),
        titles: row.titles === null || row.titles === undefined ? null : String(row.titles),
        quantity: Number(row.quantity),
        revenueMinor: Number(row.revenue),
        currency: row.currency,
      }));
    },
  };
}

/** The orders repository's shape. */
export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
