import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { busiestWindow, runSends, seededRandom, spacedReplies } from '../../test/support/send-window-run.ts';
import { createRateLimiter, peakInWindow, type SendRateLimiter } from './rate-limiter.ts';

/** Takes places as fast as the limiter allows over `durationMs` of fake time, answering each call at once; returns the count. */
async function drain(limiter: SendRateLimiter, clock: { ms: number }, durationMs: number, chatIdOf: (index: number) => number, paid = false) {
  let taken = 0;
  let index = 0;
  const end = clock.ms + durationMs;
  while (clock.ms < end) {
    const permit = await limiter.tryAcquire({ chatId: chatIdOf(index), paid });
    if (permit.ok) {
      await permit.settle();
      taken += 1;
      index += 1;
    } else {
      clock.ms += Math.max(1, Math.min(permit.waitMs, end - clock.ms));
    }
  }
  return taken;
}

/** A limiter past its first second (a new one starts with full bot-wide windows), then idle for a minute. */
function idled(options: { clock: { ms: number }; limits?: Parameters<typeof createRateLimiter>[0] extends infer O ? (O extends { limits?: infer L } ? L : never) : never; sleep?: (ms: number) => Promise<void> }): SendRateLimiter {
  const { clock, ...rest } = options;
  const limiter = createRateLimiter({ ...rest, clock: () => clock.ms });
  clock.ms += 60_000;
  return limiter;
}

describe('the in-process rate limiter', () => {
  test('over a long run after idling, with direct replies mixed in and calls of random latency, no one-second window at Telegram holds more than 30 messages', async () => {
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed);
      const clock = { ms: 1_000_000 };
      const limiter = idled({ clock });
      // Replies at up to three a second (the reserve the outbox keeps for them when none came
      // lately), and no more than three in the second and the latency a call may take.
      const replyTimesMs = spacedReplies(random, 0, 30_000, 400);
      const run = await runSends(limiter, { clock, durationMs: 30_000, replyTimesMs, maxLatencyMs: 120, random });
      assert.ok(busiestWindow(run.arrivalsMs) <= 30, `seed ${seed}: ${busiestWindow(run.arrivalsMs)} messages in one second`);
      assert.equal(run.repliesSent, replyTimesMs.length, 'every reply went at its time');
      // Still close to the budget: about 30 a second, less the replies and the calls' latency.
      assert.ok(run.outboxSent + run.repliesSent >= 30 * 30 * 0.85, `seed ${seed}: only ${run.outboxSent + run.repliesSent} in 30 s`);
    }
  });

  test('a bot that has been answering up to eight replies a second keeps room for them when a broadcast starts, so no second holds more than 30', async () => {
    const random = seededRandom(7);
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    const replyTimesMs = spacedReplies(random, 0, 40_000, 140);
    const run = await runSends(limiter, { clock, durationMs: 40_000, replyTimesMs, outboxFromMs: 10_000, maxLatencyMs: 80, random });
    assert.ok(busiestWindow(run.arrivalsMs) <= 30, `${busiestWindow(run.arrivalsMs)} messages in one second`);
    assert.ok(run.outboxSent > 500, `the broadcast went on: ${run.outboxSent}`);
  });

  test('after an idle minute the first second lets through the budget less the reply reserve, never a burst on top of it', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    const taken = await drain(limiter, clock, 1000, (index) => 100 + index);
    assert.equal(taken, 27);
    const tenSeconds = await drain(limiter, clock, 10_000, (index) => 10_000 + index);
    assert.ok(tenSeconds >= 260 && tenSeconds <= 270, `took ${tenSeconds}`);
  });

  test('a new limiter starts with its window full, so a restart after a predecessor’s last-instant burst stays within the limit', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = createRateLimiter({ clock: () => clock.ms });
    // The predecessor sent the outbox's whole share (27 of 30) in the instant before it died.
    const predecessor = Array.from({ length: 27 }, () => clock.ms - 1);
    assert.deepEqual(await limiter.tryAcquire({ chatId: 1 }), { ok: false, waitMs: 1000, scope: 'global' });
    const sent: number[] = [];
    for (let step = 0; step < 3000; step += 1) {
      const permit = await limiter.tryAcquire({ chatId: 10_000 + sent.length });
      if (permit.ok) {
        sent.push(clock.ms);
        await permit.settle();
      } else {
        clock.ms += 1;
      }
    }
    assert.ok(sent.length >= 40, `it sends after its first second (${sent.length})`);
    const all = [...predecessor, ...sent];
    for (const at of all) {
      const inWindow = all.filter((other) => other > at - 1000 && other <= at).length;
      assert.ok(inWindow <= 30, `${inWindow} sends in the second up to ${at}`);
    }
  });

  test('a private chat receives one message a second', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    const first = await limiter.tryAcquire({ chatId: 7 });
    assert.ok(first.ok);
    clock.ms += 40;
    await first.settle();
    const second = await limiter.tryAcquire({ chatId: 7 });
    assert.deepEqual(second, { ok: false, waitMs: 1000, scope: 'chat' });
    // Another chat is not affected by chat 7's window.
    assert.equal((await limiter.tryAcquire({ chatId: 8 })).ok, true);
    // The place frees a second after the answer, not after the permit.
    clock.ms += 999;
    assert.equal((await limiter.tryAcquire({ chatId: 7 })).ok, false);
    clock.ms += 1;
    assert.equal((await limiter.tryAcquire({ chatId: 7 })).ok, true);
  });

  test('a group receives at most 20 messages in any minute', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    const times: number[] = [];
    const end = clock.ms + 180_000;
    while (clock.ms < end) {
      const permit = await limiter.tryAcquire({ chatId: -100_123 });
      if (permit.ok) {
        times.push(clock.ms);
        await permit.settle();
      } else clock.ms += permit.waitMs;
    }
    assert.equal(busiestWindow(times, 60_000), 20);
    assert.ok(times.length >= 59 && times.length <= 60, `sent ${times.length}`);
  });

  test('paid broadcasts draw from their own 1000 msg/s window, leaving the global one untouched', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    const paid = await drain(limiter, clock, 2000, (index) => 10_000 + index, true);
    assert.ok(paid >= 1990 && paid <= 2000, `took ${paid}`);
    assert.equal((await limiter.tryAcquire({ chatId: 5 })).ok, true);
  });

  test('a rate below one a second lets one message through per its longer window', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock, limits: { globalPerSecond: 0.5 } });
    const times: number[] = [];
    const end = clock.ms + 10_000;
    while (clock.ms < end) {
      const permit = await limiter.tryAcquire({ chatId: 5000 + times.length });
      if (permit.ok) {
        times.push(clock.ms);
        await permit.settle();
      } else clock.ms += permit.waitMs;
    }
    assert.equal(times.length, 5);
    assert.equal(busiestWindow(times, 2000), 1);
  });

  test('a chat whose window is full takes no place in the global one', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock, limits: { globalPerSecond: 3, replyReserve: 0 } });
    assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, true);
    for (let attempt = 0; attempt < 5; attempt++) assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, false);
    assert.equal((await limiter.tryAcquire({ chatId: 2 })).ok, true);
    assert.equal((await limiter.tryAcquire({ chatId: 3 })).ok, true);
    assert.equal((await limiter.tryAcquire({ chatId: 4 })).ok, false);
  });

  test('a pause after a 429 stops every send until it ends', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock });
    await limiter.pauseUntil(clock.ms + 5000);
    const during = await limiter.tryAcquire({ chatId: 1, paid: true });
    assert.deepEqual(during, { ok: false, waitMs: 5000, scope: 'global' });
    // An earlier pause never shortens a longer one.
    await limiter.pauseUntil(clock.ms + 1000);
    clock.ms += 4999;
    assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, false);
    clock.ms += 1;
    assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, true);
  });

  test('a direct reply never waits for room: it is counted, and the outbox waits until the replies leave the window', async () => {
    const clock = { ms: 1_000_000 };
    let slept = 0;
    const limiter = idled({
      clock,
      limits: { globalPerSecond: 10, replyReserve: 0 },
      sleep: async (ms) => {
        slept += ms;
        clock.ms += ms;
      },
    });
    // Twelve replies in one moment: more than the budget, and none waits.
    const slots = [];
    for (let index = 0; index < 12; index++) slots.push(await limiter.acquire({}));
    assert.equal(slept, 0);
    clock.ms += 30;
    for (const slot of slots) await slot.settle();
    // The window is full until a second after their answers.
    assert.deepEqual(await limiter.tryAcquire({ chatId: 7 }), { ok: false, waitMs: 1000, scope: 'global' });
    clock.ms += 1000;
    // The window is empty again, but twelve replies a second lately: the outbox keeps nine places free for them.
    const permit = await limiter.tryAcquire({ chatId: 7 });
    assert.ok(permit.ok);
    await permit.settle();
    assert.equal((await limiter.tryAcquire({ chatId: 8 })).ok, false);
    // Ten seconds later the memory of that busy second is gone.
    clock.ms += 10_000;
    for (let chat = 20; chat < 30; chat++) assert.equal((await limiter.tryAcquire({ chatId: chat })).ok, true, `chat ${chat}`);
  });

  test('a send whose answer never comes keeps its place for a while, not forever', async () => {
    const clock = { ms: 1_000_000 };
    const limiter = idled({ clock, limits: { globalPerSecond: 1, replyReserve: 0 } });
    assert.equal((await limiter.tryAcquire({ chatId: 1 })).ok, true);
    clock.ms += 5000;
    assert.equal((await limiter.tryAcquire({ chatId: 2 })).ok, false);
    clock.ms += 6000;
    assert.equal((await limiter.tryAcquire({ chatId: 2 })).ok, true);
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

  test('the busiest window of a list of times counts the times less than a window apart', () => {
    assert.equal(peakInWindow([], 1000), 0);
    assert.equal(peakInWindow([0, 999, 1000, 1998, 1999], 1000), 3);
    assert.equal(peakInWindow([0, 1000, 2000], 1000), 1);
  });
});
