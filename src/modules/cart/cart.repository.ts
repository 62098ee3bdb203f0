import type { DbExecutor } from '../../db/database.ts';
import { prepareStatement } from '../../db/prepared-statement.ts';
import { writeWithoutAnswer } from '../../db/unit-of-work.ts';
import type { CartItemRecord } from './cart.tables.ts';

/** A user's cart lines, read by nearly every cart screen: compiled once (prepared-statement.ts). */
const CART_ITEMS = prepareStatement<{ userId: number }, CartItemRecord>('cart.items', (db, param) =>
  db.selectFrom('cart_items').selectAll().where('user_id', '=', param('userId')).orderBy('added_at').orderBy('id'),
);

/** SQL for the cart tables. */
export function createCartRepository(db: DbExecutor) {
  return {
    async listItems(userId: number): Promise<CartItemRecord[]> {
      return (await CART_ITEMS.execute(db, { userId })).rows;
    },

    findItem(userId: number, itemId: number): Promise<CartItemRecord | undefined> {
      return db.selectFrom('cart_items').selectAll().where('id', '=', itemId).where('user_id', '=', userId).executeTakeFirst();
    },

    // The writes below answer nothing the caller reads: in an update they go with its next
    // statement or its commit (writeWithoutAnswer), and a failure fails the update there.
    async insertItem(row: { user_id: number; product_id: number; variant_id: number; quantity: number; price_seen_minor: number }, nowMs: number): Promise<void> {
      await writeWithoutAnswer(
        db,
        db
          .insertInto('cart_items')
          .values({ ...row, added_at: nowMs, updated_at: nowMs })
          // Two quick taps can race to insert the same line; the second one adds to it instead.
          .onConflict((oc) =>
            oc.columns(['user_id', 'product_id', 'variant_id']).doUpdateSet((eb) => ({
              quantity: eb('cart_items.quantity', '+', eb.ref('excluded.quantity')),
              price_seen_minor: eb.ref('excluded.price_seen_minor'),
              updated_at: nowMs,
            })),
          ),
      );
    },

    async updateItem(itemId: number, patch: { quantity?: number; price_seen_minor?: number }, nowMs: number): Promise<void> {
      await writeWithoutAnswer(db, db.updateTable('cart_items').set({ ...patch, updated_at: nowMs }).where('id', '=', itemId));
    },

    async deleteItem(userId: number, itemId: number): Promise<boolean> {
      const result = await db.deleteFrom('cart_items').where('id', '=', itemId).where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async clear(userId: number): Promise<number> {
      const result = await db.deleteFrom('cart_items').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Users with a non-empty cart untouched since before `olderThanMs`. */
    async userIdsWithCartIdleSince(olderThanMs: number): Promise<number[]> {
      const rows = await db
        .selectFrom('cart_items')
        .select('user_id')
        .groupBy('user_id')
        .having((eb) => eb.fn.max('updated_at'), '<', olderThanMs)
        .execute();
      return rows.map((row) => Number(row.user_id));
    },

    async recordAddition(userId: number, productId: number, nowMs: number): Promise<void> {
      await writeWithoutAnswer(db, db.insertInto('cart_additions').values({ user_id: userId, product_id: productId, at: nowMs }));
    },

    async countUsersAddingSince(sinceMs: number): Promise<number> {
      const row = await db
        .selectFrom('cart_additions')
        .select((eb) => eb.fn.count<number>('user_id').distinct().as('n'))
        .where('at', '>=', sinceMs)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** The cart repository's shape. */
export type CartRepository = ReturnType<typeof createCartRepository>;
