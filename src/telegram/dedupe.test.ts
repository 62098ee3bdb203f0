import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MiddlewareFn } from 'grammy';
import pino from 'pino';
import { coreTestDatabase, testDialects } from '../../test/support/services.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { BotContext } from './context.ts';
import { dedupeUpdates } from './dedupe.ts';

/** A logger that keeps its lines, to check what the de-duplication says. */
function recordingLogger(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

/** Runs the middleware for one delivery of an update; `handler` is what the bot would do. */
function deliver(middleware: MiddlewareFn<BotContext>, updateId: number, handler: () => Promise<void> | void, logger = pino({ level: 'silent' })): Promise<void> {
  const ctx = { update: { update_id: updateId }, log: logger } as unknown as BotContext;
  return Promise.resolve(middleware(ctx, async () => void (await handler()))).then(() => undefined);
}

for (const dialect of await testDialects()) {
  describe(`update de-duplication on ${dialect.name}`, () => {
    let database: { handle: DatabaseHandle; close(): Promise<void> };
    before(async () => {
      database = await coreTestDatabase(dialect);
    });
    after(async () => {
      await database?.close();
    });

    test('an update that was handled is never handled again', async () => {
      const dedupe = dedupeUpdates({ db: database.handle.db });
      let runs = 0;
      await deliver(dedupe, 101, () => void (runs += 1));
      await deliver(dedupe, 101, () => void (runs += 1));
      // A second instance on the same database (its own middleware) drops it too.
      await deliver(dedupeUpdates({ db: database.handle.db }), 101, () => void (runs += 1));
      assert.equal(runs, 1);
      const row = await database.handle.db.selectFrom('processed_updates').selectAll().where('update_id', '=', 101).executeTakeFirstOrThrow();
      assert.equal(row.claimed_until, null, 'recorded as done');
    });

    test('an update whose handler failed is handled again when Telegram resends it', async () => {
      const dedupe = dedupeUpdates({ db: database.handle.db });
      let runs = 0;
      await assert.rejects(
        deliver(dedupe, 202, () => {
          runs += 1;
          throw new Error('the handler failed');
        }),
        /the handler failed/,
      );
      await deliver(dedupe, 202, () => void (runs += 1));
      assert.equal(runs, 2);
      await deliver(dedupe, 202, () => void (runs += 1));
      assert.equal(runs, 2, 'once it completed, it is done');
    });

    test('a delivery that arrives while the same update is being handled here is dropped', async () => {
      const dedupe = dedupeUpdates({ db: database.handle.db });
      let runs = 0;
      let release!: () => void;
      const first = deliver(dedupe, 303, async () => {
        runs += 1;
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await deliver(dedupe, 303, () => void (runs += 1));
      release();
      await first;
      assert.equal(runs, 1);
    });

    test('an update claimed by an instance that died is taken over once its lease runs out, and only once', async () => {
      const clock = { now: 1_700_000_000_000 };
      const timing = { leaseMs: 1_000, heartbeatMs: 60_000, pollMs: 5 };
      // The instance that died: it claimed the update and never finished.
      await database.handle.db.insertInto('processed_updates').values({ update_id: 404, processed_at: clock.now, claimed_until: clock.now + timing.leaseMs }).execute();
      const survivor = dedupeUpdates({ db: database.handle.db, now: () => clock.now, timing });
      let runs = 0;
      const waiting = deliver(survivor, 404, () => void (runs += 1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(runs, 0, 'a live lease is waited for, not ignored');
      clock.now += timing.leaseMs + 1;
      await waiting;
      assert.equal(runs, 1, 'the resend is handled once the lease ran out');
      await deliver(survivor, 404, () => void (runs += 1));
      assert.equal(runs, 1);
    });

    test('a long handler keeps its claim alive, so a resend does not run it twice', async () => {
      const clock = { now: 1_800_000_000_000 };
      const timing = { leaseMs: 1_000, heartbeatMs: 10, pollMs: 5 };
      const first = dedupeUpdates({ db: database.handle.db, now: () => clock.now, timing });
      const second = dedupeUpdates({ db: database.handle.db, now: () => clock.now, timing });
      let runs = 0;
      let release!: () => void;
      const running = deliver(first, 505, async () => {
        runs += 1;
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      // Time passes beyond the first lease; the heartbeat renews it from the new "now".
      clock.now += timing.leaseMs - 100;
      await new Promise((resolve) => setTimeout(resolve, 40));
      clock.now += 500;
      const resend = deliver(second, 505, () => void (runs += 1));
      await new Promise((resolve) => setTimeout(resolve, 40));
      release();
      await Promise.all([running, resend]);
      assert.equal(runs, 1);
    });

    test('a long run of duplicates is reported in the log', async () => {
      const { logger, lines } = recordingLogger();
      const dedupe = dedupeUpdates({ db: database.handle.db, logger });
      for (let id = 600; id < 625; id += 1) await deliver(dedupe, id, () => undefined, logger);
      for (let id = 600; id < 625; id += 1) await deliver(dedupe, id, () => undefined, logger);
      const warnings = lines.filter((line) => line.level === 40 && /dropped as already handled/.test(line.msg));
      assert.equal(warnings.length, 1, 'one warning for the run, not one per update');
    });
  });
}
