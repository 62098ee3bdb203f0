import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_URL, hasRedis } from '../../test/support/services.ts';
import { busiestWindow, runSends, seededRandom, spacedReplies } from '../../test/support/send-window-run.ts';
import type { SendRateLimiter } from './rate-limiter.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';

const available = await hasRedis();

describe('the Redis rate limiter', { skip: available ? false : 'Redis is not reachable' }, () => {
  let first: Redis;
  let second: Redis;
  before(() => {
    first = new Redis(REDIS_URL);
    second = new Redis(REDIS_URL);
  });
  after(() => {
    first.disconnect();
    second.disconnect();
  });
  const prefix = () => `lavka-test:${randomBytes(4).toString('hex')}:{send}:`;

  /** One limiter that is two instances: each call goes to either at random. */
  const twoInstances = (a: SendRateLimiter, b: SendRateLimiter, random: () => number): SendRateLimiter => ({
    limits: a.limits,
    tryAcquire: (request) => (random() < 0.5 ? a : b).tryAcquire(request),
    acquire: (request, signal) => (random() < 0.5 ? a : b).acquire(request, signal),
    pauseUntil: (untilMs) => a.pauseUntil(untilMs),
  });

  test('over a long run after idling, two instances with direct replies mixed in never put more than 30 messages in one second at Telegram', async () => {
    const random = seededRandom(11);
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    const replyTimesMs = spacedReplies(random, 0, 20_000, 400);
    const run = await runSends(twoInstances(a, b, random), { clock, durationMs: 20_000, replyTimesMs, maxLatencyMs: 120, random });
    assert.ok(busiestWindow(run.arrivalsMs) <= 30, `${busiestWindow(run.arrivalsMs)} messages in one second`);
    assert.equal(run.repliesSent, replyTimesMs.length);
    assert.ok(run.outboxSent + run.repliesSent >= 20 * 30 * 0.85, `only ${run.outboxSent + run.repliesSent} in 20 s`);
  });

  test('replies on one instance fill the shared window and the other instance’s outbox waits for them to leave it', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const limits = { globalPerSecond: 10, replyReserve: 0 };
    const replies = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms, limits });
    const outbox = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms, limits });
    const slots = [];
    for (let index = 0; index < 12; index++) slots.push(await replies.acquire({}));
    clock.ms += 30;
    for (const slot of slots) await slot.settle();
    assert.deepEqual(await outbox.tryAcquire({ chatId: 1 }), { ok: false, waitMs: 1000, scope: 'global' });
    clock.ms += 1000;
    // Room again, less the nine places kept for replies after a second of twelve.
    assert.equal((await outbox.tryAcquire({ chatId: 1 })).ok, true);
    assert.equal((await outbox.tryAcquire({ chatId: 2 })).ok, false);
  });

  test('a private chat is limited across instances to one message a second after its answer', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    const permit = await a.tryAcquire({ chatId: 77 });
    assert.ok(permit.ok);
    clock.ms += 100;
    await permit.settle();
    const refused = await b.tryAcquire({ chatId: 77 });
    assert.deepEqual(refused, { ok: false, waitMs: 1000, scope: 'chat' });
    assert.equal((await b.tryAcquire({ chatId: 78 })).ok, true);
    clock.ms += 1000;
    assert.equal((await b.tryAcquire({ chatId: 77 })).ok, true);
  });

  test('a group receives at most 20 messages in any minute across instances', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    let sent = 0;
    for (let index = 0; index < 25; index++) {
      const permit = await (index % 2 === 0 ? a : b).tryAcquire({ chatId: -500 });
      if (permit.ok) {
        sent += 1;
        await permit.settle();
      }
      clock.ms += 100;
    }
    assert.equal(sent, 20);
    clock.ms += 60_000;
    assert.equal((await a.tryAcquire({ chatId: -500 })).ok, true);
  });

  test('a 429 pause set by one instance stops the other', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    await a.pauseUntil(clock.ms + 3000);
    const permit = await b.tryAcquire({ chatId: 1, paid: true });
    assert.deepEqual(permit, { ok: false, waitMs: 3000, scope: 'global' });
    clock.ms += 3000;
    assert.equal((await b.tryAcquire({ chatId: 1 })).ok, true);
  });

  test('limiters with different prefixes (different bots) do not share windows', async () => {
    const clock = { ms: 5_000_000 };
    const limits = { globalPerSecond: 1, replyReserve: 0 };
    const a = createRedisRateLimiter(first, { prefix: prefix(), clock: () => clock.ms, limits });
    const b = createRedisRateLimiter(second, { prefix: prefix(), clock: () => clock.ms, limits });
    assert.equal((await a.tryAcquire({ chatId: 1 })).ok, true);
    assert.equal((await a.tryAcquire({ chatId: 2 })).ok, false);
    assert.equal((await b.tryAcquire({ chatId: 1 })).ok, true);
  });

  test('a rate below one a second holds one message in a window as long as the rate says', async () => {
    const clock = { ms: 5_000_000 };
    const limiter = createRedisRateLimiter(first, { prefix: prefix(), clock: () => clock.ms, limits: { globalPerSecond: 0.5 } });
    const permit = await limiter.tryAcquire({ chatId: 1 });
    assert.ok(permit.ok);
    await permit.settle();
    assert.deepEqual(await limiter.tryAcquire({ chatId: 2 }), { ok: false, waitMs: 2000, scope: 'global' });
    clock.ms += 2000;
    assert.equal((await limiter.tryAcquire({ chatId: 2 })).ok, true);
  });

  test('without a clock the windows run on Redis time and free up a second after the answer', async () => {
    const limiter = createRedisRateLimiter(first, { prefix: prefix(), limits: { globalPerSecond: 1, replyReserve: 0 } });
    const permit = await limiter.tryAcquire({ chatId: 1 });
    assert.ok(permit.ok);
    await permit.settle();
    const refused = await limiter.tryAcquire({ chatId: 2 });
    assert.equal(refused.ok, false);
    await new Promise((resolve) => setTimeout(resolve, (refused.ok ? 0 : refused.waitMs) + 20));
    assert.equal((await limiter.tryAcquire({ chatId: 2 })).ok, true);
  });
});
