import type { MiddlewareFn } from 'grammy';
import type { Db } from '../db/database.ts';
import type { BotContext } from './context.ts';

/**
 * Drops an update whose `update_id` was already handled. Telegram re-delivers webhook
 * updates it thinks failed, and two instances may briefly both poll; the database's
 * primary key decides which delivery wins.
 */
export function dedupeUpdates(db: Db, now: () => number = Date.now): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const result = await db
      .insertInto('processed_updates')
      .values({ update_id: ctx.update.update_id, processed_at: now() })
      .onConflict((oc) => oc.column('update_id').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
      ctx.log.debug('duplicate update dropped');
      return;
    }
    await next();
  };
}

/** Forgets processed update ids older than `keepMs`; Telegram never re-sends updates that old. */
export async function pruneProcessedUpdates(db: Db, nowMs: number, keepMs = 7 * 24 * 3600_000): Promise<number> {
  const result = await db.deleteFrom('processed_updates').where('processed_at', '<', nowMs - keepMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
