import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coreTestDatabase, testDialects } from '../../test/support/services.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { silentLogger } from '../observability/logger.ts';
import { cancelJob, createScheduler, ensureRecurringJob, scheduleJob, type JobHandler } from './scheduler.ts';
import { formatLocalDateTime, nextDailyAt, parseLocalDateTime, zonedToEpochMs } from './zoned-time.ts';

describe('local time in the business time zone', () => {
  test('09:00 in Almaty is 04:00 UTC, and the next 09:00 after 09:00 is tomorrow', () => {
    const nineAm = zonedToEpochMs({ year: 2025, month: 3, day: 10, hour: 9, minute: 0 }, 'Asia/Almaty');
    assert.equal(new Date(nineAm).toISOString(), '2025-03-10T04:00:00.000Z');
    assert.equal(nextDailyAt(nineAm - 1, '09:00', 'Asia/Almaty'), nineAm);
    assert.equal(nextDailyAt(nineAm, '09:00', 'Asia/Almaty'), nineAm + 86_400_000);
  });

  test('a daily time keeps its wall-clock hour across a daylight-saving change', () => {
    const before = zonedToEpochMs({ year: 2025, month: 3, day: 29, hour: 9, minute: 0 }, 'Europe/Berlin');
    const after = nextDailyAt(before, '09:00', 'Europe/Berlin');
    assert.equal(new Date(before).toISOString(), '2025-03-29T08:00:00.000Z');
    assert.equal(new Date(after).toISOString(), '2025-03-30T07:00:00.000Z');
    // 02:30 does not exist that night in Berlin; it maps to a real moment around the jump.
    const skipped = zonedToEpochMs({ year: 2025, month: 3, day: 30, hour: 2, minute: 30 }, 'Europe/Berlin');
    assert.ok(Math.abs(skipped - Date.parse('2025-03-30T01:00:00Z')) <= 3600_000);
  });

  test('what an owner types as a send time is read in the business time zone', () => {
    const now = Date.parse('2025-06-01T10:00:00Z');
    assert.equal(parseLocalDateTime('2025-06-02 18:30', 'Asia/Almaty', now), Date.parse('2025-06-02T13:30:00Z'));
    assert.equal(parseLocalDateTime('02.06.2025 18:30', 'Asia/Almaty', now), Date.parse('2025-06-02T13:30:00Z'));
    assert.equal(parseLocalDateTime('2.6 18:30', 'Asia/Almaty', now), Date.parse('2025-06-02T13:30:00Z'));
    // 14:00 in Almaty (UTC+5) already passed at 15:00 local, so it means tomorrow.
    assert.equal(parseLocalDateTime('14:00', 'Asia/Almaty', now), Date.parse('2025-06-02T09:00:00Z'));
    assert.equal(parseLocalDateTime('2025-02-30 10:00', 'Asia/Almaty', now), undefined);
    assert.equal(parseLocalDateTime('tomorrow', 'Asia/Almaty', now), undefined);
    assert.equal(formatLocalDateTime(Date.parse('2025-06-02T13:30:00Z'), 'Asia/Almaty'), '2025-06-02 18:30');
  });
});

for (const dialect of await testDialects()) {
  describe(`the scheduler on ${dialect.name}`, () => {
    let handle: DatabaseHandle;
    let close: () => Promise<void>;
    before(async () => {
      ({ handle, close } = await coreTestDatabase(dialect));
    });
    after(() => close());
    const clear = () => handle.db.deleteFrom('scheduled_jobs').execute();
    const schedulerWith = (handlers: Record<string, JobHandler>, clock: { ms: number }, workerId = 'w1') =>
      createScheduler({
        db: handle.db,
        dialect: handle.dialect,
        handlers: new Map(Object.entries(handlers)),
        logger: silentLogger(),
        clock: () => clock.ms,
        leaseMs: 60_000,
        workerId,
      });

    test('a one-off job runs once when due and never again', async () => {
      await clear();
      const clock = { ms: 1_000_000 };
      const runs: unknown[] = [];
      await scheduleJob(handle.db, { kind: 'test.ping', payload: { n: 1 }, runAt: 1_005_000 }, clock.ms);
      const scheduler = schedulerWith({ 'test.ping': async (payload) => void runs.push(payload) }, clock);
      assert.equal(await scheduler.runDue(), 0, 'not due yet');
      clock.ms = 1_005_000;
      assert.equal(await scheduler.runDue(), 1);
      clock.ms += 3600_000;
      assert.equal(await scheduler.runDue(), 0);
      assert.deepEqual(runs, [{ n: 1 }]);
    });

    test('a daily job missed for three days runs once on return, then at its next slot', async () => {
      await clear();
      const timeZone = 'Asia/Almaty';
      const start = zonedToEpochMs({ year: 2025, month: 5, day: 1, hour: 8, minute: 0 }, timeZone);
      const clock = { ms: start };
      await ensureRecurringJob(handle.db, { kind: 'test.report', dedupeKey: 'report', recurrence: { type: 'daily', time: '09:00', timeZone } }, clock.ms);
      const runs: number[] = [];
      const scheduler = schedulerWith({ 'test.report': async (_payload, run) => void runs.push(run.dueAt) }, clock);
      // Down from 08:00 on May 1st until 12:00 on May 4th: three 09:00 slots missed.
      clock.ms = zonedToEpochMs({ year: 2025, month: 5, day: 4, hour: 12, minute: 0 }, timeZone);
      // A restart re-declares the job: it must keep the overdue slot, not skip to tomorrow.
      await ensureRecurringJob(handle.db, { kind: 'test.report', dedupeKey: 'report', recurrence: { type: 'daily', time: '09:00', timeZone } }, clock.ms);
      assert.equal(await scheduler.runDue(), 1);
      assert.equal(await scheduler.runDue(), 0);
      assert.deepEqual(runs, [zonedToEpochMs({ year: 2025, month: 5, day: 1, hour: 9, minute: 0 }, timeZone)]);
      const row = await handle.db.selectFrom('scheduled_jobs').selectAll().where('dedupe_key', '=', 'report').executeTakeFirstOrThrow();
      assert.equal(row.run_at, zonedToEpochMs({ year: 2025, month: 5, day: 5, hour: 9, minute: 0 }, timeZone));
      assert.equal(row.status, 'pending');
    });

    test('a failing job is retried with backoff and a later success completes it', async () => {
      await clear();
      const clock = { ms: 2_000_000 };
      let calls = 0;
      await scheduleJob(handle.db, { kind: 'test.flaky', runAt: clock.ms }, clock.ms);
      const scheduler = schedulerWith(
        {
          'test.flaky': async () => {
            calls += 1;
            if (calls === 1) throw new Error('the gateway is down');
          },
        },
        clock,
      );
      assert.equal(await scheduler.runDue(), 1);
      const failed = await handle.db.selectFrom('scheduled_jobs').selectAll().executeTakeFirstOrThrow();
      assert.equal(failed.status, 'pending');
      assert.equal(failed.last_error, 'the gateway is down');
      assert.equal(failed.run_at, clock.ms + 30_000);
      clock.ms += 30_000;
      assert.equal(await scheduler.runDue(), 1);
      const done = await handle.db.selectFrom('scheduled_jobs').selectAll().executeTakeFirstOrThrow();
      assert.equal(done.status, 'done');
      assert.equal(calls, 2);
    });

    test('a job whose instance died mid-run is taken over after its lease, by one instance only', async () => {
      await clear();
      const clock = { ms: 3_000_000 };
      await scheduleJob(handle.db, { kind: 'test.once', runAt: clock.ms }, clock.ms);
      let runs = 0;
      const dead = schedulerWith({ 'test.once': () => new Promise<void>(() => {}) }, clock, 'dead');
      void dead.runDue();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const a = schedulerWith({ 'test.once': async () => void (runs += 1) }, clock, 'a');
      const b = schedulerWith({ 'test.once': async () => void (runs += 1) }, clock, 'b');
      assert.equal(await a.runDue(), 0, 'the lease still holds');
      clock.ms += 60_001;
      const ran = await Promise.all([a.runDue(), b.runDue()]);
      assert.equal(ran[0] + ran[1], 1);
      assert.equal(runs, 1);
    });

    test('scheduling with the same key replaces the waiting job, and cancelling stops it', async () => {
      await clear();
      const clock = { ms: 4_000_000 };
      const runs: unknown[] = [];
      await scheduleJob(handle.db, { kind: 'test.remind', payload: 'old', runAt: clock.ms + 1000, dedupeKey: 'booking:1' }, clock.ms);
      await scheduleJob(handle.db, { kind: 'test.remind', payload: 'new', runAt: clock.ms + 2000, dedupeKey: 'booking:1' }, clock.ms);
      await scheduleJob(handle.db, { kind: 'test.remind', payload: 'cancelled', runAt: clock.ms + 2000, dedupeKey: 'booking:2' }, clock.ms);
      assert.equal(await cancelJob(handle.db, 'booking:2', clock.ms), true);
      const scheduler = schedulerWith({ 'test.remind': async (payload) => void runs.push(payload) }, clock);
      clock.ms += 1500;
      assert.equal(await scheduler.runDue(), 0);
      clock.ms += 500;
      assert.equal(await scheduler.runDue(), 1);
      assert.deepEqual(runs, ['new']);
    });

    test('jobs of a kind nobody handles here are left for an instance that does', async () => {
      await clear();
      const clock = { ms: 5_000_000 };
      await scheduleJob(handle.db, { kind: 'booking.reminder', runAt: clock.ms }, clock.ms);
      const scheduler = schedulerWith({ 'test.other': async () => {} }, clock);
      assert.equal(await scheduler.runDue(), 0);
      const row = await handle.db.selectFrom('scheduled_jobs').select(['status', 'attempts']).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { status: 'pending', attempts: 0 });
    });
  });
}
