import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRateLimiter, type SendRateLimiter } from './rate-limiter.ts';

/** Takes tokens as fast as the limiter allows over `durationMs` of fake time; returns the count. */
async function drain(limiter: SendRateLimiter, clock: { ms: number }, durationMs: number, chatIdOf: (index: number) => number, paid = false) {
  let taken = 0;
  let index = 0;
  const end = clock.ms + durationMs;
  while (clock.ms < end) {
    const permit = await limiter.tryAcquire({ chatId: chatIdOf(index), paid });
    if (permit.ok) {
      taken += 1;
      index += 1;
    } else {
      clock.ms += Math.max(1, Math.min(permit.waitMs, end - clock.ms));
    }
  }
  return taken;
}

/** A limiter whose bot-wide buckets have had time to fill (a new one starts empty). */
function warmedUp(options: Omit<NonNullable<Parameters<typeof createRateLimiter>[0]>, 'clock'> & { clock: { ms: number } }): SendRateLimiter {
  const { clock, ...rest } = options;
  const limiter = createRateLimiter({ ...rest, clock: () => clock.ms });
  clock.ms += 1000;
  return limiter;
}

describe('the in-process rate limiter', () => {
  test('a new limiter starts with empty bot-wide buckets, so a restart never bursts on top of what it sent before', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = createRateLimiter({ clock: () => clock.ms });
    const first = await limiter.tryAcquire({ chatId: 1 });
    assert.deepEqual(first, { ok: false, waitMs: 34, scope: 'global' });
    clock.ms += 34;
    assert.deepEqual(await limiter.tryAcquire({ chatId: 1 }), { ok: true });
    // It fills at the configured rate up to half a second of sending, never more.
    clock.ms += 60_000;
    const taken = await drain(limiter, clock, 1, (index) => 100 + index);
    assert.equal(taken, 15);
  });

  test('the global budget lets through 30 messages a second to distinct chats, and no more', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = warmedUp({ clock });
    const taken = await drain(limiter, clock, 10_000, (index) => 1000 + index);
    // Ten seconds at 30/s plus the initial burst (half a second: 15).
    assert.ok(taken >= 300 && taken <= 315, `took ${taken}`);
  });

  test('a private chat gets its small burst and then one message a second', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = warmedUp({ clock });
    assert.deepEqual(await limiter.tryAcquire({ chatId: 7 }), { ok: true });
    assert.deepEqual(await limiter.tryAcquire({ chatId: 7 }), { ok: true });
    const third = await limiter.tryAcquire({ chatId: 7 });
    assert.equal(third.ok, false);
    assert.equal(!third.ok && third.scope, 'chat');
    assert.ok(!third.ok && third.waitMs > 900 && third.waitMs <= 1000);
    // Another chat is not affected by chat 7's budget.
    assert.deepEqual(await limiter.tryAcquire({ chatId: 8 }), { ok: true });
    clock.ms += 1000;
    assert.deepEqual(await limiter.tryAcquire({ chatId: 7 }), { ok: true });
    assert.equal((await limiter.tryAcquire({ chatId: 7 })).ok, false);
  });

  test('a group receives at most 20 messages a minute', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = createRateLimiter({ clock: () => clock.ms });
    const taken = await drain(limiter, clock, 60_000, () => -100_123);
    // 20 per minute plus the burst of 5 the bucket starts with.
    assert.ok(taken >= 20 && taken <= 25, `took ${taken}`);
  });

  test('paid broadcasts draw from their own 1000 msg/s budget, leaving the global one untouched', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = warmedUp({ clock });
    const paid = await drain(limiter, clock, 2000, (index) => 10_000 + index, true);
    assert.ok(paid >= 2000 && paid <= 2500, `took ${paid}`);
    assert.deepEqual(await limiter.tryAcquire({ chatId: 5 }), { ok: true });
  });

  test('a chat whose budget is spent takes no global token', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = warmedUp({ clock, limits: { globalPerSecond: 6 } });
    await limiter.tryAcquire({ chatId: 1 });
    await limiter.tryAcquire({ chatId: 1 });
    // The global burst at 6/s is 3, two are used: chat 1's refusals must not take the third.
    for (let attempt = 0; attempt < 5; attempt++) assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, false);
    assert.deepEqual(await limiter.tryAcquire({ chatId: 2 }), { ok: true });
    assert.equal((await limiter.tryAcquire({ chatId: 3 })).ok, false);
  });

  test('a pause after a 429 stops every send until it ends', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = createRateLimiter({ clock: () => clock.ms });
    await limiter.pauseUntil(clock.ms + 5000);
    const during = await limiter.tryAcquire({ chatId: 1, paid: true });
    assert.deepEqual(during, { ok: false, waitMs: 5000, scope: 'global' });
    // An earlier pause never shortens a longer one.
    await limiter.pauseUntil(clock.ms + 1000);
    clock.ms += 4999;
    assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, false);
    clock.ms += 1;
    assert.deepEqual(await limiter.tryAcquire({ chatId: 1 }), { ok: true });
  });

  test('a direct reply never waits for the bucket: it borrows, and the outbox then waits out the debt', async () => {
    const clock = { ms: 1_000_000 };
    let slept = 0;
    const limiter = warmedUp({
      clock,
      limits: { globalPerSecond: 10 },
      sleep: async (ms) => {
        slept += ms;
        clock.ms += ms;
      },
    });
    // A burst of 5 tokens; 9 replies take them all and borrow 4 more, without waiting.
    for (let index = 0; index < 9; index++) await limiter.acquire({ chatId: 42 });
    assert.equal(slept, 0);
    // The outbox now waits for the debt and one token: 5 tokens at 10/s.
    const permit = await limiter.tryAcquire({ chatId: 7 });
    assert.deepEqual(permit, { ok: false, waitMs: 500, scope: 'global' });
    // Borrowing stops at one burst of debt, so a flood of replies cannot starve the outbox for long.
    for (let index = 0; index < 100; index++) await limiter.acquire({});
    assert.deepEqual(await limiter.tryAcquire({ chatId: 7 }), { ok: false, waitMs: 600, scope: 'global' });
  });

  test('a direct reply waits while Telegram’s 429 pause lasts', async () => {
    const clock = { ms: 1_000_000 };
    let slept = 0;
    const limiter = createRateLimiter({
      clock: () => clock.ms,
      sleep: async (ms) => {
        slept += ms;
        clock.ms += ms;
      },
    });
    await limiter.pauseUntil(clock.ms + 3000);
    await limiter.acquire({});
    assert.equal(slept, 3000);
  });
});
